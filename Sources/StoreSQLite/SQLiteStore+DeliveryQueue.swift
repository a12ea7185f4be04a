import Foundation
import GRDB
import MailwardCore

/// The outbound queue in SQLite: `outbound_messages` (one row per message, holding a blob
/// reference through a trigger) and `outbound_recipients` (one row per recipient with its
/// state and retry bookkeeping). Plain SQL that PostgreSQL also speaks.
extension SQLiteStore: DeliveryQueueStore {
    public func enqueue(id: String, sender: String, recipients: [String], createdAt: Date, blobID: BlobID,
                        metadata: BlobMetadata, body: BodyPlacement, localFolder: SpecialUse?,
                        notifications: DeliveryNotifications?) async throws {
        let summaryJSON = metadata.summary.storedJSON
        let parsedJSON = Self.parsedColumn(metadata)
        let inline: Data? = if case .inline(let bytes) = body { Data(bytes) } else { nil }
        try await write { db in
            try db.execute(sql: """
                INSERT INTO blobs (id, size, refcount, summary, parsed, body) VALUES (?, ?, 0, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """, arguments: [blobID.hex, metadata.size, summaryJSON, parsedJSON, inline])
            if db.changesCount > 0 {
                try Self.awaitIndexing(db, blobRowID: db.lastInsertedRowID)
            } else if let inline {
                try db.execute(sql: "UPDATE blobs SET body = ? WHERE id = ? AND body IS NULL", arguments: [inline, blobID.hex])
            }
            try db.execute(sql: """
                INSERT INTO outbound_messages (id, sender, blob_id, size, created_at, local_folder, notifications)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, sender, blobID.hex, metadata.size, createdAt.timeIntervalSince1970, localFolder?.rawValue,
                                 notifications?.storedJSON])
            if case .blobStore(let ensure) = body { try ensure() }
            for address in recipients {
                try db.execute(sql: """
                    INSERT INTO outbound_recipients (message_id, address, domain, state, attempts, next_attempt_at)
                    VALUES (?, ?, ?, 'pending', 0, ?)
                    """, arguments: [id, address, QueuedRecipient.domain(of: address), createdAt.timeIntervalSince1970])
            }
        }
    }

    public func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [QueuedMessage] {
        let nowValue = now.timeIntervalSince1970
        return try await write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT message_id FROM outbound_recipients
                WHERE state = 'pending' AND next_attempt_at <= ?
                GROUP BY message_id ORDER BY MIN(next_attempt_at), message_id LIMIT ?
                """, arguments: [nowValue, limit])
            var claimed: [QueuedMessage] = []
            for id in ids {
                guard var message = try Self.queuedMessage(db, id: id) else { continue }
                message.recipients = message.recipients.filter { $0.state == .pending && $0.nextAttemptAt.timeIntervalSince1970 <= nowValue }
                try db.execute(sql: """
                    UPDATE outbound_recipients SET next_attempt_at = ?, claimed_until = ?
                    WHERE message_id = ? AND state = 'pending' AND next_attempt_at <= ?
                    """, arguments: [nowValue + lease, nowValue + lease, id, nowValue])
                claimed.append(message)
            }
            return claimed
        }
    }

