import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import Synchronization
import Testing

/// Automatic replies: RFC 3834's rule (who gets one), the reply's shape, and `AutoResponder`
/// over in-memory stores (once per sender and period, local and remote senders, the settings).
@Suite struct AutoReplyTests {
    static func headers(_ text: String) -> [HeaderField] { MIMEParser.headerFields(Array((text + "\r\n\r\nbody\r\n").utf8)) }
    let own: Set<String> = ["li@demo.test", "boss@demo.test"]
    let plain = "From: Wang <wang@far.test>\r\nTo: li@demo.test\r\nSubject: 会议\r\nMessage-ID: <m1@far.test>"

    @Test func whoGetsAReply() {
        let rule = AutoReplyRule.self
        #expect(rule.shouldReply(headers: Self.headers(plain), sender: "wang@far.test", own: own, junk: false))
        #expect(rule.shouldReply(headers: Self.headers("From: x\r\nCc: Boss <BOSS@demo.test>"), sender: "x@far.test", own: own, junk: false),
                "an alias in Cc, any case")
        // Not named in To/Cc (Bcc'd, or a mailing to many), bounces, the account itself, spam.
        #expect(!rule.shouldReply(headers: Self.headers("From: x\r\nTo: someone@far.test"), sender: "x@far.test", own: own, junk: false))
        #expect(!rule.shouldReply(headers: Self.headers(plain), sender: "", own: own, junk: false))
        #expect(!rule.shouldReply(headers: Self.headers(plain), sender: nil, own: own, junk: false))
        #expect(!rule.shouldReply(headers: Self.headers(plain), sender: "LI@demo.test", own: own, junk: false))
        #expect(!rule.shouldReply(headers: Self.headers(plain), sender: "wang@far.test", own: own, junk: true))
        // Automatic and list mail.
        for extra in ["Auto-Submitted: auto-generated", "Auto-Submitted: auto-replied (vacation)", "Precedence: bulk", "Precedence: list",
                      "Precedence: junk", "List-Id: <staff.far.test>", "List-Unsubscribe: <mailto:u@far.test>", "List-Post: <mailto:l@far.test>",
                      "X-Auto-Response-Suppress: OOF, AutoReply", "X-Auto-Response-Suppress: All"] {
            #expect(!rule.shouldReply(headers: Self.headers(plain + "\r\n" + extra), sender: "wang@far.test", own: own, junk: false), "\(extra)")
        }
        #expect(rule.shouldReply(headers: Self.headers(plain + "\r\nAuto-Submitted: no"), sender: "wang@far.test", own: own, junk: false))
        // System senders.
        for sender in ["MAILER-DAEMON@far.test", "postmaster@far.test", "owner-staff@far.test", "staff-request@far.test",
                       "noreply@far.test", "no-reply@far.test", "bounce-123@far.test", "list-bounces@far.test"] {
            #expect(!rule.shouldReply(headers: Self.headers(plain), sender: sender, own: own, junk: false), "\(sender)")
        }
    }

    @Test func theReplyIsAutomaticAndThreaded() throws {
        let account = Account(id: 1, address: try EmailAddress("li@demo.test"), displayName: "李四", passwordHash: "x", disabled: false,
                              createdAt: Date())
        let headers = Self.headers(plain + "\r\nReferences: <m0@far.test>")
        let raw = AutoReplyRule.compose(AutoReply(enabled: true, text: "我在休假。\n12 月 20 日回来。"), from: account, to: "wang@far.test",
                                        headers: headers, date: Date(timeIntervalSince1970: 1_795_000_000), messageID: "auto-1")
        let parsed = MIMEParser.parse(raw)
        #expect(parsed.headers.first(named: "Auto-Submitted") == "auto-replied")
        #expect(parsed.headers.first(named: "To") == "<wang@far.test>")
        #expect(parsed.headers.first(named: "In-Reply-To") == "<m1@far.test>")
        #expect(parsed.headers.first(named: "References")?.contains("<m0@far.test>") == true)
        #expect(EncodedWord.decode(parsed.headers.first(named: "Subject") ?? "") == "自动回复: 会议")
        #expect(EncodedWord.decode(parsed.headers.first(named: "From") ?? "").contains("李四"))
        #expect(raw.allSatisfy { $0 < 0x80 }, "7-bit")
        let text = MessageContent.extract(from: raw).textBody ?? ""
        #expect(text.contains("我在休假。") && text.contains("12 月 20 日回来。"), "\(text)")
        let own = AutoReplyRule.compose(AutoReply(enabled: true, subject: "休假中", text: "x"), from: account, to: "wang@far.test",
                                        headers: headers, date: Date(), messageID: "auto-2")
        #expect(EncodedWord.decode(MIMEParser.parse(own).headers.first(named: "Subject") ?? "") == "休假中")
    }

    final class RecordingQueue: OutboundQueue {
        let messages = Mutex<[OutboundMessage]>([])
        func enqueue(_ message: OutboundMessage) async throws { messages.withLock { $0.append(message) } }
        func reportDelivered(_ message: OutboundMessage, reportingMTA: String) async throws {
            Issue.record("no delivery report is asked for here")
        }
    }

    @Test func theResponderAnswersEachSenderOncePerPeriod() async throws {
        let clock = FixedClock(Date(timeIntervalSince1970: 1_795_000_000))
        let mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore(), clock: clock)
        let accounts = AccountService(store: InMemoryDirectoryStore(), clock: clock, onAccountCreated: { account in
            try await mail.provision(accountID: account.id)
        })
        try await accounts.addDomain("demo.test")
        let li = try await accounts.addAccount("li@demo.test", password: "Tea-Garden-42", displayName: "李四")
        let zhao = try await accounts.addAccount("zhao@demo.test", password: "Tea-Garden-42")
        let queue = RecordingQueue()
        let failures = Mutex<[String]>([])
        let responder = AutoResponder(mail: mail, accounts: accounts, outbound: queue, index: AutoReplyIndex(),
                                      report: { failure in failures.withLock { $0.append(failure) } })
        // Refused settings.
        await #expect(throws: AutoReplyError.textMissing) { try await responder.set(AutoReply(enabled: true, text: "  "), for: li) }
        await #expect(throws: AutoReplyError.invalidSubject) {
            try await responder.set(AutoReply(enabled: true, subject: "a\r\nBcc: x@y", text: "x"), for: li)
        }
        await #expect(throws: AutoReplyError.endPassed) {
            try await responder.set(AutoReply(enabled: true, text: "x", endsAt: clock.now), for: li)
        }
        let away = AutoReply(enabled: true, text: "休假中", endsAt: clock.now + 10 * 86_400)
        try await responder.set(away, for: li)
        #expect(try await responder.settings(of: li) == away)

        func deliver(_ from: String, _ extra: String = "") async throws {
            let raw = Array("From: \(from)\r\nTo: li@demo.test\r\nSubject: hi\r\nMessage-ID: <\(UUID())@x>\r\n\(extra)\r\nhello\r\n".utf8)
            _ = try await mail.deliver(raw, to: [li.id])
            await responder.delivered(raw, envelopeSender: from, to: [li.id], junk: false)
        }
        func settle() async throws { try await Task.sleep(for: .milliseconds(200)) }
        try await deliver("wang@far.test")
        try await deliver("wang@far.test")
        try await deliver("list@far.test", "List-Id: <x.far.test>\r\n")
        try await deliver("zhao@demo.test")
        try await settle()
        #expect(queue.messages.withLock { $0 }.map(\.recipients) == [["wang@far.test"]], "once, remote, not the list")
        #expect(queue.messages.withLock { $0 }.first?.sender == "")
        let zhaoInbox = try await mail.inbox(accountID: zhao.id)
        let local = try await mail.store.messages(mailboxID: zhaoInbox.id)
        #expect(local.count == 1, "a local sender's reply is delivered to its INBOX")
        // Eight days later the same sender is answered again; after the end, nobody is.
        clock.advance(by: 8 * 86_400)
        try await deliver("wang@far.test")
        try await settle()
        #expect(queue.messages.withLock { $0 }.count == 2)
        clock.advance(by: 3 * 86_400)
        try await deliver("someone@far.test")
        try await settle()
        #expect(queue.messages.withLock { $0 }.count == 2, "past the last day")
        // Switched off: nothing.
        try await responder.set(AutoReply(enabled: false, text: "休假中"), for: li)
        try await deliver("other@far.test")
        try await settle()
        #expect(queue.messages.withLock { $0 }.count == 2)
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }
}
