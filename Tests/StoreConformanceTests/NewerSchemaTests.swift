import Foundation
import GRDB
import MailwardCore
@testable import StorePostgres
@testable import StoreSQLite
import Testing

/// A store upgraded by a newer Mailward (it lists a migration this version does not know) is
/// refused at open, with the names, instead of being read as if its tables meant what they used
/// to (the upgrade audit: an older build on an upgraded folder answered FETCH with SERVERBUG and
/// could not find accounts whose domain the upgrade had renamed).
@Suite struct NewerSchemaTests {
    @Test func sqliteRefusesASchemaFromANewerVersion() async throws {
        let path = try TemporaryFolder.make().appendingPathComponent("mailward.sqlite").path
        _ = try SQLiteStore(path: path)
        // The store just opened may still be checkpointing on its own connection: wait for its
        // locks as the store itself would (a busy timeout), instead of failing at once.
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: configuration)
        try await pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('099-from-the-future')") }
        try pool.close()
        #expect(throws: NewerStoreSchema(migrations: ["099-from-the-future"])) { try SQLiteStore(path: path) }
        // Its own schema, opened again, is fine.
        let fresh = try TemporaryFolder.make().appendingPathComponent("mailward.sqlite").path
        _ = try SQLiteStore(path: fresh)
        _ = try SQLiteStore(path: fresh)
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func postgresRefusesASchemaFromANewerVersion() async throws {
        let url = try #require(PostgresTestServer.url)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try await PostgresStore.open(url: url, schema: schema)
        try await store.execute("INSERT INTO schema_migrations (name) VALUES ('099-from-the-future')")
        store.close()
        await #expect(throws: NewerStoreSchema(migrations: ["099-from-the-future"])) {
            _ = try await PostgresStore.open(url: url, schema: schema)
        }
    }

    /// What an open applied, for the server's log: everything for a new store, the missing
    /// migrations for one an older version made, nothing for a current one.
    @Test func sqliteReportsTheMigrationsAnOpenApplied() throws {
        let path = try TemporaryFolder.make().appendingPathComponent("mailward.sqlite").path
        #expect(try SQLiteStore(path: path).migrationsAppliedAtOpen == SQLiteStore.knownMigrations)
        #expect(try SQLiteStore(path: path).migrationsAppliedAtOpen == [])

        let older = try TemporaryFolder.make().appendingPathComponent("mailward.sqlite").path
        let pool = try DatabasePool(path: older)
        try SQLiteMigrations.migrator.migrate(pool, upTo: "010-maildrop-leases")
        try pool.close()
        let newer = Array(SQLiteStore.knownMigrations.drop { $0 != "010-maildrop-leases" }.dropFirst())
        #expect(!newer.isEmpty)
        #expect(try SQLiteStore(path: older).migrationsAppliedAtOpen == newer)
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func postgresReportsTheMigrationsAnOpenApplied() async throws {
        let url = try #require(PostgresTestServer.url)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let store = try await PostgresStore.open(url: url, schema: schema)
        #expect(store.migrationsAppliedAtOpen == PostgresStore.knownMigrations)
        store.close()
        let again = try await PostgresStore.open(url: url, schema: schema)
        #expect(again.migrationsAppliedAtOpen == [])
        again.close()
    }
}