    public func record(messageID: String, recipientIDs: [Int64], outcome: DeliveryOutcome, at now: Date) async throws {
        guard !recipientIDs.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: recipientIDs.count).joined(separator: ", ")
        try await write { db in
            var arguments: StatementArguments
            let assignment: String
            switch outcome {
            case .delivered(let detail):
                assignment = "state = 'delivered', attempts = attempts + 1, last_error = ?, claimed_until = NULL"
                arguments = [detail]
            case .deferred(let error, let next):
                assignment = "attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL"
                arguments = [error, next.timeIntervalSince1970]
            case .failed(let error):
                assignment = "state = 'failed', attempts = attempts + 1, last_error = ?, claimed_until = NULL"
                arguments = [error]
            }
            arguments += [messageID]
            arguments += StatementArguments(recipientIDs)
            try db.execute(sql: """
                UPDATE outbound_recipients SET \(assignment)
                WHERE message_id = ? AND state = 'pending' AND id IN (\(placeholders))
                """, arguments: arguments)
            let pending = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM outbound_recipients WHERE message_id = ? AND state = 'pending'
                """, arguments: [messageID]) ?? 0
            if pending == 0 {
                try db.execute(sql: "DELETE FROM outbound_messages WHERE id = ?", arguments: [messageID])
            }
        }
    }

    public func markDelayNotified(messageID: String, recipientIDs: [Int64]) async throws {
        guard !recipientIDs.isEmpty else { return }
        let placeholders = Array(repeating: "?", count: recipientIDs.count).joined(separator: ", ")
        try await write { db in
            var arguments: StatementArguments = [messageID]
            arguments += StatementArguments(recipientIDs)
            try db.execute(sql: """
                UPDATE outbound_recipients SET delay_notified = 1 WHERE message_id = ? AND id IN (\(placeholders))
                """, arguments: arguments)
        }
    }

    public func allMessages() async throws -> [QueuedMessage] {
        try await pool.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM outbound_messages ORDER BY created_at, id")
            return try ids.compactMap { try Self.queuedMessage(db, id: $0) }
        }
    }

    public func message(id: String) async throws -> QueuedMessage? {
        try await pool.read { db in try Self.queuedMessage(db, id: id) }
    }

    @discardableResult
    public func retryNow(id: String?, now: Date) async throws -> Int {
        try await write { db in
            let t = now.timeIntervalSince1970
            let unclaimed = "state = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)"
            if let id {
                try db.execute(sql: "UPDATE outbound_recipients SET next_attempt_at = ? WHERE \(unclaimed) AND message_id = ?",
                               arguments: [t, t, id])
            } else {
                try db.execute(sql: "UPDATE outbound_recipients SET next_attempt_at = ? WHERE \(unclaimed)", arguments: [t, t])
            }
            return db.changesCount
        }
    }

    public func releaseClaims(now: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE outbound_recipients SET next_attempt_at = ?, claimed_until = NULL
                WHERE state = 'pending' AND claimed_until IS NOT NULL
                """, arguments: [now.timeIntervalSince1970])
            return db.changesCount
        }
    }

    @discardableResult
    public func delete(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM outbound_messages WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func nextAttemptDate() async throws -> Date? {
        try await pool.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM outbound_recipients WHERE state = 'pending'")
                .map(Date.init(timeIntervalSince1970:))
        }
    }

    public func backlog() async throws -> QueueBacklog {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT r.message_id), COUNT(*), MIN(m.created_at)
                FROM outbound_recipients r JOIN outbound_messages m ON m.id = r.message_id WHERE r.state = 'pending'
                """)
            return QueueBacklog(messages: row?[0] ?? 0, recipients: row?[1] ?? 0,
                                oldestQueuedAt: (row?[2] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// In the writer's transaction, so the check and the count are one step for every process.
    /// Without a WAL fsync of its own (like flag changes): a crash may forget a count, never a message.
    public func takeSending(accountID: AccountID, recipients: Int, now: Date,
                            verdict: @escaping @Sendable ([SendingCount]) -> SendingVerdict) async throws -> SendingVerdict {
        let minute = SendingCount.minute(of: now)
        return try await relaxedWrite { db in
            try db.execute(sql: "DELETE FROM sending_counts WHERE account_id = ? AND minute <= ?",
                           arguments: [accountID, minute - 1_440])
            let counts = try Self.sendingCounts(db, accountID: accountID, since: minute - 1_439)
            let answer = verdict(counts)
            if answer == .allowed {
                try db.execute(sql: """
                    INSERT INTO sending_counts (account_id, minute, recipients) VALUES (?, ?, ?)
                    ON CONFLICT (account_id, minute) DO UPDATE SET recipients = recipients + excluded.recipients
                    """, arguments: [accountID, minute, recipients])
            }
            return answer
        }
    }

    public func sendingCounts(accountID: AccountID, since minute: Int64) async throws -> [SendingCount] {
        try await pool.read { db in try Self.sendingCounts(db, accountID: accountID, since: minute) }
    }

    private static func sendingCounts(_ db: Database, accountID: AccountID, since minute: Int64) throws -> [SendingCount] {
        try Row.fetchAll(db, sql: "SELECT minute, recipients FROM sending_counts WHERE account_id = ? AND minute >= ? ORDER BY minute",
                         arguments: [accountID, minute]).map { SendingCount(minute: $0[0], recipients: $0[1]) }
    }

    static func queuedMessage(_ db: Database, id: String) throws -> QueuedMessage? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM outbound_messages WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let recipients = try Row.fetchAll(db, sql: "SELECT * FROM outbound_recipients WHERE message_id = ? ORDER BY id",
                                          arguments: [id]).map { r in
            QueuedRecipient(id: r["id"], address: r["address"], domain: r["domain"],
                            state: RecipientState(rawValue: r["state"]) ?? .pending, attempts: r["attempts"],
                            nextAttemptAt: Date(timeIntervalSince1970: r["next_attempt_at"]), lastError: r["last_error"],
                            delayNotified: r["delay_notified"],
                            claimedUntil: (r["claimed_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
        return QueuedMessage(id: row["id"], sender: row["sender"], blobID: BlobID(hex: row["blob_id"]), size: row["size"],
                             createdAt: Date(timeIntervalSince1970: row["created_at"]), recipients: recipients,
                             localFolder: (row["local_folder"] as String?).flatMap(SpecialUse.init(rawValue:)),
                             notifications: DeliveryNotifications.stored(row["notifications"]))
    }

}
