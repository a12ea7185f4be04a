import Foundation

/// A signed-in browser (server-side session). The cookie holds a random token; the store holds
/// its keyed hash. A session ends after `idleTimeout` without requests or at `expiresAt`
/// (absolute), at sign-out, or when the password changes (A13).
public struct WebSession: Sendable, Equatable {
    public var idHash: String
    public var accountID: AccountID
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var remoteIP: String
    /// The trusted device this browser is, if any ("this device" in the device list).
    public var trustedDeviceID: Int64?

    public init(idHash: String, accountID: AccountID, createdAt: Date, lastSeenAt: Date, expiresAt: Date,
                remoteIP: String, trustedDeviceID: Int64?) {
        self.idHash = idHash
        self.accountID = accountID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
        self.remoteIP = remoteIP
        self.trustedDeviceID = trustedDeviceID
    }
}
