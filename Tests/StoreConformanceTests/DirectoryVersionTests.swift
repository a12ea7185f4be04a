import Foundation
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing

/// The SQLite store's directory version (``ImmediateRecipientLookups``): the SMTP door reuses a
/// recipient's route only while it stands still, so every change of a domain, account or alias —
/// from any connection, as the command line's in another process — must move it, and a
/// delivery must not (or no route would ever be reused).
@Suite struct DirectoryVersionTests {
    @Test func everyDirectoryChangeMovesTheVersionAndDeliveriesDoNot() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mailward.sqlite").path
        let server = try SQLiteStore(path: path)
        // Another process's handle on the same file (the command line's).
        let other = try SQLiteStore(path: path)
        var seen: Set<Int64> = []
        func version() throws -> Int64 { try server.recipientSnapshot(accountID: nil).directoryVersion }
        /// Runs `change` through the other handle; the server's handle must see a new version.
        func expectMoved(_ what: Comment, _ change: () async throws -> Void) async throws {
            let before = try version()
            try await change()
            let after = try version()
            #expect(after != before && !seen.contains(after), what)
            seen.insert(after)
        }
        seen.insert(try version())
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)

        try await expectMoved("domain added") { try await other.insertDomain(Domain(name: "demo.test", createdAt: t0)) }
        let beforeAccount = try version()
        var carol = try await other.insertAccount(NewAccount(address: try EmailAddress("carol@demo.test"), displayName: "Carol",
                                                             passwordHash: "x", createdAt: t0))
        #expect(try version() > beforeAccount, "account added")
        // No quota row before the account's folders are made: its usage, without a limit.
        #expect(try server.recipientSnapshot(accountID: carol.id).quota == QuotaUsage(usedBytes: 0, limitBytes: .max))
        seen.insert(try version())
        try await expectMoved("account disabled") {
            carol.disabled = true
            try await other.updateAccount(carol)
        }
        try await expectMoved("alias added") {
            try await other.insertAlias(Alias(address: try EmailAddress("info@demo.test"), accountID: carol.id, createdAt: t0))
        }
        try await expectMoved("alias removed") { _ = try await other.deleteAlias(address: try EmailAddress("info@demo.test")) }

        // A delivery (and the quota it uses) leaves the version alone, and the snapshot's quota
        // is the store's.
        let mail = MailService(store: server, blobs: InMemoryBlobStore(), events: MailboxEvents(), defaultQuota: 1 << 30)
        try await mail.provision(accountID: carol.id)
        let before = try version()
        _ = try await mail.deliver(MailFixture.message(subject: "Hello", body: "A delivery."), to: [carol.id])
        let snapshot = try server.recipientSnapshot(accountID: carol.id)
        #expect(snapshot.directoryVersion == before)
        #expect(snapshot.quota == (try await server.quota(accountID: carol.id)))
        #expect((snapshot.quota?.usedBytes ?? 0) > 0)
        // With a limit set (the quota row read beside the version) as without one.
        try await other.setQuotaLimit(accountID: carol.id, bytes: 5 << 20)
        let limited = try server.recipientSnapshot(accountID: carol.id)
        #expect(limited.quota == QuotaUsage(usedBytes: snapshot.quota?.usedBytes ?? -1, limitBytes: 5 << 20))
        #expect(limited.directoryVersion == before)

        try await expectMoved("account removed") { _ = try await other.deleteAccount(id: carol.id) }
        try await expectMoved("domain removed") { _ = try await other.deleteDomain(named: "demo.test") }
    }
}
