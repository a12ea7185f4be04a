import Foundation

/// A mail domain this server is the destination for.
public struct Domain: Hashable, Sendable, Codable {
    public var name: String
    public var createdAt: Date

    public init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}

public typealias AccountID = Int64

/// One user's mailbox and login.
public struct Account: Hashable, Sendable, Codable {
    public var id: AccountID
    public var address: EmailAddress
    public var displayName: String
    /// Self-describing password hash (see `PasswordHash`); never the password itself.
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: Date

    public init(id: AccountID, address: EmailAddress, displayName: String, passwordHash: String,
                disabled: Bool, createdAt: Date) {
        self.id = id
        self.address = address
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
    }

    /// The stored hash of a functional mailbox (SPEC B5: 办公室, 招生办…): no password opens it
    /// at any door; people reach it only through shares. Not a hash any password can match.
    public static let noLoginHash = "!no-login"

    /// Whether the account signs in with a password of its own (false: a functional mailbox).
    public var hasLogin: Bool { passwordHash != Self.noLoginHash }
}

/// What is needed to create an account; the store assigns the id.
public struct NewAccount: Sendable {
    public var address: EmailAddress
    public var displayName: String
    public var passwordHash: String
    public var createdAt: Date

    public init(address: EmailAddress, displayName: String, passwordHash: String, createdAt: Date) {
        self.address = address
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// Another address that delivers to (and may be sent from by) an account.
public struct Alias: Hashable, Sendable, Codable {
    public var address: EmailAddress
    public var accountID: AccountID
    public var createdAt: Date

    public init(address: EmailAddress, accountID: AccountID, createdAt: Date) {
        self.address = address
        self.accountID = accountID
        self.createdAt = createdAt
    }
}
