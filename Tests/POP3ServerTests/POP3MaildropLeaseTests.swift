import Foundation
import Logging
import MailwardCore
import MailwardTesting
@testable import POP3Server
import Testing

/// A POP3 login's lease in the store: kept alive while the session lasts, noticed as lost when
/// another session took the maildrop, given up at the end.
@Suite struct POP3MaildropLeaseTests {
    static let logger = Logger(label: "pop3-lease-test")

    @Test func renewalKeepsTheMaildropAndReleaseFreesIt() async throws {
        let store: any MailStore = InMemoryMailStore()
        let clock = FixedClock()
        let lease = try #require(try await POP3MaildropLease.acquire(7, in: store, clock: clock, logger: Self.logger,
                                                                     duration: .seconds(120), renewal: .milliseconds(10)))
        // Five minutes pass, ten seconds per 30 ms: without renewals the lease ends at +120 s.
        for _ in 0..<30 {
            clock.advance(by: 10)
            try await Task.sleep(for: .milliseconds(30))
        }
        #expect(try await !store.acquireMaildropLease(7, holder: "other", now: clock.now, until: clock.now + 60))
        #expect(!lease.isLost)
        await lease.release()
        #expect(try await store.acquireMaildropLease(7, holder: "other", now: clock.now, until: clock.now + 60))
    }

    @Test func aLeaseTakenByAnotherSessionIsNoticedAsLost() async throws {
        let store: any MailStore = InMemoryMailStore()
        let clock = FixedClock()
        let lease = try #require(try await POP3MaildropLease.acquire(7, in: store, clock: clock, logger: Self.logger,
                                                                     duration: .seconds(120), renewal: .seconds(3600)))
        // The store could not be reached for longer than the lease: it expired, and another
        // node's session took the maildrop.
        clock.advance(by: 121)
        #expect(try await store.acquireMaildropLease(7, holder: "other", now: clock.now, until: clock.now + 120))
        #expect(!lease.isLost)
        let renewing = try #require(try await POP3MaildropLease.acquire(8, in: store, clock: clock, logger: Self.logger,
                                                                        duration: .seconds(120), renewal: .milliseconds(20)))
        try await store.releaseMaildropLease(8, holder: renewing.holder)
        #expect(try await store.acquireMaildropLease(8, holder: "other", now: clock.now, until: clock.now + 120))
        for _ in 0..<200 where !renewing.isLost { try await Task.sleep(for: .milliseconds(10)) }
        #expect(renewing.isLost)
        // Giving up a lost lease leaves the new holder's alone.
        await renewing.release()
        await lease.release()
        #expect(try await !store.acquireMaildropLease(7, holder: "third", now: clock.now, until: clock.now + 120))
        #expect(try await !store.acquireMaildropLease(8, holder: "third", now: clock.now, until: clock.now + 120))
    }
}
