import Foundation
import MailwardCore
import Testing

/// IMAP `\Recent`'s store side (RFC 3501 §2.3.2): each new message is claimed by exactly one
/// session, whichever node it is on.
@Suite struct RecentConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func eachMessageIsClaimedOnce(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let inbox = try await f.inbox(f.alice)
        #expect(try await f.store.claimRecent(mailboxID: inbox.id) == nil, "an empty mailbox has nothing to claim")
        #expect(try await f.store.recentMessages(mailboxID: inbox.id) == RecentMessages(claimedThrough: 0, count: 0))
        for subject in ["one", "two"] {
            _ = try await f.service.deliver(MailFixture.message(subject: subject, body: "x"), to: [f.alice.id])
        }
        #expect(try await f.store.recentMessages(mailboxID: inbox.id) == RecentMessages(claimedThrough: 0, count: 2))
        #expect(try await f.store.claimRecent(mailboxID: inbox.id) == 1...2)
        #expect(try await f.store.claimRecent(mailboxID: inbox.id) == nil, "claimed once")
        #expect(try await f.store.recentMessages(mailboxID: inbox.id) == RecentMessages(claimedThrough: 2, count: 0))
        _ = try await f.service.deliver(MailFixture.message(subject: "three", body: "x"), to: [f.alice.id])
        // Claims made at once: exactly one gets the new message.
        let claims = try await withThrowingTaskGroup(of: ClosedRange<MessageUID>?.self) { group in
            for _ in 0..<8 { group.addTask { try await f.store.claimRecent(mailboxID: inbox.id) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(claims.compactMap { $0 } == [3...3])
        // Another mailbox keeps its own mark.
        let bobInbox = try await f.inbox(f.bob)
        #expect(try await f.store.recentMessages(mailboxID: bobInbox.id).claimedThrough == 0)
    }
}
