import Foundation
import MailwardCore
import StoreSQLite
import Testing

/// POP3's maildrop lease (RFC 1939 §8 across server nodes): one holder at a time, renewable by
/// its holder, free again once released or expired.
@Suite struct MaildropLeaseConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func oneHolderAtATimeUntilReleasedOrExpired(_ kind: StoreKind) async throws {
        let f = try await MailFixture(kind)
        let alice = f.alice.id, bob = f.bob.id
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func acquire(_ account: AccountID, _ holder: String, at seconds: Double, for duration: Double = 120) async throws -> Bool {
            try await f.store.acquireMaildropLease(account, holder: holder, now: t0 + seconds, until: t0 + seconds + duration)
        }
        #expect(try await acquire(alice, "node-a/1", at: 0))
        #expect(try await !acquire(alice, "node-b/1", at: 1), "held by another session")
        #expect(try await acquire(bob, "node-b/1", at: 1), "another account's maildrop is free")
        #expect(try await acquire(alice, "node-a/1", at: 40), "the holder renews: now until 160")
        #expect(try await !acquire(alice, "node-b/2", at: 130), "still held after the first lease's end")

        // Releasing someone else's lease changes nothing; the holder's own release frees it.
        try await f.store.releaseMaildropLease(alice, holder: "node-b/2")
        #expect(try await !acquire(alice, "node-b/2", at: 131))
        try await f.store.releaseMaildropLease(alice, holder: "node-a/1")
        #expect(try await acquire(alice, "node-b/2", at: 132))

        // A holder that stopped renewing (its node died) loses the maildrop once the lease ends,
        // and cannot renew what another holder took meanwhile.
        #expect(try await !acquire(alice, "node-c/1", at: 251))
        #expect(try await acquire(alice, "node-c/1", at: 252))
        #expect(try await !acquire(alice, "node-b/2", at: 253))
    }

    /// The embedded store serves one server process, whose own locks decide: leases a crashed
    /// process left behind are void when the store is opened again.
    @Test func reopeningTheEmbeddedStoreVoidsLeftoverLeases() async throws {
        let path = try TemporaryFolder.make().path + "/leases.sqlite"
        let store = try SQLiteStore(path: path)
        let now = Date()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: now))
        let alice = try await store.insertAccount(NewAccount(address: try EmailAddress("alice@demo.test"), displayName: "Alice",
                                                             passwordHash: "x", createdAt: now))
        #expect(try await store.acquireMaildropLease(alice.id, holder: "crashed", now: now, until: now + 120))
        #expect(try await !store.acquireMaildropLease(alice.id, holder: "other", now: now, until: now + 120))
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.acquireMaildropLease(alice.id, holder: "restarted", now: now, until: now + 120))
    }
}
