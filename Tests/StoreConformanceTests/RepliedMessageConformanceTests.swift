import Foundation
import MailwardCore
import Testing

/// The message a reply draft answers, found again by its Message-ID when the draft is reopened.
@Suite struct RepliedMessageConformanceTests {
    static func message(_ messageID: String, subject: String) -> [UInt8] {
        Array("From: Bob <bob@demo.test>\r\nTo: Alice <alice@demo.test>\r\nSubject: \(subject)\r\nMessage-ID: \(messageID)\r\n\r\nHello.\r\n".utf8)
    }

    @Test(arguments: StoreKind.allCases)
    func theNewestInboxMessageWithThatMessageIDIsFound(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.service.inbox(accountID: f.alice.id)
        _ = try await f.service.append(Self.message("<q1@demo.test>", subject: "first copy"), to: inbox.id)
        _ = try await f.service.append(Self.message("<other@demo.test>", subject: "other"), to: inbox.id)
        let newest = try await f.service.append(Self.message("<q1@demo.test>", subject: "second copy"), to: inbox.id)
        // In another folder or another account's inbox: not the one answered.
        let archive = try await f.service.createMailbox(accountID: f.alice.id, name: "Archive")
        _ = try await f.service.append(Self.message("<q2@demo.test>", subject: "filed"), to: archive.id)
        let bobInbox = try await f.service.inbox(accountID: f.bob.id)
        _ = try await f.service.append(Self.message("<q3@demo.test>", subject: "bob's"), to: bobInbox.id)

        #expect(try await f.service.repliedMessage(inReplyTo: "<q1@demo.test>", accountID: f.alice.id)?.id == newest.id)
        #expect(try await f.service.repliedMessage(inReplyTo: "<q2@demo.test>", accountID: f.alice.id) == nil)
        #expect(try await f.service.repliedMessage(inReplyTo: "<q3@demo.test>", accountID: f.alice.id) == nil)
        #expect(try await f.service.repliedMessage(inReplyTo: "<nowhere@demo.test>", accountID: f.alice.id) == nil)
    }
}
