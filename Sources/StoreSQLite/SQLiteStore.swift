import Foundation
import GRDB
import MailwardCore

/// The embedded store: one SQLite file in WAL mode behind a GRDB `DatabasePool`
/// (many readers, one writer). Several processes may open the same file at once — the
/// server and the `mailward` command line — so writes wait on a busy timeout instead of failing.
public final class SQLiteStore: MigratingStore {
    public let pool: DatabasePool
    /// Read-only connections for ``quickRead(_:)`` only (see there).
    let quickReaders: QuickReaders
    let insertBatcher: InsertBatcher
    /// Checkpoints the log off the writer (see there).
    let checkpointer: WALCheckpointer
    public let migrationsAppliedAtOpen: [String]
    public let migrationsPendingAtOpen: [String]

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    ///
    /// With `checkOnly` (`mailward config check`, beside a running server or before an upgrade)
    /// it writes nothing: pending migrations are listed in ``migrationsPendingAtOpen`` for `serve`
    /// to apply, and the maildrop leases stay (a server running on the folder holds them).
    public init(path: String, checkOnly: Bool = false) throws {
        _ = SQLiteProcess.configured
        // Files an earlier version (or another umask) made readable for others become private:
        // they hold password hashes, phone numbers and mail.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        let checkpointer = WALCheckpointer(path: path)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if !db.configuration.readonly { checkpointer.watch(db) }
        }
        self.checkpointer = checkpointer
        pool = try DatabasePool(path: path, configuration: configuration)
        let applied = try pool.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        let unknown = applied.subtracting(SQLiteMigrations.migrator.migrations)
        guard unknown.isEmpty else { throw NewerStoreSchema(migrations: Array(unknown)) }
        let pending = SQLiteMigrations.migrator.migrations.filter { !applied.contains($0) }
        if checkOnly {
            migrationsAppliedAtOpen = []
            migrationsPendingAtOpen = pending
        } else {
            try SQLiteMigrations.migrator.migrate(pool)
            migrationsAppliedAtOpen = pending
            migrationsPendingAtOpen = []
            // One server process per data folder, whose own maildrop locks are authoritative: leases
            // left by a process that crashed would only keep users out until they expire.
            try pool.write { db in try db.execute(sql: "DELETE FROM maildrop_leases") }
        }
        insertBatcher = InsertBatcher(pool: pool)
        quickReaders = QuickReaders(path: path)
    }

    deinit {
        insertBatcher.stop()
        checkpointer.close()
    }

    /// Runs a point lookup (an account, a mailbox, a mailbox's changes, a few messages) on the
    /// calling thread, in a read transaction of its own.
    ///
    /// Why not `pool.read` with `await`: that hops to a reader's dispatch queue and back — two
    /// thread wake-ups for a read that takes microseconds — and an IMAP command makes several
    /// (credential re-check, the command, the change announcement): on a busy server the hops, not
    /// SQLite, were the cost. These readers (``QuickReaders``) are connections of their own, used
    /// only synchronously: a caller never waits for a suspended task (which could need this very
    /// thread to resume). Big reads (a whole folder, search) keep `pool.read`.
    func quickRead<T>(_ body: (Database) throws -> T) throws -> T {
        try quickReaders.read(body)
    }

    /// ``quickRead(_:)`` for a body that runs **one** statement: no transaction around it. A
    /// single SQLite statement reads one consistent snapshot of its own, and the `BEGIN` and
    /// `COMMIT` of a read transaction would be two more statements, prepared and run for each
    /// lookup — several per message at the SMTP door (domain, account, mailbox).
    func quickLookup<T>(_ body: (Database) throws -> T) throws -> T {
        try quickReaders.unsafeRead(body)
    }

    public static var knownMigrations: [String] { SQLiteMigrations.migrator.migrations }

    /// Names of the migrations applied so far, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }
}
