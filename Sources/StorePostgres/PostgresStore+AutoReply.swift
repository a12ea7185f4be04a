import Foundation
import MailwardCore
import PostgresNIO

/// Automatic replies: `auto_replies` (one row per account that has one) and `auto_reply_log`
/// (whom it answered when).
extension PostgresStore {
    public func autoReply(accountID: AccountID) async throws -> AutoReply? {
        try await rows("SELECT enabled, subject, body, ends_at FROM auto_replies WHERE account_id = \(accountID)").first.map { row in
            AutoReply(enabled: try row.get("enabled", as: Bool.self), subject: try row.get("subject", as: String.self),
                      text: try row.get("body", as: String.self),
                      endsAt: try row.get("ends_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func setAutoReply(accountID: AccountID, _ reply: AutoReply?) async throws {
        try await transaction { connection in
            try await connection.execute("DELETE FROM auto_reply_log WHERE account_id = \(accountID)", logger: self.logger)
            guard let reply else {
                try await connection.execute("DELETE FROM auto_replies WHERE account_id = \(accountID)", logger: self.logger)
                return
            }
            try await connection.execute("""
                INSERT INTO auto_replies (account_id, enabled, subject, body, ends_at)
                VALUES (\(accountID), \(reply.enabled), \(reply.subject), \(reply.text), \(reply.endsAt?.timeIntervalSince1970))
                ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, subject = excluded.subject,
                    body = excluded.body, ends_at = excluded.ends_at
                """, logger: self.logger)
        }
    }

    public func accountsWithAutoReply() async throws -> [AccountID] {
        try await rows("SELECT account_id FROM auto_replies WHERE enabled ORDER BY account_id").map { try $0.get("account_id", as: AccountID.self) }
    }

    public func takeAutoReplyTurn(accountID: AccountID, sender: String, now: Date, interval: TimeInterval) async throws -> Bool {
        let before = now.addingTimeInterval(-interval).timeIntervalSince1970
        return try await transaction { connection in
            try await connection.execute("DELETE FROM auto_reply_log WHERE account_id = \(accountID) AND replied_at <= \(before)",
                                         logger: self.logger)
            return try await connection.rows("""
                INSERT INTO auto_reply_log (account_id, sender, replied_at) VALUES (\(accountID), \(sender), \(now.timeIntervalSince1970))
                ON CONFLICT (account_id, sender) DO NOTHING RETURNING 1 AS taken
                """, logger: self.logger).isEmpty == false
        }
    }
}
