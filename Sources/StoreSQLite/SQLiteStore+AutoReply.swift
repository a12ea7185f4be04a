import Foundation
import GRDB
import MailwardCore

/// Automatic replies: `auto_replies` (one row per account that has one) and `auto_reply_log`
/// (whom it answered when).
extension SQLiteStore {
    public func autoReply(accountID: AccountID) async throws -> AutoReply? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT enabled, subject, body, ends_at FROM auto_replies WHERE account_id = ?"),
                             arguments: [accountID]).map { row in
                AutoReply(enabled: row[0], subject: row[1], text: row[2], endsAt: (row[3] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func setAutoReply(accountID: AccountID, _ reply: AutoReply?) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM auto_reply_log WHERE account_id = ?", arguments: [accountID])
            guard let reply else {
                try db.execute(sql: "DELETE FROM auto_replies WHERE account_id = ?", arguments: [accountID])
                return
            }
            try db.execute(sql: """
                INSERT INTO auto_replies (account_id, enabled, subject, body, ends_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, subject = excluded.subject,
                    body = excluded.body, ends_at = excluded.ends_at
                """, arguments: [accountID, reply.enabled, reply.subject, reply.text, reply.endsAt?.timeIntervalSince1970])
        }
    }

    public func accountsWithAutoReply() async throws -> [AccountID] {
        try quickLookup { db in
            try AccountID.fetchAll(db.cachedStatement(sql: "SELECT account_id FROM auto_replies WHERE enabled ORDER BY account_id"))
        }
    }

    public func takeAutoReplyTurn(accountID: AccountID, sender: String, now: Date, interval: TimeInterval) async throws -> Bool {
        let before = now.addingTimeInterval(-interval).timeIntervalSince1970
        return try await relaxedWrite { db in
            try db.execute(sql: "DELETE FROM auto_reply_log WHERE account_id = ? AND replied_at <= ?", arguments: [accountID, before])
            try db.execute(sql: """
                INSERT INTO auto_reply_log (account_id, sender, replied_at) VALUES (?, ?, ?)
                ON CONFLICT (account_id, sender) DO NOTHING
                """, arguments: [accountID, sender, now.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }
}
