import Foundation

/// A security key (FIDO2/WebAuthn credential, B1) registered as a second factor: its credential
/// id, its P-256 public key (nothing secret: the private key never leaves the authenticator),
/// the RP ID it was made for, and its signature counter.
public struct SecurityKey: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var accountID: AccountID
    public var credentialID: [UInt8]
    public var publicKey: [UInt8]
    public var rpID: String
    public var name: String
    public var signCount: UInt32
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: Int64, accountID: AccountID, credentialID: [UInt8], publicKey: [UInt8], rpID: String, name: String,
                signCount: UInt32, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.credentialID = credentialID
        self.publicKey = publicKey
        self.rpID = rpID
        self.name = name
        self.signCount = signCount
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

public struct NewSecurityKey: Sendable, Equatable {
    public var accountID: AccountID
    public var credentialID: [UInt8]
    public var publicKey: [UInt8]
    public var rpID: String
    public var name: String
    public var signCount: UInt32
    public var createdAt: Date

    public init(accountID: AccountID, credentialID: [UInt8], publicKey: [UInt8], rpID: String, name: String,
                signCount: UInt32, createdAt: Date) {
        self.accountID = accountID
        self.credentialID = credentialID
        self.publicKey = publicKey
        self.rpID = rpID
        self.name = name
        self.signCount = signCount
        self.createdAt = createdAt
    }
}
