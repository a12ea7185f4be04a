import Foundation
import GRDB
import MailwardCore
import MailwardTesting
import StoreSQLite
import Testing

/// The SQLite store removes unreferenced bodies without foreign key checks (`messages.blob_id`
/// has no index since `024-no-message-blob-index`, so a check would scan every message for every
/// body), and switches the checks on again for everything else.
@Suite struct SQLiteGarbageCollectionTests {
    @Test func removedBodiesGoAndForeignKeysStayOn() async throws {
        let folder = try TemporaryFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("mailward.sqlite").path)
        let t0 = Date(timeIntervalSince1970: 1_795_000_000)
        try await store.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let carol = try await store.insertAccount(NewAccount(address: try EmailAddress("carol@demo.test"), displayName: "Carol",
                                                             passwordHash: "x", createdAt: t0))
        let mail = MailService(store: store, blobs: InMemoryBlobStore(), events: MailboxEvents(), defaultQuota: 1 << 30)
        try await mail.provision(accountID: carol.id)
        let kept = try await mail.deliver(MailFixture.message(subject: "Kept", body: "Stays."), to: [carol.id])[0]
        let gone = try await mail.deliver(MailFixture.message(subject: "Gone", body: "Goes."), to: [carol.id])[0]

        #expect(try await mail.remove(mailboxID: gone.mailboxID, uids: [gone.uid], onlyDeleted: false) == [gone.uid])
        let bodies = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM blobs ORDER BY id") }
        #expect(bodies == [kept.blobID.hex])
        #expect(try await store.inlineBody(blobID: kept.blobID) != nil)

        let index = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_blob'")
        }
        #expect(index == 0)
        // The writer enforces references again: a copy naming no body is refused.
        let enforced = try await store.pool.write { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(enforced == true)
        await #expect(throws: (any Error).self) {
            try await store.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO messages (mailbox_id, account_id, uid, modseq, flags, seen, deleted, internal_date, size, blob_id)
                    VALUES (?, ?, 999, 1, '', 0, 0, 0, 1, 'no-such-body')
                    """, arguments: [kept.mailboxID, carol.id])
            }
        }
    }
}
