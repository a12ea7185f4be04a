import Foundation

/// A client-specific password (客户端专用密码, SPEC A7) as stored: name, keyed hash and usage,
/// never the password (it is shown once, when generated).
public struct AppPassword: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var accountID: AccountID
    public var name: String
    public var secretHash: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// The door it was last used at: `imap`, `pop3`, `smtp`.
    public var lastUsedProtocol: String?
    public var lastUsedIP: String?
    /// The client's own name at its last use (IMAP `ID`, SPEC B3), when it sent one.
    public var lastUsedClient: String?
    /// The doors it opens, whether only to read, and until when (SPEC B4).
    public var scope: AppPasswordScope

    public init(id: Int64, accountID: AccountID, name: String, secretHash: String, createdAt: Date,
                lastUsedAt: Date? = nil, lastUsedProtocol: String? = nil, lastUsedIP: String? = nil,
                lastUsedClient: String? = nil, scope: AppPasswordScope = .unrestricted) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedProtocol = lastUsedProtocol
        self.lastUsedIP = lastUsedIP
        self.lastUsedClient = lastUsedClient
        self.scope = scope
    }
}

public struct NewAppPassword: Sendable, Equatable {
    public var accountID: AccountID
    public var name: String
    public var secretHash: String
    public var createdAt: Date
    public var scope: AppPasswordScope

    public init(accountID: AccountID, name: String, secretHash: String, createdAt: Date,
                scope: AppPasswordScope = .unrestricted) {
        self.accountID = accountID
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.scope = scope
    }
}
