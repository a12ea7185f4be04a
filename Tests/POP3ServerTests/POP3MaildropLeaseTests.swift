import Foundation
import Logging
import MailwardTesting
@testable import POP3Server
import Testing

/// A POP3 login's lease in the store: kept alive while the session lasts, noticed as lost when
/// another session took the maildrop, given up at the end.
@Suite struct POP3MaildropLeaseTests {
    static let logger = Logger(label: "pop3-lease-test")

    @Test func renewalKeepsTheMaildropAndReleaseFreesIt() async throws {
        let store = InMemoryMailStore()
        let lease = try #require(try await POP3MaildropLease.acquire(7, in: store, logger: Self.logger,
                                                                     duration: .milliseconds(300), renewal: .milliseconds(50)))
        try await Task.sleep(for: .milliseconds(600))  // twice the lease: only renewals keep it
        let now = Date()
        #expect(try await !store.acquireMaildropLease(7, holder: "other", now: now, until: now + 60))
        #expect(!lease.isLost)
        await lease.release()
        #expect(try await store.acquireMaildropLease(7, holder: "other", now: now, until: now + 60))
    }

    @Test func aLeaseTakenByAnotherSessionIsNoticedAsLost() async throws {
        let store = InMemoryMailStore()
        let lease = try #require(try await POP3MaildropLease.acquire(7, in: store, logger: Self.logger,
                                                                     duration: .seconds(60), renewal: .milliseconds(50)))
        // As if the lease had expired while the store could not be reached, and another node's
        // session took the maildrop.
        try await store.releaseMaildropLease(7, holder: lease.holder)
        let now = Date()
        #expect(try await store.acquireMaildropLease(7, holder: "other", now: now, until: now + 60))
        for _ in 0..<100 where !lease.isLost { try await Task.sleep(for: .milliseconds(20)) }
        #expect(lease.isLost)
        // Giving up a lost lease leaves the new holder's alone.
        await lease.release()
        #expect(try await !store.acquireMaildropLease(7, holder: "third", now: now, until: now + 60))
    }
}
