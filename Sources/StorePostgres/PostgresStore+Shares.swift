import Foundation
import MailwardCore
import PostgresNIO

extension PostgresStore: ShareStore {
    public func insertShare(ownerID: AccountID, granteeID: AccountID, permission: SharePermission,
                            createdAt: Date, createdBy: AccountID, expiresAt: Date?) async throws -> ShareGrant {
        let row = try await rows("""
            INSERT INTO shares (owner_id, grantee_id, permission, created_at, created_by, expires_at)
            VALUES (\(ownerID), \(granteeID), \(permission.rawValue), \(createdAt.timeIntervalSince1970), \(createdBy),
                    \(expiresAt?.timeIntervalSince1970))
            RETURNING id
            """)
        return ShareGrant(id: try row[0].get("id"), ownerID: ownerID, granteeID: granteeID, permission: permission,
                          createdAt: createdAt, createdBy: createdBy, expiresAt: expiresAt)
    }

    public func share(id: Int64) async throws -> ShareGrant? {
        try await rows("SELECT * FROM shares WHERE id = \(id)").first.flatMap(Self.share)
    }

    public func share(ownerID: AccountID, granteeID: AccountID) async throws -> ShareGrant? {
        try await rows("SELECT * FROM shares WHERE owner_id = \(ownerID) AND grantee_id = \(granteeID)").first.flatMap(Self.share)
    }

    public func shares(ownerID: AccountID) async throws -> [ShareGrant] {
        try await rows("SELECT * FROM shares WHERE owner_id = \(ownerID) ORDER BY id").compactMap(Self.share)
    }

    public func shares(granteeID: AccountID) async throws -> [ShareGrant] {
        try await rows("SELECT * FROM shares WHERE grantee_id = \(granteeID) ORDER BY id").compactMap(Self.share)
    }

    public func updateShare(id: Int64, permission: SharePermission) async throws -> Bool {
        try await execute("UPDATE shares SET permission = \(permission.rawValue) WHERE id = \(id) RETURNING 1") > 0
    }

    public func deleteShare(id: Int64) async throws -> Bool {
        try await execute("DELETE FROM shares WHERE id = \(id) RETURNING 1") > 0
    }

    public func setShareExpiry(id: Int64, expiresAt: Date?) async throws -> Bool {
        try await execute("UPDATE shares SET expires_at = \(expiresAt?.timeIntervalSince1970) WHERE id = \(id) RETURNING 1") > 0
    }

    static func share(_ row: PostgresRandomAccessRow) throws -> ShareGrant? {
        guard let permission = SharePermission(rawValue: try row.get("permission")) else { return nil }
        return ShareGrant(id: try row.get("id"), ownerID: try row.get("owner_id"), granteeID: try row.get("grantee_id"),
                          permission: permission, createdAt: try row.date("created_at"), createdBy: try row.get("created_by"),
                          expiresAt: try row.get("expires_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
    }
}
