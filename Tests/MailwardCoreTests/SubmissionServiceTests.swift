import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import Synchronization
import Testing

/// Sending in an account's name (the webmail's use case): the `From:` rule, local delivery,
/// remote recipients to the outbound queue or refused, the Sent copy, drafts.
@Suite struct SubmissionServiceTests {
    final class RecordingQueue: OutboundQueue {
        let messages = Mutex<[OutboundMessage]>([])
        func enqueue(_ message: OutboundMessage) async throws { messages.withLock { $0.append(message) } }
        func reportDelivered(_ message: OutboundMessage, reportingMTA: String) async throws {
            Issue.record("no delivery report is asked for here")
        }
    }

    struct World {
        let accounts: AccountService
        let mail: MailService
        let li: Account
        let wang: Account
    }

    func world() async throws -> World {
        let mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore(), clock: FixedClock())
        let accounts = AccountService(store: InMemoryDirectoryStore(), clock: FixedClock(), onAccountCreated: { account in
            try await mail.provision(accountID: account.id)
        })
        try await accounts.addDomain("demo.test")
        let li = try await accounts.addAccount("li@demo.test", password: "Tea-Garden-42", displayName: "李四")
        let wang = try await accounts.addAccount("wang@demo.test", password: "Tea-Garden-42", displayName: "王五")
        try await accounts.addAlias("boss@demo.test", for: "li@demo.test")
        return World(accounts: accounts, mail: mail, li: li, wang: wang)
    }

    func count(_ w: World, _ account: Account, _ use: SpecialUse?) async throws -> [MessageRecord] {
        let box: Mailbox
        if let use {
            box = try #require(try await w.mail.mailbox(accountID: account.id, specialUse: use))
        } else {
            box = try await w.mail.inbox(accountID: account.id)
        }
        return try await w.mail.store.messages(mailboxID: box.id)
    }

    @Test func sendsLocallyQueuesRemoteAndFilesSent() async throws {
        let w = try await world()
        let queue = RecordingQueue()
        let service = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: queue)
        let result = try await service.send(OutgoingMessage(
            from: "boss@demo.test", to: ["王五 <wang@demo.test>, friend@example.com"], bcc: ["hidden@example.org"],
            subject: "会议纪要", text: "请查收。",
            attachments: [.init(filename: "纪要.txt", contentType: "text/plain", data: Array("内容".utf8))]), as: w.li)
        #expect(result.deliveredLocally == ["wang@demo.test"])
        #expect(result.queued == ["friend@example.com", "hidden@example.org"])
        let queued = try #require(queue.messages.withLock { $0.first })
        #expect(queued.sender == "boss@demo.test")
        // Named like mail queued at the SMTP doors: twelve characters, no I or O.
        #expect(queued.id.utf8.count == 12 && queued.id.allSatisfy { "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".contains($0) })
        let text = String(decoding: queued.raw, as: UTF8.self)
        #expect(!text.contains("hidden@example.org"))  // Bcc is never written for recipients
        let delivered = try #require(try await count(w, w.wang, nil).first)
        #expect(!String(decoding: try await w.mail.raw(delivered), as: UTF8.self).contains("hidden@example.org"))
        let sent = try await count(w, w.li, .sent)
        #expect(sent.count == 1 && sent[0].flags.contains(MessageFlags.seen) && sent[0].summary.subject == "会议纪要")
        #expect(sent[0].summary.hasAttachments)
        // The sender's own copy says whom it was blind-copied to.
        #expect(String(decoding: try await w.mail.raw(sent[0]), as: UTF8.self).contains("\r\nBcc: hidden@example.org\r\n"))
    }

    /// A colleague's full mailbox does not stop the message to the others: their copies are
    /// delivered and the full one waits in the outbound queue (retried there, bounced if it never
    /// fits), under the account's own address — as at the submission door. Only when every
    /// recipient is local and full is nothing sent, with an error naming them.
    @Test func aFullLocalMailboxWaitsInTheQueue() async throws {
        let w = try await world()
        let zhao = try await w.accounts.addAccount("zhao@demo.test", password: "Tea-Garden-42", displayName: "赵六")
        try await w.accounts.addAlias("team-lead@demo.test", for: "zhao@demo.test")
        try await w.mail.store.setQuotaLimit(accountID: zhao.id, bytes: 10)
        let queue = RecordingQueue()
        let service = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: queue)
        let result = try await service.send(OutgoingMessage(from: "", to: ["wang@demo.test", "team-lead@demo.test"],
                                                            subject: "通知", text: "明天开会。"), as: w.li)
        #expect(result.deliveredLocally == ["wang@demo.test"])
        #expect(result.queued == ["zhao@demo.test"])
        #expect(try await count(w, w.wang, nil).count == 1)
        #expect(try await count(w, zhao, nil).isEmpty)
        let queued = try #require(queue.messages.withLock { $0.first })
        #expect(queued.recipients == ["zhao@demo.test"] && queued.sender == "li@demo.test")
        #expect(try await count(w, w.li, .sent).count == 1)

        await #expect(throws: SubmissionError.recipientMailboxFull(["zhao@demo.test"])) {
            try await service.send(OutgoingMessage(from: "", to: ["team-lead@demo.test"], subject: "再次通知", text: "x"), as: w.li)
        }
        #expect(queue.messages.withLock { $0.count } == 1, "nothing queued")
        #expect(try await count(w, w.li, .sent).count == 1, "nor filed as sent")
    }

    @Test func draftsKeepTheirBlindCopies() async throws {
        let w = try await world()
        let service = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: nil)
        let draft = try await service.saveDraft(OutgoingMessage(from: "", to: ["wang@demo.test"], bcc: ["boss@demo.test"],
                                                                subject: "草稿", text: "v1"), as: w.li)
        #expect(String(decoding: try await w.mail.raw(draft), as: UTF8.self).contains("\r\nBcc: boss@demo.test\r\n"))
    }

    @Test func refusalsChangeNothing() async throws {
        let w = try await world()
        let service = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: nil)
        await #expect(throws: SubmissionError.senderNotAllowed("wang@demo.test")) {
            try await service.send(OutgoingMessage(from: "wang@demo.test", to: ["wang@demo.test"], text: "x"), as: w.li)
        }
        await #expect(throws: SubmissionError.remoteDeliveryUnavailable(["a@example.com"])) {
            try await service.send(OutgoingMessage(from: "", to: ["wang@demo.test", "a@example.com"], text: "x"), as: w.li)
        }
        await #expect(throws: SubmissionError.unknownLocalRecipient("nobody@demo.test")) {
            try await service.send(OutgoingMessage(from: "", to: ["nobody@demo.test"], text: "x"), as: w.li)
        }
        // A disabled colleague is nobody, as at the SMTP door (AccountService.route).
        try await w.accounts.setDisabled("wang@demo.test", true)
        await #expect(throws: SubmissionError.unknownLocalRecipient("wang@demo.test")) {
            try await service.send(OutgoingMessage(from: "", to: ["wang@demo.test"], text: "x"), as: w.li)
        }
        try await w.accounts.setDisabled("wang@demo.test", false)
        await #expect(throws: SubmissionError.noRecipients) {
            try await service.send(OutgoingMessage(from: "", text: "x"), as: w.li)
        }
        await #expect(throws: SubmissionError.self) {
            try await service.send(OutgoingMessage(from: "", to: ["not an address"], text: "x"), as: w.li)
        }
        // A `from` that names more than the own address, or reads two ways.
        for from in ["<li@demo.test> <wang@demo.test>", "li@demo.test, wang@demo.test", "Team: li@demo.test;"] {
            await #expect(throws: SubmissionError.invalidAddress(from)) {
                try await service.send(OutgoingMessage(from: from, to: ["wang@demo.test"], text: "x"), as: w.li)
            }
        }
        let small = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: nil, maxMessageSize: 1000)
        await #expect(throws: SubmissionError.tooLarge(limit: 1000)) {
            try await small.send(OutgoingMessage(from: "", to: ["wang@demo.test"], text: String(repeating: "长", count: 2000)), as: w.li)
        }
        #expect(try await count(w, w.wang, nil).isEmpty)
        #expect(try await count(w, w.li, .sent).isEmpty)
    }

    @Test func draftsReplaceTheirEarlierVersion() async throws {
        let w = try await world()
        let service = SubmissionService(mail: w.mail, accounts: w.accounts, outbound: nil)
        let first = try await service.saveDraft(OutgoingMessage(from: "", to: ["half typed"], subject: "草稿", text: "v1"), as: w.li)
        let second = try await service.saveDraft(OutgoingMessage(from: "", subject: "草稿", text: "v2"), as: w.li, replacing: first)
        let drafts = try await count(w, w.li, .drafts)
        #expect(drafts.map(\.id) == [second.id])
        #expect(drafts[0].flags.contains(MessageFlags.draft))
    }
}
