import Foundation
import GRDB
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing

/// A full disk is a temporary failure of the store — the doors answer 451, `NO [UNAVAILABLE]`,
/// 503 — not a server bug; and nothing half-written stays. SQLite's `max_page_count` makes the
/// database "full" as a full disk does (SQLITE_FULL).
@Suite struct SQLiteDiskFullTests {
    @Test func aFullDatabaseIsUnavailableNotABug() async throws {
        let store = try SQLiteStore(path: TemporaryFolder.make().path + "/full.sqlite")
        let blobs = try FileBlobStore(root: TemporaryFolder.make().path + "/blobs")
        let mail = MailService(store: store, blobs: blobs)
        let t0 = Date()
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let alice = try await store.insertAccount(NewAccount(address: try EmailAddress("alice@demo.test"), displayName: "Alice",
                                                             passwordHash: "x", createdAt: t0))
        try await mail.provision(accountID: alice.id)
        let pages = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try await store.pool.write { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 40)") }
        var stored = 0
        var failure: (any Error)?
        for n in 0..<200 {
            let raw = Array("From: a@demo.test\r\nSubject: \(n)\r\n\r\n\(String(repeating: "text \(n) ", count: 600))\r\n".utf8)
            do {
                _ = try await mail.deliver(raw, to: [alice.id])
                stored += 1
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        guard case StoreError.unavailable(let reason) = error else {
            Issue.record("expected StoreError.unavailable, got \(error)")
            return
        }
        #expect(reason.contains("disk is full"))
        let inbox = try await mail.inbox(accountID: alice.id)
        #expect(try await store.messages(mailboxID: inbox.id).count == stored)
    }
}
