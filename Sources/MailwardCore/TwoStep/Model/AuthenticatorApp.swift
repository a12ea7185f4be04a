import Foundation

/// An account's authenticator app (B1): its TOTP secret, sealed under the server key
/// (``ServerKey/seal(_:_:context:)``; unlike every other secret it cannot be a hash, the server
/// computes the app's codes), and the last step a code was accepted for — a code is good once,
/// even within its 30 seconds.
public struct AuthenticatorApp: Sendable, Equatable {
    public var accountID: AccountID
    public var sealedSecret: String
    public var createdAt: Date
    public var lastStep: Int64?
    public var lastUsedAt: Date?

    public init(accountID: AccountID, sealedSecret: String, createdAt: Date, lastStep: Int64? = nil, lastUsedAt: Date? = nil) {
        self.accountID = accountID
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.lastStep = lastStep
        self.lastUsedAt = lastUsedAt
    }
}

/// The account's recovery codes as the settings page shows them: how many are left of the set
/// made when. The codes themselves are only ever shown once, when made.
public struct RecoveryCodeStatus: Sendable, Equatable {
    public var remaining: Int
    public var total: Int
    public var createdAt: Date?

    public init(remaining: Int, total: Int, createdAt: Date?) {
        self.remaining = remaining
        self.total = total
        self.createdAt = createdAt
    }
}
