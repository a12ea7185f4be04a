import Foundation

/// The port for mailbox shares. One grant per (owner, grantee).
public protocol ShareStore: Sendable {
    /// Throws `StoreError.duplicate` when the owner already shares with this grantee.
    func insertShare(ownerID: AccountID, granteeID: AccountID, permission: SharePermission,
                     createdAt: Date, createdBy: AccountID, expiresAt: Date?) async throws -> ShareGrant
    func share(id: Int64) async throws -> ShareGrant?
    func share(ownerID: AccountID, granteeID: AccountID) async throws -> ShareGrant?
    func shares(ownerID: AccountID) async throws -> [ShareGrant]
    func shares(granteeID: AccountID) async throws -> [ShareGrant]
    func updateShare(id: Int64, permission: SharePermission) async throws -> Bool
    /// Sets or clears (nil) the moment the grant ends (B6).
    func setShareExpiry(id: Int64, expiresAt: Date?) async throws -> Bool
    func deleteShare(id: Int64) async throws -> Bool
}

extension ShareStore {
    /// A grant until revoked.
    public func insertShare(ownerID: AccountID, granteeID: AccountID, permission: SharePermission,
                            createdAt: Date, createdBy: AccountID) async throws -> ShareGrant {
        try await insertShare(ownerID: ownerID, granteeID: granteeID, permission: permission, createdAt: createdAt,
                              createdBy: createdBy, expiresAt: nil)
    }
}
