/// Failures every store implementation reports the same way, so Core can turn them into
/// user-facing `MailwardError`s without knowing which database is behind the port.
public enum StoreError: Error, Equatable, Sendable {
    /// A unique value (domain name, address) already exists.
    case duplicate(String)
    /// A referenced row does not exist.
    case missing(String)
    /// The database could not be reached in time (a server that is down or does not answer), or
    /// the connection broke under a statement (whose outcome is then unknown — a COMMIT may have
    /// gone through); the doors answer with a temporary failure, so clients try again later.
    case unavailable(String)
}

extension StoreError: CustomStringConvertible {
    /// One line for an administrator (the command line prints errors this way; logs too).
    public var description: String {
        switch self {
        case .duplicate(let what): "already exists: \(what)"
        case .missing(let what): "a record it depends on is missing (\(what))"
        case .unavailable(let reason): "the database is unavailable: \(reason); try again once it is back"
        }
    }
}

/// The port for domains, accounts and aliases. Implemented by StoreSQLite, StorePostgres
/// and the in-memory twin in MailwardTesting; all pass one conformance suite.
public protocol DirectoryStore: Sendable {
    func insertDomain(_ domain: Domain) async throws
    func domain(named name: String) async throws -> Domain?
    func domains() async throws -> [Domain]
    /// Removes a domain that has no accounts and no aliases; `false` when it did not exist.
    func deleteDomain(named name: String) async throws -> Bool

    func insertAccount(_ account: NewAccount) async throws -> Account
    func account(id: AccountID) async throws -> Account?
    func account(address: EmailAddress) async throws -> Account?
    /// All accounts, or those of one domain, ordered by address.
    func accounts(inDomain domain: String?) async throws -> [Account]
    func accountCount(inDomain domain: String) async throws -> Int
    func updateAccount(_ account: Account) async throws
    /// Removes an account and its aliases; `false` when it did not exist.
    func deleteAccount(id: AccountID) async throws -> Bool

    func insertAlias(_ alias: Alias) async throws
    func alias(address: EmailAddress) async throws -> Alias?
    func aliases(of accountID: AccountID) async throws -> [Alias]
    func deleteAlias(address: EmailAddress) async throws -> Bool
}

/// Every port of one database — what the server composes its services from (StoreSQLite's
/// file or StorePostgres's database).
public typealias MailwardStore = DirectoryStore & MailStore & SecurityStore & ShareStore & DeliveryQueueStore
