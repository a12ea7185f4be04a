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

    /// Opened for `config check`, an older store is left as it is: the missing migrations are
    /// listed, not applied, and a running server's maildrop leases stay.
    @Test func sqliteOpenedForACheckWritesNothing() throws {
        let older = try TemporaryFolder.make().appendingPathComponent("mailward.sqlite").path
        let pool = try DatabasePool(path: older)
        try SQLiteMigrations.migrator.migrate(pool, upTo: "010-maildrop-leases")
        try pool.write { db in
            try db.execute(sql: "INSERT INTO domains (name, created_at) VALUES ('example.edu.cn', 0)")
            try db.execute(sql: """
                INSERT INTO accounts (id, address, domain, display_name, password_hash, created_at)
                VALUES (1, 'li@example.edu.cn', 'example.edu.cn', 'Li', 'x', 0)
                """)
            try db.execute(sql: "INSERT INTO maildrop_leases (account_id, holder, expires_at) VALUES (1, 'pop3-session', 4102444800)")
        }
        func state() throws -> (migrations: Int, leases: Int) {
            try pool.read { db in
                (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM maildrop_leases") ?? 0)
            }
        }
        let before = try state()
        let newer = Array(SQLiteStore.knownMigrations.drop { $0 != "010-maildrop-leases" }.dropFirst())
        let checked = try SQLiteStore(path: older, checkOnly: true)
        #expect(checked.migrationsPendingAtOpen == newer)
        #expect(checked.migrationsAppliedAtOpen == [])
        #expect(try state() == before)
        // What `serve` then does: applies them, and clears the leases a crashed server left.
        let served = try SQLiteStore(path: older)
        #expect(served.migrationsAppliedAtOpen == newer && served.migrationsPendingAtOpen == [])
        #expect(try state() == (before.migrations + newer.count, 0))
        try pool.close()
    }

    @Test(.enabled(if: PostgresTestServer.url != nil))
    func postgresOpenedForACheckWritesNothing() async throws {
        let url = try #require(PostgresTestServer.url)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let fresh = try await PostgresStore.open(url: url, schema: schema, checkOnly: true)
        #expect(fresh.migrationsPendingAtOpen == PostgresStore.knownMigrations)
        let made = try await fresh.rows("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)")
        #expect(made.isEmpty, "not even the schema is made")
        fresh.close()
        let store = try await PostgresStore.open(url: url, schema: schema)
        let last = try #require(PostgresStore.knownMigrations.last)
        try await store.execute("DELETE FROM schema_migrations WHERE name = \(last)")
        store.close()
        let checked = try await PostgresStore.open(url: url, schema: schema, checkOnly: true)
        #expect(checked.migrationsPendingAtOpen == [last] && checked.migrationsAppliedAtOpen == [])
        let rows = try await checked.rows("SELECT 1 FROM schema_migrations WHERE name = \(last)")
        #expect(rows.isEmpty, "left for serve to apply")
        checked.close()
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
