import Foundation
import MailwardCore

/// The in-memory twin of `ShareStore`.
public actor InMemoryShareStore: ShareStore {
    private var grants: [Int64: ShareGrant] = [:]
    private var nextID: Int64 = 1

    public init() {}

    public func insertShare(ownerID: AccountID, granteeID: AccountID, permission: SharePermission,
                            createdAt: Date, createdBy: AccountID, expiresAt: Date?) throws -> ShareGrant {
        guard !grants.values.contains(where: { $0.ownerID == ownerID && $0.granteeID == granteeID }) else {
            throw StoreError.duplicate("share \(ownerID) → \(granteeID)")
        }
        let grant = ShareGrant(id: nextID, ownerID: ownerID, granteeID: granteeID, permission: permission,
                               createdAt: createdAt, createdBy: createdBy, expiresAt: expiresAt)
        nextID += 1
        grants[grant.id] = grant
        return grant
    }

    public func share(id: Int64) -> ShareGrant? { grants[id] }

    public func share(ownerID: AccountID, granteeID: AccountID) -> ShareGrant? {
        grants.values.first { $0.ownerID == ownerID && $0.granteeID == granteeID }
    }

    public func shares(ownerID: AccountID) -> [ShareGrant] {
        grants.values.filter { $0.ownerID == ownerID }.sorted { $0.id < $1.id }
    }

    public func shares(granteeID: AccountID) -> [ShareGrant] {
        grants.values.filter { $0.granteeID == granteeID }.sorted { $0.id < $1.id }
    }

    public func updateShare(id: Int64, permission: SharePermission) -> Bool {
        guard grants[id] != nil else { return false }
        grants[id]?.permission = permission
        return true
    }

    public func setShareExpiry(id: Int64, expiresAt: Date?) -> Bool {
        guard grants[id] != nil else { return false }
        grants[id]?.expiresAt = expiresAt
        return true
    }

    public func deleteShare(id: Int64) -> Bool {
        grants.removeValue(forKey: id) != nil
    }
}
