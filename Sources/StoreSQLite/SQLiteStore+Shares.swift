import Foundation
import GRDB
import MailwardCore

extension SQLiteStore: ShareStore {
    public func insertShare(ownerID: AccountID, granteeID: AccountID, permission: SharePermission,
                            createdAt: Date, createdBy: AccountID, expiresAt: Date?) async throws -> ShareGrant {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO shares (owner_id, grantee_id, permission, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [ownerID, granteeID, permission.rawValue, createdAt.timeIntervalSince1970, createdBy,
                                 expiresAt?.timeIntervalSince1970])
            return ShareGrant(id: db.lastInsertedRowID, ownerID: ownerID, granteeID: granteeID, permission: permission,
                              createdAt: createdAt, createdBy: createdBy, expiresAt: expiresAt)
        }
    }

    public func share(id: Int64) async throws -> ShareGrant? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM shares WHERE id = ?"), arguments: [id]).flatMap(Self.share)
        }
    }

    public func share(ownerID: AccountID, granteeID: AccountID) async throws -> ShareGrant? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM shares WHERE owner_id = ? AND grantee_id = ?"),
                             arguments: [ownerID, granteeID]).flatMap(Self.share)
        }
    }

    public func shares(ownerID: AccountID) async throws -> [ShareGrant] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM shares WHERE owner_id = ? ORDER BY id", arguments: [ownerID]).compactMap(Self.share)
        }
    }

    public func shares(granteeID: AccountID) async throws -> [ShareGrant] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM shares WHERE grantee_id = ? ORDER BY id", arguments: [granteeID]).compactMap(Self.share)
        }
    }

    public func updateShare(id: Int64, permission: SharePermission) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE shares SET permission = ? WHERE id = ?", arguments: [permission.rawValue, id])
            return db.changesCount > 0
        }
    }

    public func setShareExpiry(id: Int64, expiresAt: Date?) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE shares SET expires_at = ? WHERE id = ?", arguments: [expiresAt?.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    public func deleteShare(id: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM shares WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    static func share(_ row: Row) -> ShareGrant? {
        guard let permission = SharePermission(rawValue: row["permission"]) else { return nil }
        return ShareGrant(id: row["id"], ownerID: row["owner_id"], granteeID: row["grantee_id"], permission: permission,
                          createdAt: Date(timeIntervalSince1970: row["created_at"]), createdBy: row["created_by"],
                          expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
