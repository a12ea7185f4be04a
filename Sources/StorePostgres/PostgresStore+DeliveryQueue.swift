import Foundation
import Logging
import MailwardCore
import PostgresNIO

/// The outbound queue: `outbound_messages` (one row per message, holding a blob reference
/// through a trigger) and `outbound_recipients` (one per recipient with its retry bookkeeping).
/// Workers on several nodes claim with `FOR UPDATE SKIP LOCKED`, so no recipient is handed out
/// twice; recording an outcome locks the message row first, so the last recipient's outcome
/// always sees the others' and removes the message.
extension PostgresStore: DeliveryQueueStore {
    public func enqueue(id: String, sender: String, recipients: [String], createdAt: Date, blobID: BlobID,
                        metadata: BlobMetadata, body: BodyPlacement, localFolder: SpecialUse?,
                        notifications: DeliveryNotifications?) async throws {
        let summaryJSON = metadata.summary.storedJSON
        let parsedJSON = Self.parsedColumn(metadata)
        let created = createdAt.timeIntervalSince1970
        try await transaction { connection in
            try await Self.referenceBlob(connection, logger: self.logger, blobID: blobID, size: metadata.size,
                                         summary: summaryJSON, parsed: parsedJSON,
                                         inline: { if case .inline(let bytes) = body { bytes } else { nil } }())
            try await connection.execute("""
                INSERT INTO outbound_messages (id, sender, blob_id, size, created_at, local_folder, notifications)
                VALUES (\(id), \(sender), \(blobID.hex), \(metadata.size), \(created), \(localFolder?.rawValue),
                        \(notifications?.storedJSON))
                """, logger: self.logger)
            if case .blobStore(let ensure) = body { try ensure() }
            for address in recipients {
                try await connection.execute("""
                    INSERT INTO outbound_recipients (message_id, address, domain, state, attempts, next_attempt_at)
                    VALUES (\(id), \(address), \(QueuedRecipient.domain(of: address)), 'pending', 0, \(created))
                    """, logger: self.logger)
            }
        }
    }

    public func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [QueuedMessage] {
        let nowValue = now.timeIntervalSince1970
        return try await transaction { connection in
            // Due recipients nobody else is claiming right now, earliest first.
            let due = try await connection.rows("""
                SELECT id, message_id FROM outbound_recipients
                WHERE state = 'pending' AND next_attempt_at <= \(nowValue)
                ORDER BY next_attempt_at, message_id, id
                LIMIT \(max(0, limit) * 100)
                FOR UPDATE SKIP LOCKED
                """, logger: self.logger)
            var order: [String] = []
            var claimedIDs: [String: Set<Int64>] = [:]
            for row in due {
                let messageID: String = try row.get("message_id")
                if claimedIDs[messageID] == nil {
                    guard order.count < limit else { continue }
                    order.append(messageID)
                }
                claimedIDs[messageID, default: []].insert(try row.get("id"))
            }
            var claimed: [QueuedMessage] = []
            for id in order {
                guard var message = try await Self.queuedMessage(connection, logger: self.logger, id: id),
                      let ids = claimedIDs[id] else { continue }
                message.recipients = message.recipients.filter { ids.contains($0.id) }
                try await connection.execute("""
                    UPDATE outbound_recipients SET next_attempt_at = \(nowValue + lease), claimed_until = \(nowValue + lease)
                    WHERE id = ANY(\(Array(ids)))
                    """, logger: self.logger)
                claimed.append(message)
            }
            return claimed
        }
    }

    public func record(messageID: String, recipientIDs: [Int64], outcome: DeliveryOutcome, at now: Date) async throws {
        guard !recipientIDs.isEmpty else { return }
        try await transaction { connection in
            guard try await connection.execute("SELECT 1 FROM outbound_messages WHERE id = \(messageID) FOR UPDATE",
                                               logger: self.logger) > 0 else { return }
            let update: PostgresQuery
            switch outcome {
            case .delivered(let detail):
                update = """
                    UPDATE outbound_recipients SET state = 'delivered', attempts = attempts + 1, last_error = \(detail), claimed_until = NULL
                    WHERE message_id = \(messageID) AND state = 'pending' AND id = ANY(\(recipientIDs))
                    """
            case .deferred(let error, let next):
                update = """
                    UPDATE outbound_recipients
                    SET attempts = attempts + 1, last_error = \(error), next_attempt_at = \(next.timeIntervalSince1970), claimed_until = NULL
                    WHERE message_id = \(messageID) AND state = 'pending' AND id = ANY(\(recipientIDs))
                    """
            case .failed(let error):
                update = """
                    UPDATE outbound_recipients SET state = 'failed', attempts = attempts + 1, last_error = \(error), claimed_until = NULL
                    WHERE message_id = \(messageID) AND state = 'pending' AND id = ANY(\(recipientIDs))
                    """
            }
            try await connection.execute(update, logger: self.logger)
            let pending = try await connection.rows("""
                SELECT COUNT(*) AS n FROM outbound_recipients WHERE message_id = \(messageID) AND state = 'pending'
                """, logger: self.logger)[0].get("n", as: Int.self)
            if pending == 0 {
                try await connection.execute("DELETE FROM outbound_messages WHERE id = \(messageID)", logger: self.logger)
            }
        }
    }

    public func markDelayNotified(messageID: String, recipientIDs: [Int64]) async throws {
        guard !recipientIDs.isEmpty else { return }
        try await execute("""
            UPDATE outbound_recipients SET delay_notified = TRUE WHERE message_id = \(messageID) AND id = ANY(\(recipientIDs))
            """)
    }

