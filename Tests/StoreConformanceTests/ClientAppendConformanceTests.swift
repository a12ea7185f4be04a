import Foundation
import MailwardCore
import Testing

/// A mail client's own copy of what it just sent (IMAP APPEND into Sent after the submission
/// door filed one there) is not stored twice; every other APPEND is.
@Suite struct ClientAppendConformanceTests {
    static func sent(_ messageID: String, subject: String = "report", bcc: Bool = false) -> [UInt8] {
        Array("""
            From: Alice <alice@demo.test>\r
            To: Bob <bob@demo.test>\r
            \(bcc ? "Bcc: carol@demo.test\r\n" : "")Subject: \(subject)\r
            Date: Sun, 29 Nov 2026 10:00:00 +0800\r
            Message-ID: \(messageID)\r
            \r
            See the attached figures.\r

            """.utf8)
    }

    @Test(arguments: StoreKind.allCases)
    func aClientsCopyOfWhatTheServerFiledInSentIsTheSameMessage(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let sent = try await f.service.specialMailbox(accountID: f.alice.id, .sent)
        // The submission door's copy (it keeps the Bcc), then the client's, a little different.
        let filed = try await f.service.append(Self.sent("<a1@demo.test>", bcc: true), to: sent.id, flags: [MessageFlags.seen])
        f.clock.advance(by: 2)
        let answer = try await f.service.appendFromClient(Self.sent("<a1@demo.test>"), to: sent,
                                                          flags: [MessageFlags.seen, "$Sent-By-Client"])
        #expect(answer.id == filed.id && answer.uid == filed.uid)
        #expect(answer.flags.contains(MessageFlags.seen) && answer.flags.contains("$Sent-By-Client"))
        var records = try await f.store.messages(mailboxID: sent.id)
        #expect(records.count == 1)
        #expect(records[0].flags.contains("$Sent-By-Client"))
        #expect(try await f.service.raw(records[0]).count == Self.sent("<a1@demo.test>", bcc: true).count)
        #expect(try await f.store.quota(accountID: f.alice.id).usedBytes == Int64(filed.size))

        // Asked for no more than it has: the copy is left as it is.
        let again = try await f.service.appendFromClient(Self.sent("<a1@demo.test>"), to: sent, flags: [MessageFlags.seen])
        #expect(again.uid == filed.uid && again.modSeq == records[0].modSeq)

        // Another message, a message without a Message-ID, and the same message in another
        // folder are stored as usual.
        _ = try await f.service.appendFromClient(Self.sent("<a2@demo.test>"), to: sent)
        _ = try await f.service.appendFromClient(Self.sent(""), to: sent)
        let archive = try await f.service.createMailbox(accountID: f.alice.id, name: "Archive")
        _ = try await f.service.appendFromClient(Self.sent("<a1@demo.test>"), to: archive)
        #expect(try await f.store.messages(mailboxID: archive.id).count == 1)
        records = try await f.store.messages(mailboxID: sent.id)
        #expect(records.count == 3)
    }

    /// Only a recent copy counts: an hour later, or once the copy there is marked deleted, or in
    /// another account's Sent, the client's message is stored.
    @Test(arguments: StoreKind.allCases)
    func anOldDeletedOrOtherAccountsCopyIsNotTheSame(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let sent = try await f.service.specialMailbox(accountID: f.alice.id, .sent)
        let old = try await f.service.append(Self.sent("<old@demo.test>"), to: sent.id)
        f.clock.advance(by: MailService.sentCopyWindow + 1)
        let later = try await f.service.appendFromClient(Self.sent("<old@demo.test>"), to: sent)
        #expect(later.uid != old.uid)

        let deleted = try await f.service.append(Self.sent("<deleted@demo.test>"), to: sent.id)
        _ = try await f.service.updateFlags(mailboxID: sent.id, uids: [deleted.uid], change: .add([MessageFlags.deleted]))
        let stored = try await f.service.appendFromClient(Self.sent("<deleted@demo.test>"), to: sent)
        #expect(stored.uid != deleted.uid)

        let bobSent = try await f.service.specialMailbox(accountID: f.bob.id, .sent)
        _ = try await f.service.appendFromClient(Self.sent("<deleted@demo.test>"), to: bobSent)
        #expect(try await f.store.messages(mailboxID: bobSent.id).count == 1)
        #expect(try await f.store.messages(mailboxID: sent.id).count == 4)
    }

    /// The folder that counts is the one the server files sent mail in: with `\Sent` on a folder
    /// renamed "Sent Items", a plain folder called "Sent" is any folder.
    @Test(arguments: StoreKind.allCases)
    func onlyTheFolderSentMailIsFiledInCounts(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let marked = try await f.service.specialMailbox(accountID: f.alice.id, .sent)
        try await f.service.renameMailbox(marked, to: "Sent Items")
        let plain = try await f.service.createMailbox(accountID: f.alice.id, name: "Sent")
        let sentItems = try #require(try await f.store.mailbox(accountID: f.alice.id, name: "Sent Items"))
        #expect(try await f.service.specialMailbox(accountID: f.alice.id, .sent).id == sentItems.id)
        let first = try await f.service.appendFromClient(Self.sent("<twice@demo.test>"), to: plain)
        let second = try await f.service.appendFromClient(Self.sent("<twice@demo.test>"), to: plain)
        #expect(first.uid != second.uid)
        let filed = try await f.service.append(Self.sent("<twice@demo.test>"), to: sentItems.id)
        #expect(try await f.service.appendFromClient(Self.sent("<twice@demo.test>"), to: sentItems).uid == filed.uid)
    }
}
