import Foundation

/// A browser the user marked "设为可信任设备" (SPEC A4, A9). The browser keeps a random 256-bit
/// token in a cookie; the store keeps its keyed hash. Trust ends at `expiresAt`, fixed when it was
/// granted (not sliding), or when the user cancels it or changes the password or phone.
public struct TrustedDevice: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var accountID: AccountID
    public var tokenHash: String
    /// Browser and system, e.g. "Chrome 120 · Windows".
    public var name: String
    public var ip: String
    public var trustedAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date

    public init(id: Int64, accountID: AccountID, tokenHash: String, name: String, ip: String,
                trustedAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.id = id
        self.accountID = accountID
        self.tokenHash = tokenHash
        self.name = name
        self.ip = ip
        self.trustedAt = trustedAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

public struct NewTrustedDevice: Sendable, Equatable {
    public var accountID: AccountID
    public var tokenHash: String
    public var name: String
    public var ip: String
    public var trustedAt: Date
    public var expiresAt: Date

    public init(accountID: AccountID, tokenHash: String, name: String, ip: String, trustedAt: Date, expiresAt: Date) {
        self.accountID = accountID
        self.tokenHash = tokenHash
        self.name = name
        self.ip = ip
        self.trustedAt = trustedAt
        self.expiresAt = expiresAt
    }
}
