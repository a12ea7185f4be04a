import Foundation
import GRDB
import MailwardCore

/// The embedded store: one SQLite file in WAL mode behind a GRDB `DatabasePool`
/// (many readers, one writer). Several processes may open the same file at once — the
/// server and the `mailward` command line — so writes wait on a busy timeout instead of failing.
public final class SQLiteStore: Sendable {
    public let pool: DatabasePool
    let insertBatcher: InsertBatcher

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try SQLiteMigrations.migrator.migrate(pool)
        insertBatcher = InsertBatcher(pool: pool)
    }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }
}
