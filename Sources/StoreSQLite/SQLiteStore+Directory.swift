import Foundation
import GRDB
import MailwardCore

extension SQLiteStore: DirectoryStore {
    public func insertDomain(_ domain: Domain) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO domains (name, created_at) VALUES (?, ?)",
                           arguments: [domain.name, domain.createdAt.timeIntervalSince1970])
        }
    }

    // The three look-ups below run for every SMTP recipient: prepared once per connection.
    public func domain(named name: String) async throws -> Domain? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM domains WHERE name = ?"), arguments: [name]).map(Self.domain)
        }
    }

    public func domains() async throws -> [Domain] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM domains ORDER BY name").map(Self.domain)
        }
    }

    public func deleteDomain(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM domains WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func insertAccount(_ account: NewAccount) async throws -> Account {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO accounts (address, domain, display_name, password_hash, disabled, created_at)
                VALUES (?, ?, ?, ?, 0, ?)
                """, arguments: [account.address.description, account.address.domain, account.displayName,
                                 account.passwordHash, account.createdAt.timeIntervalSince1970])
            return Account(id: db.lastInsertedRowID, address: account.address, displayName: account.displayName,
                           passwordHash: account.passwordHash, disabled: false, createdAt: account.createdAt)
        }
    }

    public func account(id: AccountID) async throws -> Account? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE id = ?"), arguments: [id]).map(Self.account)
        }
    }

    public func account(address: EmailAddress) async throws -> Account? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM accounts WHERE address = ?"),
                             arguments: [address.description]).map(Self.account)
        }
    }

    public func accounts(inDomain domain: String?) async throws -> [Account] {
        try await pool.read { db in
            if let domain {
                return try Row.fetchAll(db, sql: "SELECT * FROM accounts WHERE domain = ? ORDER BY address",
                                        arguments: [domain]).map(Self.account)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY domain, address").map(Self.account)
        }
    }

    public func accountCount(inDomain domain: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts WHERE domain = ?", arguments: [domain]) ?? 0
        }
    }

    public func updateAccount(_ account: Account) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE accounts SET display_name = ?, password_hash = ?, disabled = ? WHERE id = ?
                """, arguments: [account.displayName, account.passwordHash, account.disabled, account.id])
            if db.changesCount == 0 { throw StoreError.missing("account \(account.id)") }
        }
    }

    public func deleteAccount(id: AccountID) async throws -> Bool {
        try await write { db in
            // Copies go first so the triggers release their blobs (collected later).
            try db.execute(sql: "DELETE FROM messages WHERE account_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM accounts WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func insertAlias(_ alias: Alias) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO aliases (address, domain, account_id, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [alias.address.description, alias.address.domain, alias.accountID,
                                       alias.createdAt.timeIntervalSince1970])
        }
    }

    public func alias(address: EmailAddress) async throws -> Alias? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM aliases WHERE address = ?"),
                             arguments: [address.description]).flatMap(Self.alias)
        }
    }

    public func aliases(of accountID: AccountID) async throws -> [Alias] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM aliases WHERE account_id = ? ORDER BY address",
                             arguments: [accountID]).compactMap(Self.alias)
        }
    }

    public func deleteAlias(address: EmailAddress) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM aliases WHERE address = ?", arguments: [address.description])
            return db.changesCount > 0
        }
    }

    // MARK: Row mapping

    static func domain(_ row: Row) -> Domain {
        Domain(name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func account(_ row: Row) throws -> Account {
        Account(id: row["id"], address: try EmailAddress(stored: row["address"] as String),
                displayName: row["display_name"], passwordHash: row["password_hash"],
                disabled: row["disabled"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func alias(_ row: Row) -> Alias? {
        guard let address = try? EmailAddress(row["address"] as String) else { return nil }
        return Alias(address: address, accountID: row["account_id"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}

extension SQLiteStore {
    /// A write transaction whose commit skips the WAL fsync (`synchronous = NORMAL` for this
    /// transaction only), for flag changes — what Dovecot's `mail_fsync = optimized` does with its
    /// index. The commit is atomic at once and durable with the next fsynced commit (any delivery)
    /// or checkpoint; a crash before that can forget the change, never corrupt the store or lose
    /// a message.
    func relaxedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            guard let result else { throw DatabaseError(message: "write produced no result") }
            return result
        }
    }

    /// A write transaction whose SQLite constraint failures become the port's `StoreError`s.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreError.duplicate(error.message ?? "duplicate")
            }
            throw StoreError.missing(error.message ?? "constraint")
        } catch {
            throw Self.storageError(error)
        }
    }

    /// A full disk is a temporary failure of the store (`StoreError.unavailable`: IMAP
    /// `NO [UNAVAILABLE]`, HTTP 503, SMTP 451), not a server bug; other errors pass unchanged.
    static func storageError(_ error: any Error) -> any Error {
        if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
            return StoreError.unavailable("the disk is full (\(error.message ?? "SQLITE_FULL"))")
        }
        return error
    }
}

extension SQLiteStore: ImmediateRecipientLookups {
    /// One statement, so one snapshot and one read lock: the version, and the account's quota
    /// row beside it (an account without a limit set has none: its usage is summed as
    /// ``quota(accountID:)`` does, in a second statement).
    public func recipientSnapshot(accountID: AccountID?) throws -> RecipientSnapshot {
        try quickLookup { db in
            guard let accountID else {
                return RecipientSnapshot(directoryVersion: try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM directory_version")) ?? 0,
                                         quota: nil)
            }
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT v.version, q.limit_bytes, q.used_bytes
                FROM directory_version v LEFT JOIN quotas q ON q.account_id = ?
                """), arguments: [accountID])
            let version: Int64 = row?[0] ?? 0
            if let row, let limit = row[1] as Int64?, let used = row[2] as Int64? {
                return RecipientSnapshot(directoryVersion: version, quota: QuotaUsage(usedBytes: used, limitBytes: limit))
            }
            return RecipientSnapshot(directoryVersion: version, quota: try Self.quota(db, accountID: accountID))
        }
    }
}