    public func allMessages() async throws -> [QueuedMessage] {
        try await transaction { connection in
            let ids = try await connection.rows("SELECT id FROM outbound_messages ORDER BY created_at, id", logger: self.logger)
                .map { try $0.get("id", as: String.self) }
            var messages: [QueuedMessage] = []
            for id in ids {
                if let message = try await Self.queuedMessage(connection, logger: self.logger, id: id) { messages.append(message) }
            }
            return messages
        }
    }

    public func message(id: String) async throws -> QueuedMessage? {
        try await transaction { connection in try await Self.queuedMessage(connection, logger: self.logger, id: id) }
    }

    @discardableResult
    public func retryNow(id: String?, now: Date) async throws -> Int {
        let t = now.timeIntervalSince1970
        if let id {
            return try await execute("""
                UPDATE outbound_recipients SET next_attempt_at = \(t)
                WHERE state = 'pending' AND (claimed_until IS NULL OR claimed_until <= \(t)) AND message_id = \(id) RETURNING 1
                """)
        }
        return try await execute("""
            UPDATE outbound_recipients SET next_attempt_at = \(t)
            WHERE state = 'pending' AND (claimed_until IS NULL OR claimed_until <= \(t)) RETURNING 1
            """)
    }

    public func releaseClaims(now: Date) async throws -> Int {
        try await execute("""
            UPDATE outbound_recipients SET next_attempt_at = \(now.timeIntervalSince1970), claimed_until = NULL
            WHERE state = 'pending' AND claimed_until IS NOT NULL RETURNING 1
            """)
    }

    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await execute("DELETE FROM outbound_messages WHERE id = \(id) RETURNING 1") > 0
    }

    public func nextAttemptDate() async throws -> Date? {
        try await rows("SELECT MIN(next_attempt_at) AS t FROM outbound_recipients WHERE state = 'pending'")
            .first?.get("t", as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }

    public func backlog() async throws -> QueueBacklog {
        let row = try await rows("""
            SELECT COUNT(DISTINCT r.message_id) AS messages, COUNT(*) AS recipients, MIN(m.created_at) AS oldest
            FROM outbound_recipients r JOIN outbound_messages m ON m.id = r.message_id WHERE r.state = 'pending'
            """).first
        return QueueBacklog(messages: try row?.get("messages", as: Int.self) ?? 0, recipients: try row?.get("recipients", as: Int.self) ?? 0,
                            oldestQueuedAt: try row?.get("oldest", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    /// Under a transaction-scoped advisory lock per account, so the check and the count are one
    /// step across nodes (a row lock cannot guard the minute's row before it exists).
    public func takeSending(accountID: AccountID, recipients: Int, now: Date,
                            verdict: @escaping @Sendable ([SendingCount]) -> SendingVerdict) async throws -> SendingVerdict {
        let minute = SendingCount.minute(of: now)
        return try await transaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.sendingLockKey), \(Int32(truncatingIfNeeded: accountID)))",
                                         logger: self.logger)
            try await connection.execute("DELETE FROM sending_counts WHERE account_id = \(accountID) AND minute <= \(minute - 1_440)",
                                         logger: self.logger)
            let counts = try await Self.sendingCounts(connection, logger: self.logger, accountID: accountID, since: minute - 1_439)
            let answer = verdict(counts)
            if answer == .allowed {
                try await connection.execute("""
                    INSERT INTO sending_counts (account_id, minute, recipients) VALUES (\(accountID), \(minute), \(recipients))
                    ON CONFLICT (account_id, minute) DO UPDATE SET recipients = sending_counts.recipients + excluded.recipients
                    """, logger: self.logger)
            }
            return answer
        }
    }

    public func sendingCounts(accountID: AccountID, since minute: Int64) async throws -> [SendingCount] {
        try await transaction { connection in
            try await Self.sendingCounts(connection, logger: self.logger, accountID: accountID, since: minute)
        }
    }

    /// The first half of the sending counts' advisory lock (the second is the account).
    static let sendingLockKey: Int32 = 7318236

    private static func sendingCounts(_ connection: PostgresConnection, logger: Logger, accountID: AccountID,
                                      since minute: Int64) async throws -> [SendingCount] {
        try await connection.rows("""
            SELECT minute, recipients FROM sending_counts WHERE account_id = \(accountID) AND minute >= \(minute) ORDER BY minute
            """, logger: logger).map { SendingCount(minute: try $0.get("minute", as: Int64.self), recipients: try $0.get("recipients", as: Int.self)) }
    }

    static func queuedMessage(_ connection: PostgresConnection, logger: Logger, id: String) async throws -> QueuedMessage? {
        guard let row = try await connection.rows("SELECT * FROM outbound_messages WHERE id = \(id)", logger: logger).first else {
            return nil
        }
        let recipients = try await connection.rows("""
            SELECT * FROM outbound_recipients WHERE message_id = \(id) ORDER BY id
            """, logger: logger).map { r in
            QueuedRecipient(id: try r.get("id"), address: try r.get("address"), domain: try r.get("domain"),
                            state: RecipientState(rawValue: try r.get("state")) ?? .pending,
                            attempts: try r.get("attempts", as: Int.self),
                            nextAttemptAt: try r.date("next_attempt_at"), lastError: try r.get("last_error"),
                            delayNotified: try r.get("delay_notified"),
                            claimedUntil: try r.get("claimed_until", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
        return QueuedMessage(id: try row.get("id"), sender: try row.get("sender"), blobID: BlobID(hex: try row.get("blob_id")),
                             size: try row.get("size", as: Int.self), createdAt: try row.date("created_at"),
                             recipients: recipients,
                             localFolder: try row.get("local_folder", as: String?.self).flatMap(SpecialUse.init(rawValue:)),
                             notifications: DeliveryNotifications.stored(try row.get("notifications", as: String?.self)))
    }
}
