import Foundation
import MailwardCore
import PostgresNIO

extension PostgresStore: DirectoryStore {
    public func insertDomain(_ domain: Domain) async throws {
        try await execute("INSERT INTO domains (name, created_at) VALUES (\(domain.name), \(domain.createdAt.timeIntervalSince1970))")
    }

    public func domain(named name: String) async throws -> Domain? {
        try await rows("SELECT * FROM domains WHERE name = \(name)").first.map(Self.domain)
    }

    public func domains() async throws -> [Domain] {
        try await rows("SELECT * FROM domains ORDER BY name").map(Self.domain)
    }

    public func deleteDomain(named name: String) async throws -> Bool {
        try await execute("DELETE FROM domains WHERE name = \(name) RETURNING 1") > 0
    }

    public func insertAccount(_ account: NewAccount) async throws -> Account {
        let row = try await rows("""
            INSERT INTO accounts (address, domain, display_name, password_hash, disabled, created_at)
            VALUES (\(account.address.description), \(account.address.domain), \(account.displayName),
                    \(account.passwordHash), FALSE, \(account.createdAt.timeIntervalSince1970))
            RETURNING id
            """)
        return Account(id: try row[0].get("id"), address: account.address, displayName: account.displayName,
                       passwordHash: account.passwordHash, disabled: false, createdAt: account.createdAt)
    }

    public func account(id: AccountID) async throws -> Account? {
        try await rows("SELECT * FROM accounts WHERE id = \(id)").first.map(Self.account)
    }

    public func account(address: EmailAddress) async throws -> Account? {
        try await rows("SELECT * FROM accounts WHERE address = \(address.description)").first.map(Self.account)
    }

    public func accounts(inDomain domain: String?) async throws -> [Account] {
        if let domain {
            return try await rows("SELECT * FROM accounts WHERE domain = \(domain) ORDER BY address").map(Self.account)
        }
        return try await rows("SELECT * FROM accounts ORDER BY domain, address").map(Self.account)
    }

    public func accountCount(inDomain domain: String) async throws -> Int {
        try await rows("SELECT COUNT(*) AS n FROM accounts WHERE domain = \(domain)")[0].get("n", as: Int.self)
    }

    public func updateAccount(_ account: Account) async throws {
        let changed = try await execute("""
            UPDATE accounts SET display_name = \(account.displayName), password_hash = \(account.passwordHash),
                disabled = \(account.disabled)
            WHERE id = \(account.id) RETURNING 1
            """)
        if changed == 0 { throw StoreError.missing("account \(account.id)") }
    }

    public func deleteAccount(id: AccountID) async throws -> Bool {
        try await transaction { connection in
            // Copies go first so the triggers release their blobs (collected later).
            try await connection.execute("DELETE FROM messages WHERE account_id = \(id)", logger: self.logger)
            return try await connection.execute("DELETE FROM accounts WHERE id = \(id) RETURNING 1", logger: self.logger) > 0
        }
    }

    public func insertAlias(_ alias: Alias) async throws {
        try await execute("""
            INSERT INTO aliases (address, domain, account_id, created_at)
            VALUES (\(alias.address.description), \(alias.address.domain), \(alias.accountID), \(alias.createdAt.timeIntervalSince1970))
            """)
    }

    public func alias(address: EmailAddress) async throws -> Alias? {
        try await rows("SELECT * FROM aliases WHERE address = \(address.description)").first.flatMap(Self.alias)
    }

    public func aliases(of accountID: AccountID) async throws -> [Alias] {
        try await rows("SELECT * FROM aliases WHERE account_id = \(accountID) ORDER BY address").compactMap(Self.alias)
    }

    public func deleteAlias(address: EmailAddress) async throws -> Bool {
        try await execute("DELETE FROM aliases WHERE address = \(address.description) RETURNING 1") > 0
    }

    // MARK: Row mapping

    static func domain(_ row: PostgresRandomAccessRow) throws -> Domain {
        Domain(name: try row.get("name"), createdAt: try row.date("created_at"))
    }

    static func account(_ row: PostgresRandomAccessRow) throws -> Account {
        Account(id: try row.get("id"), address: try EmailAddress(stored: try row.get("address", as: String.self)),
                displayName: try row.get("display_name"), passwordHash: try row.get("password_hash"),
                disabled: try row.get("disabled"), createdAt: try row.date("created_at"))
    }

    static func alias(_ row: PostgresRandomAccessRow) throws -> Alias? {
        guard let address = try? EmailAddress(try row.get("address", as: String.self)) else { return nil }
        return Alias(address: address, accountID: try row.get("account_id"), createdAt: try row.date("created_at"))
    }
}
