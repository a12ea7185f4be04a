import Foundation
import Logging
import MailwardCore
import PostgresNIO

/// Mailboxes and message copies. Every transaction that changes a mailbox's messages locks the
/// mailbox row first (UIDs and MODSEQs come from it), then bodies, then quotas — the order the
/// copy triggers use — so concurrent sessions on several nodes queue up instead of deadlocking;
/// the rare deadlock left (two deliveries crossing mailboxes) is retried by ``transaction(_:)``.
extension PostgresStore: MailStore {
    // MARK: Mailboxes

    public func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?, createdAt: Date) async throws -> Mailbox {
        do {
            return try await transaction { connection in
                // A UIDVALIDITY larger than any given before: time based, strictly increasing.
                let now = Int64(createdAt.timeIntervalSince1970)
                let validity = try await connection.rows("""
                    INSERT INTO counters (name, value) VALUES ('uidvalidity', GREATEST(\(now), 1))
                    ON CONFLICT (name) DO UPDATE SET value = CASE
                        WHEN GREATEST(counters.value + 1, \(now)) > 4294967295 THEN counters.value + 1
                        ELSE GREATEST(counters.value + 1, \(now)) END
                    RETURNING value
                    """, logger: self.logger)[0].get("value", as: Int64.self)
                let id = try await connection.rows("""
                    INSERT INTO mailboxes (account_id, name, special_use, uid_validity, created_at)
                    VALUES (\(accountID), \(name), \(specialUse?.rawValue), \(validity), \(createdAt.timeIntervalSince1970))
                    RETURNING id
                    """, logger: self.logger)[0].get("id", as: Int64.self)
                return Mailbox(id: id, accountID: accountID, name: name, specialUse: specialUse,
                               uidValidity: UInt32(truncatingIfNeeded: validity), uidNext: 1, highestModSeq: 1, createdAt: createdAt)
            }
        } catch StoreError.duplicate(let constraint) {
            throw MailError.creatingMailbox(violated: constraint, name: name, specialUse: specialUse)
        }
    }

    public func mailboxes(accountID: AccountID) async throws -> [Mailbox] {
        try await rows("SELECT * FROM mailboxes WHERE account_id = \(accountID) ORDER BY name COLLATE \"C\"").map(Self.mailbox)
    }

    public func mailbox(id: MailboxID) async throws -> Mailbox? {
        try await rows("SELECT * FROM mailboxes WHERE id = \(id)").first.map(Self.mailbox)
    }

    public func mailbox(accountID: AccountID, name: String) async throws -> Mailbox? {
        try await rows("SELECT * FROM mailboxes WHERE account_id = \(accountID) AND name = \(name)").first.map(Self.mailbox)
    }

    public func renameMailbox(id: MailboxID, to newName: String) async throws {
        try await transaction { connection in
            guard let row = try await connection.rows("SELECT account_id, name FROM mailboxes WHERE id = \(id) FOR UPDATE",
                                                      logger: self.logger).first else {
                throw MailError.noSuchMailbox("#\(id)")
            }
            let accountID: AccountID = try row.get("account_id")
            let oldName: String = try row.get("name")
            let taken = try await connection.execute("""
                SELECT 1 FROM mailboxes WHERE account_id = \(accountID) AND (name = \(newName) OR starts_with(name, \(newName + "/")))
                """, logger: self.logger) > 0
            if taken { throw MailError.mailboxExists(newName) }
            let prefix = oldName + "/"
            try await connection.execute("""
                UPDATE mailboxes SET name = \(newName + "/") || substr(name, char_length(\(prefix)) + 1)
                WHERE account_id = \(accountID) AND starts_with(name, \(prefix))
                """, logger: self.logger)
            try await connection.execute("UPDATE mailboxes SET name = \(newName) WHERE id = \(id)", logger: self.logger)
        }
    }

    public func deleteMailbox(id: MailboxID) async throws {
        try await transaction { connection in
            try await connection.execute("SELECT 1 FROM mailboxes WHERE id = \(id) FOR UPDATE", logger: self.logger)
            // Copies first so the triggers release blobs and quota explicitly.
            try await connection.execute("DELETE FROM messages WHERE mailbox_id = \(id)", logger: self.logger)
            if try await connection.execute("DELETE FROM mailboxes WHERE id = \(id) RETURNING 1", logger: self.logger) == 0 {
                throw MailError.noSuchMailbox("#\(id)")
            }
        }
    }

    public func counts(mailboxID: MailboxID) async throws -> MailboxCounts {
        let row = try await rows("""
            SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE NOT seen) AS unseen, COALESCE(SUM(size), 0)::BIGINT AS bytes
            FROM messages WHERE mailbox_id = \(mailboxID)
            """)[0]
        return MailboxCounts(messages: try row.get("n", as: Int.self), unseen: try row.get("unseen", as: Int.self),
                             size: try row.get("bytes"))
    }

    public func setSubscribed(accountID: AccountID, name: String, _ subscribed: Bool) async throws {
        if subscribed {
            try await execute("INSERT INTO subscriptions (account_id, name) VALUES (\(accountID), \(name)) ON CONFLICT DO NOTHING")
        } else {
            try await execute("DELETE FROM subscriptions WHERE account_id = \(accountID) AND name = \(name)")
        }
    }

    public func subscriptions(accountID: AccountID) async throws -> [String] {
        try await rows("SELECT name FROM subscriptions WHERE account_id = \(accountID) ORDER BY name COLLATE \"C\"")
            .map { try $0.get("name") }
    }

    // MARK: Messages

    public func insertCopies(_ copies: [NewMessageCopy], blobID: BlobID, metadata: BlobMetadata,
                             body: BodyPlacement) async throws -> [MessageRecord] {
        guard !copies.isEmpty else { return [] }
        let summaryJSON = metadata.summary.storedJSON
        let parsedJSON = Self.parsedColumn(metadata)
        let inline: ByteBuffer? = if case .inline(let bytes) = body { ByteBuffer(bytes: bytes) } else { nil }
        // One round trip (mailward_insert_copies, migration 007) instead of eight: the client's
        // share of a delivery was mostly protocol work per statement.
        let call: PostgresQuery = """
            SELECT o_index, o_id, o_uid, o_modseq FROM mailward_insert_copies(
                \(blobID.hex), \(metadata.size), \(summaryJSON), \(parsedJSON), \(inline), \(copies.map(\.mailboxID)),
                \(copies.map(\.flags.serialized)), \(copies.map { $0.flags.contains(MessageFlags.seen) }),
                \(copies.map { $0.flags.contains(MessageFlags.deleted) }), \(copies.map(\.internalDate.timeIntervalSince1970)))
            """
        let rows: [PostgresRandomAccessRow]
        do {
            if case .blobStore(let ensure) = body {
                // The body file is re-checked while the function's lock on its row is held.
                rows = try await transaction { connection in
                    let rows = try await connection.rows(call, logger: self.logger)
                    try ensure()
                    return rows
                }
            } else {
                rows = try await self.rows(call)
            }
        } catch let error as PSQLError {
            let detail = error.serverInfo?[.detail] ?? ""
            switch error.serverInfo?[.sqlState] {
            case "MWQ01": throw MailError.quotaExceeded(address: detail)
            case "MWM01": throw MailError.noSuchMailbox("#" + detail)
            default: throw error
            }
        }
        var records = Array<MessageRecord?>(repeating: nil, count: copies.count)
        for row in rows {
            let index = try row.get("o_index", as: Int.self) - 1
            let copy = copies[index]
            records[index] = MessageRecord(id: try row.get("o_id"), mailboxID: copy.mailboxID,
                                           uid: MessageUID(truncatingIfNeeded: try row.get("o_uid", as: Int64.self)),
                                           modSeq: try row.get("o_modseq"), flags: copy.flags, internalDate: copy.internalDate,
                                           size: metadata.size, blobID: blobID, summary: metadata.summary)
        }
        return records.compactMap { $0 }
    }

    public func inlineBody(blobID: BlobID) async throws -> [UInt8]? {
        try await rows("SELECT body FROM blobs WHERE id = \(blobID.hex)").first?.get("body", as: ByteBuffer?.self)
            .map { Array($0.readableBytesView) }
    }

    public func inlineBody(blobID: BlobID, range: Range<Int>) async throws -> [UInt8]? {
        // substring counts bytes from 1 in a bytea, and reads only what it returns of a
        // TOASTed value stored uncompressed.
        let start = max(range.lowerBound, 0) + 1
        let length = range.count
        return try await rows("SELECT substring(body from \(start)::int for \(length)::int) AS part FROM blobs WHERE id = \(blobID.hex)")
            .first?.get("part", as: ByteBuffer?.self).map { Array($0.readableBytesView) }
    }

    public func inlineBodies(blobIDs: [BlobID]) async throws -> [BlobID: [UInt8]] {
        guard !blobIDs.isEmpty else { return [:] }
        var bodies: [BlobID: [UInt8]] = [:]
        for row in try await rows("""
            SELECT id, body FROM blobs WHERE id = ANY(\(Array(Set(blobIDs.map(\.hex))))) AND body IS NOT NULL
            """) {
            if let body = try row.get("body", as: ByteBuffer?.self) {
                bodies[BlobID(hex: try row.get("id"))] = Array(body.readableBytesView)
            }
        }
        return bodies
    }

    public func messages(mailboxID: MailboxID) async throws -> [MessageRecord] {
        try await rows(Self.selectMessages(where: "m.mailbox_id = \(mailboxID) ORDER BY m.uid")).map(Self.record)
    }

    public func messageSizes(mailboxID: MailboxID) async throws -> [MessageSize] {
        try await rows("SELECT uid, size FROM messages WHERE mailbox_id = \(mailboxID) ORDER BY uid").map {
            MessageSize(uid: MessageUID(truncatingIfNeeded: try $0.get("uid", as: Int64.self)), size: try $0.get("size", as: Int.self))
        }
    }

    public func messagePage(mailboxID: MailboxID, offset: Int, limit: Int) async throws -> (total: Int, records: [MessageRecord]) {
        try await transaction { connection in
            let total = try await connection.rows("SELECT COUNT(*) AS n FROM messages WHERE mailbox_id = \(mailboxID)",
                                                  logger: self.logger)[0].get("n", as: Int.self)
            let records = try await connection.rows(Self.selectMessages(where: """
                m.mailbox_id = \(mailboxID) ORDER BY m.internal_date DESC, m.uid DESC LIMIT \(max(0, limit)) OFFSET \(max(0, offset))
                """), logger: self.logger).map(Self.record)
            return (total, records)
        }
    }

    public func messages(mailboxID: MailboxID, uids: [MessageUID]) async throws -> [MessageRecord] {
        guard !uids.isEmpty else { return [] }
        return try await rows(Self.selectMessages(where: """
            m.mailbox_id = \(mailboxID) AND m.uid = ANY(\(uids.map { Int64($0) })) ORDER BY m.uid
            """)).map(Self.record)
    }

    public func changes(mailboxID: MailboxID, since: ModSeq) async throws -> MailboxChanges? {
        // One snapshot for the three reads (REPEATABLE READ), so the states match HIGHESTMODSEQ.
        try await transaction { connection in
            try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            guard let mailbox = try await connection.rows("""
                SELECT highest_modseq, expunge_modseq FROM mailboxes WHERE id = \(mailboxID)
                """, logger: self.logger).first else { return nil }
            let highest: ModSeq = try mailbox.get("highest_modseq")
            let lastExpunge: ModSeq = try mailbox.get("expunge_modseq")
            guard highest != since else { return MailboxChanges(since: since, highestModSeq: highest, uids: nil, changed: []) }
            let uids: [MessageUID]? = since > 0 && lastExpunge > since
                ? try await connection.rows("SELECT uid FROM messages WHERE mailbox_id = \(mailboxID) ORDER BY uid",
                                            logger: self.logger).map { MessageUID(truncatingIfNeeded: try $0.get("uid", as: Int64.self)) }
                : nil
            var parsedFlags: [String: MessageFlags] = [:]
            var changed: [MessageState] = []
            for row in try await connection.rows("""
                SELECT uid, modseq, flags FROM messages WHERE mailbox_id = \(mailboxID) AND modseq > \(since) ORDER BY uid
                """, logger: self.logger) {
                let serialized: String = try row.get("flags")
                let flags = parsedFlags[serialized] ?? MessageFlags(serialized: serialized)
                if parsedFlags.count < 256 { parsedFlags[serialized] = flags }
                changed.append(MessageState(uid: MessageUID(truncatingIfNeeded: try row.get("uid", as: Int64.self)),
                                            modSeq: try row.get("modseq"), flags: flags))
            }
            return MailboxChanges(since: since, highestModSeq: highest, uids: uids, changed: changed)
        }
    }

    public func message(id: MessageID) async throws -> MessageRecord? {
        try await rows(Self.selectMessages(where: "m.id = \(id)")).first.map(Self.record)
    }

    public func parsedJSON(blobID: BlobID) async throws -> Data? {
        guard let json = try await rows("SELECT parsed FROM blobs WHERE id = \(blobID.hex)").first?.get("parsed", as: String.self),
              !json.isEmpty else { return nil }
        return Data(json.utf8)
    }

    public func updateFlags(mailboxID: MailboxID, uids: [MessageUID], change: FlagChange,
                            unchangedSince: ModSeq?) async throws -> FlagUpdateResult {
        guard !uids.isEmpty else { return FlagUpdateResult(updated: [], modifiedSince: []) }
        return try await transaction { connection in
            // Flag changes commit without waiting for the WAL flush — what StoreSQLite's relaxed
            // write and Dovecot's index do: atomic at once, durable with the next flush; a crash
            // just before can forget the change, never a message.
            try await connection.execute("SET LOCAL synchronous_commit = off", logger: self.logger)
            try await Self.lockMailboxes(connection, logger: self.logger, ids: [mailboxID])
            let records = try await connection.rows(Self.selectMessages(where: """
                m.mailbox_id = \(mailboxID) AND m.uid = ANY(\(uids.map { Int64($0) })) ORDER BY m.uid
                """), logger: self.logger).map(Self.record)
            let plan = FlagChangePlan(records: records, change: change, unchangedSince: unchangedSince)
            guard !plan.changes.isEmpty else { return plan.result(modSeq: nil) }
            let result = plan.result(modSeq: try await Self.bumpModSeq(connection, logger: self.logger, mailboxID: mailboxID))
            for record in result.updated {
                try await connection.execute("""
                    UPDATE messages SET flags = \(record.flags.serialized), seen = \(record.flags.contains(MessageFlags.seen)),
                        deleted = \(record.flags.contains(MessageFlags.deleted)), modseq = \(record.modSeq)
                    WHERE id = \(record.id)
                    """, logger: self.logger)
            }
            return result
        }
    }

    public func copyMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping] {
        try await transaction { connection in
            try await Self.copy(connection, logger: self.logger, uids: uids, from: source, to: destination)
        }
    }

    public func moveMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping] {
        try await transaction { connection in
            try await Self.move(connection, logger: self.logger, uids: uids, from: source, to: destination)
        }
    }

    public func removeMessages(mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) async throws -> [MessageUID] {
        try await transaction { connection in
            try await Self.remove(connection, logger: self.logger, mailboxID: mailboxID, uids: uids, onlyDeleted: onlyDeleted)
        }
    }

    // MARK: Search and quota

    public func searchText(accountID: AccountID, mailboxID: MailboxID?, terms: [String]) async throws -> [MessageID] {
        let terms = terms.filter { !$0.isEmpty }
        guard !terms.isEmpty else { return [] }
        // Each term is an ILIKE the trigram index answers; terms of one or two characters (a
        // Chinese word often is) are still found, by a scan of the candidates.
        var binds = PostgresBindings()
        binds.append(accountID)
        var sql = "SELECT m.id FROM messages m WHERE m.account_id = $1 AND m.blob_id IN (SELECT blob_id FROM blob_text WHERE "
        sql += terms.enumerated().map { index, term in
            binds.append(Self.indexable(MailSearchTerm.likePattern(term)))
            return "text ILIKE $\(index + 2)"
        }.joined(separator: " AND ") + ")"
        if let mailboxID {
            binds.append(mailboxID)
            sql += " AND m.mailbox_id = $\(binds.count)"
        }
        sql += " ORDER BY m.internal_date DESC, m.id DESC"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { try $0.get("id") }
    }

    public func unindexedBodies(limit: Int) async throws -> [UnindexedBody] {
        try await rows("""
            SELECT b.id, b.body FROM blob_text_pending p JOIN blobs b ON b.id = p.blob_id ORDER BY p.seq LIMIT \(limit)
            """).map { row in
            UnindexedBody(blobID: BlobID(hex: try row.get("id")),
                          inlineBody: try row.get("body", as: ByteBuffer?.self).map { Array($0.readableBytesView) })
        }
    }

    public func addToTextIndex(_ texts: [(blobID: BlobID, text: String)]) async throws {
        guard !texts.isEmpty else { return }
        // One statement for the batch. Only bodies still waiting are added: one indexed
        // meanwhile (another run, another node) is not added twice.
        try await execute("""
            WITH done AS (DELETE FROM blob_text_pending WHERE blob_id = ANY(\(texts.map(\.blobID.hex))) RETURNING blob_id)
            INSERT INTO blob_text (blob_id, text)
            SELECT t.id, t.text FROM unnest(\(texts.map(\.blobID.hex))::TEXT[], \(texts.map { Self.indexable($0.text) })::TEXT[])
                AS t(id, text)
            JOIN done ON done.blob_id = t.id
            ON CONFLICT DO NOTHING
            """)
    }

    /// PostgreSQL text cannot hold NUL characters; a NUL in a message's text becomes a space.
    static func indexable(_ text: String) -> String {
        text.contains("\0") ? text.replacingOccurrences(of: "\0", with: " ") : text
    }

    public func quota(accountID: AccountID) async throws -> QuotaUsage {
        if let row = try await rows("SELECT limit_bytes, used_bytes FROM quotas WHERE account_id = \(accountID)").first {
            return QuotaUsage(usedBytes: try row.get("used_bytes"), limitBytes: try row.get("limit_bytes"))
        }
        let used = try await rows("""
            SELECT COALESCE(SUM(size), 0)::BIGINT AS used FROM messages WHERE account_id = \(accountID)
            """)[0].get("used", as: Int64.self)
        return QuotaUsage(usedBytes: used, limitBytes: .max)
    }

    public func acquireMaildropLease(_ account: AccountID, holder: String, now: Date, until: Date) async throws -> Bool {
        let (expires, current) = (until.timeIntervalSince1970, now.timeIntervalSince1970)
        return try await execute("""
            INSERT INTO maildrop_leases (account_id, holder, expires_at) VALUES (\(account), \(holder), \(expires))
            ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE maildrop_leases.holder = excluded.holder OR maildrop_leases.expires_at <= \(current)
            RETURNING 1
            """) == 1
    }

    public func releaseMaildropLease(_ account: AccountID, holder: String) async throws {
        try await execute("DELETE FROM maildrop_leases WHERE account_id = \(account) AND holder = \(holder)")
    }

    public func claimRecent(mailboxID: MailboxID) async throws -> ClosedRange<MessageUID>? {
        // Most SELECTs and new-mail checks find nothing to claim: one read, no transaction.
        let known = try await rows("SELECT recent_uid < uid_next - 1 AS open FROM mailboxes WHERE id = \(mailboxID)")
        guard let first = known.first else { throw MailError.noSuchMailbox("\(mailboxID)") }
        guard try first.get("open", as: Bool.self) else { return nil }
        return try await transaction { connection in
            // The row lock makes sessions of every node claim one after the other.
            let rows = try await connection.rows("""
                SELECT recent_uid, uid_next FROM mailboxes WHERE id = \(mailboxID) FOR UPDATE
                """, logger: self.logger)
            guard let row = rows.first else { throw MailError.noSuchMailbox("\(mailboxID)") }
            let mark = try row.get("recent_uid", as: Int64.self), last = try row.get("uid_next", as: Int64.self) - 1
            guard last > mark else { return nil }
            try await connection.execute("UPDATE mailboxes SET recent_uid = \(last) WHERE id = \(mailboxID)", logger: self.logger)
            return MessageUID(mark + 1)...MessageUID(last)
        }
    }

    public func recentMessages(mailboxID: MailboxID) async throws -> RecentMessages {
        let rows = try await rows("""
            SELECT recent_uid, (SELECT COUNT(*) FROM messages WHERE mailbox_id = m.id AND uid > m.recent_uid) AS above
            FROM mailboxes m WHERE id = \(mailboxID)
            """)
        guard let row = rows.first else { throw MailError.noSuchMailbox("\(mailboxID)") }
        return RecentMessages(claimedThrough: MessageUID(try row.get("recent_uid", as: Int64.self)),
                              count: Int(try row.get("above", as: Int64.self)))
    }

    public func setQuotaLimit(accountID: AccountID, bytes: Int64) async throws {
        try await execute("""
            INSERT INTO quotas (account_id, limit_bytes, used_bytes)
            VALUES (\(accountID), \(bytes), (SELECT COALESCE(SUM(size), 0)::BIGINT FROM messages WHERE account_id = \(accountID)))
            ON CONFLICT (account_id) DO UPDATE SET limit_bytes = excluded.limit_bytes
            """)
    }

    public func reconcileBodies(_ candidates: [BlobID], handle: @escaping @Sendable (BlobID, Bool) throws -> Void) async throws {
        guard !candidates.isEmpty else { return }
        try await transaction { connection in
            // Rows an insert holds right now are locked by it: waited for, so its answer counts.
            let named = Set(try await connection.rows("""
                SELECT id FROM blobs WHERE id = ANY(\(candidates.map(\.hex))) FOR SHARE
                """, logger: self.logger).map { try $0.get("id", as: String.self) })
            for id in candidates { try handle(id, named.contains(id.hex)) }
        }
    }

    public func collectGarbage(deleteBody: @escaping @Sendable (BlobID) throws -> Void) async throws -> Int {
        try await transaction { connection in
            // A body a delivery is referencing right now is locked by it: skipped, not waited for.
            let ids = try await connection.rows("""
                SELECT id FROM blobs WHERE refcount <= 0 FOR UPDATE SKIP LOCKED
                """, logger: self.logger).map { try $0.get("id", as: String.self) }
            guard !ids.isEmpty else { return 0 }
            // The text index and the pending list go with their rows (ON DELETE CASCADE).
            try await connection.execute("DELETE FROM blobs WHERE id = ANY(\(ids))", logger: self.logger)
            // Files go last: if anything above failed, nothing was unlinked.
            for id in ids { try deleteBody(BlobID(hex: id)) }
            return ids.count
        }
    }

    // MARK: Helpers (inside transactions)

    /// The `parsed` column: the cached parse, or empty when none is kept.
    static func parsedColumn(_ metadata: BlobMetadata) -> String {
        metadata.parsedJSON.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Makes sure the body's row exists and locks it for this transaction (so a concurrent
    /// garbage collection cannot remove it under the new reference); a new row waits for the
    /// full-text index. An existing row without its bytes gets them when the caller has them.
    static func referenceBlob(_ connection: PostgresConnection, logger: Logger, blobID: BlobID, size: Int,
                              summary: String, parsed: String, inline: [UInt8]?) async throws {
        let bytes = inline.map { ByteBuffer(bytes: $0) }
        let row = try await connection.rows("""
            INSERT INTO blobs (id, size, refcount, summary, parsed, body)
            VALUES (\(blobID.hex), \(size), 0, \(summary), \(parsed), \(bytes))
            ON CONFLICT (id) DO UPDATE SET body = COALESCE(blobs.body, excluded.body)
            RETURNING seq, (xmax = 0) AS inserted
            """, logger: logger)[0]
        if try row.get("inserted", as: Bool.self) {
            try await connection.execute("""
                INSERT INTO blob_text_pending (seq, blob_id) VALUES (\(try row.get("seq", as: Int64.self)), \(blobID.hex))
                """, logger: logger)
        }
    }

    /// Locks the mailboxes (in id order, the one order every transaction uses) and returns
    /// their owners; throws when one does not exist.
    @discardableResult
    static func lockMailboxes(_ connection: PostgresConnection, logger: Logger, ids: [MailboxID]) async throws -> [MailboxID: AccountID] {
        let wanted = Array(Set(ids)).sorted()
        var owners: [MailboxID: AccountID] = [:]
        for row in try await connection.rows("""
            SELECT id, account_id FROM mailboxes WHERE id = ANY(\(wanted)) ORDER BY id FOR UPDATE
            """, logger: logger) {
            owners[try row.get("id")] = try row.get("account_id")
        }
        if let missing = wanted.first(where: { owners[$0] == nil }) { throw MailError.noSuchMailbox("#\(missing)") }
        return owners
    }

    static func checkQuota(_ connection: PostgresConnection, logger: Logger, added: [AccountID: Int64]) async throws {
        for (account, bytes) in added.sorted(by: { $0.key < $1.key }) where bytes > 0 {
            guard let row = try await connection.rows("""
                SELECT limit_bytes, used_bytes FROM quotas WHERE account_id = \(account) FOR UPDATE
                """, logger: logger).first else { continue }
            let limit: Int64 = try row.get("limit_bytes")
            let used: Int64 = try row.get("used_bytes")
            if used + bytes > limit {
                let address = try await connection.rows("SELECT address FROM accounts WHERE id = \(account)", logger: logger)
                    .first?.get("address", as: String.self) ?? "#\(account)"
                throw MailError.quotaExceeded(address: address)
            }
        }
    }

    /// Takes the next UID and a new MODSEQ of a (locked) mailbox and inserts the copy.
    static func insertCopy(_ connection: PostgresConnection, logger: Logger, mailboxID: MailboxID, accountID: AccountID,
                           flags: MessageFlags, internalDate: Date, size: Int, blobID: BlobID,
                           summary: MessageSummary) async throws -> MessageRecord {
        let (uid, modseq) = try await allocate(connection, logger: logger, mailboxID: mailboxID)
        let id = try await connection.rows("""
            INSERT INTO messages (mailbox_id, account_id, uid, modseq, flags, seen, deleted, internal_date, size, blob_id)
            VALUES (\(mailboxID), \(accountID), \(uid), \(modseq), \(flags.serialized), \(flags.contains(MessageFlags.seen)),
                    \(flags.contains(MessageFlags.deleted)), \(internalDate.timeIntervalSince1970), \(size), \(blobID.hex))
            RETURNING id
            """, logger: logger)[0].get("id", as: Int64.self)
        return MessageRecord(id: id, mailboxID: mailboxID, uid: MessageUID(truncatingIfNeeded: uid), modSeq: modseq, flags: flags,
                             internalDate: internalDate, size: size, blobID: blobID, summary: summary)
    }

    /// The next UID of a mailbox and the modification sequence of the change that takes it.
    static func allocate(_ connection: PostgresConnection, logger: Logger, mailboxID: MailboxID) async throws -> (uid: Int64, modSeq: ModSeq) {
        guard let allocated = try await connection.rows("""
            UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = \(mailboxID)
            RETURNING uid_next - 1 AS uid, highest_modseq
            """, logger: logger).first else { throw MailError.noSuchMailbox("#\(mailboxID)") }
        return (try allocated.get("uid"), try allocated.get("highest_modseq"))
    }

    static func bumpModSeq(_ connection: PostgresConnection, logger: Logger, mailboxID: MailboxID) async throws -> ModSeq {
        guard let row = try await connection.rows("""
            UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = \(mailboxID) RETURNING highest_modseq
            """, logger: logger).first else { throw MailError.noSuchMailbox("#\(mailboxID)") }
        return try row.get("highest_modseq")
    }

    /// `moving`: MOVE — within one account the copies add nothing to its usage.
    static func copy(_ connection: PostgresConnection, logger: Logger, uids: [MessageUID], from source: MailboxID,
                     to destination: MailboxID, moving: Bool = false) async throws -> [UIDMapping] {
        let owners = try await lockMailboxes(connection, logger: logger, ids: [source, destination])
        let records = try await connection.rows(selectMessages(where: """
            m.mailbox_id = \(source) AND m.uid = ANY(\(uids.map { Int64($0) })) ORDER BY m.uid
            """), logger: logger).map(record)
        guard !records.isEmpty else { return [] }
        // Every copy counts against the destination account's quota (within one account too).
        if !(moving && owners[source] == owners[destination]) {
            try await checkQuota(connection, logger: logger, added: [owners[destination]!: records.reduce(0) { $0 + Int64($1.size) }])
        }
        var mapping: [UIDMapping] = []
        for record in records {
            let copy = try await insertCopy(connection, logger: logger, mailboxID: destination, accountID: owners[destination]!,
                                            flags: record.flags, internalDate: record.internalDate, size: record.size,
                                            blobID: record.blobID, summary: record.summary)
            mapping.append(UIDMapping(source: record.uid, destination: copy.uid))
        }
        return mapping
    }

    /// Within one account the rows themselves move (a message keeps its id, so the JSON API's id
    /// for it stays valid; it gets a new UID in the destination, as IMAP MOVE requires); into
    /// another account a copy is made there, counted against that account's quota, and the
    /// original removed.
    static func move(_ connection: PostgresConnection, logger: Logger, uids: [MessageUID], from source: MailboxID,
                     to destination: MailboxID) async throws -> [UIDMapping] {
        let owners = try await lockMailboxes(connection, logger: logger, ids: [source, destination])
        guard owners[source] == owners[destination] else {
            let mapping = try await copy(connection, logger: logger, uids: uids, from: source, to: destination, moving: true)
            _ = try await remove(connection, logger: logger, mailboxID: source, uids: mapping.map(\.source), onlyDeleted: false)
            return mapping
        }
        let moving = try await connection.rows("""
            SELECT id, uid FROM messages WHERE mailbox_id = \(source) AND uid = ANY(\(uids.map { Int64($0) })) ORDER BY uid
            """, logger: logger)
        var mapping: [UIDMapping] = []
        for row in moving {
            let id: Int64 = try row.get("id")
            let oldUID: Int64 = try row.get("uid")
            let (uid, modseq) = try await allocate(connection, logger: logger, mailboxID: destination)
            try await connection.execute("""
                UPDATE messages SET mailbox_id = \(destination), uid = \(uid), modseq = \(modseq) WHERE id = \(id)
                """, logger: logger)
            mapping.append(UIDMapping(source: MessageUID(truncatingIfNeeded: oldUID), destination: MessageUID(truncatingIfNeeded: uid)))
        }
        if !mapping.isEmpty { try await markExpunged(connection, logger: logger, mailboxID: source) }
        return mapping
    }

    static func remove(_ connection: PostgresConnection, logger: Logger, mailboxID: MailboxID, uids: [MessageUID]?,
                       onlyDeleted: Bool) async throws -> [MessageUID] {
        try await lockMailboxes(connection, logger: logger, ids: [mailboxID])
        let deletedOnly = onlyDeleted ? " AND deleted" : ""
        let removed: [MessageUID]
        if let uids {
            removed = try await connection.rows(PostgresQuery(unsafeSQL: """
                DELETE FROM messages WHERE mailbox_id = $1 AND uid = ANY($2)\(deletedOnly) RETURNING uid
                """, binds: try bindings(mailboxID, uids.map { Int64($0) })), logger: logger)
                .map { MessageUID(truncatingIfNeeded: try $0.get("uid", as: Int64.self)) }
        } else {
            removed = try await connection.rows(PostgresQuery(unsafeSQL: """
                DELETE FROM messages WHERE mailbox_id = $1\(deletedOnly) RETURNING uid
                """, binds: try bindings(mailboxID)), logger: logger)
                .map { MessageUID(truncatingIfNeeded: try $0.get("uid", as: Int64.self)) }
        }
        if !removed.isEmpty { try await markExpunged(connection, logger: logger, mailboxID: mailboxID) }
        return removed.sorted()
    }

    /// Messages left the mailbox: one update, so other nodes hear one "expunged"
    /// (mailbox_changed trigger).
    static func markExpunged(_ connection: PostgresConnection, logger: Logger, mailboxID: MailboxID) async throws {
        try await connection.execute("""
            UPDATE mailboxes SET highest_modseq = highest_modseq + 1, expunge_modseq = highest_modseq + 1
            WHERE id = \(mailboxID)
            """, logger: logger)
    }

    static func bindings(_ values: any PostgresThrowingDynamicTypeEncodable...) throws -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { try binds.append(value) }
        return binds
    }

    // MARK: Row mapping

    /// Copies with their summaries; `condition` follows `WHERE` (and may order and limit).
    static func selectMessages(where condition: PostgresQuery) -> PostgresQuery {
        // The prefix binds nothing, so the condition's placeholders ($1…) keep their numbers.
        PostgresQuery(unsafeSQL: """
            SELECT m.id, m.mailbox_id, m.uid, m.modseq, m.flags, m.internal_date, m.size, m.blob_id, b.summary
            FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE
            """ + " " + condition.sql, binds: condition.binds)
    }

    static func mailbox(_ row: PostgresRandomAccessRow) throws -> Mailbox {
        Mailbox(id: try row.get("id"), accountID: try row.get("account_id"), name: try row.get("name"),
                specialUse: try row.get("special_use", as: String?.self).flatMap(SpecialUse.init(rawValue:)),
                uidValidity: UInt32(truncatingIfNeeded: try row.get("uid_validity", as: Int64.self)),
                uidNext: MessageUID(truncatingIfNeeded: try row.get("uid_next", as: Int64.self)),
                highestModSeq: try row.get("highest_modseq"), createdAt: try row.date("created_at"))
    }

    static func record(_ row: PostgresRandomAccessRow) throws -> MessageRecord {
        MessageRecord(id: try row.get("id"), mailboxID: try row.get("mailbox_id"),
                      uid: MessageUID(truncatingIfNeeded: try row.get("uid", as: Int64.self)), modSeq: try row.get("modseq"),
                      flags: MessageFlags(serialized: try row.get("flags")), internalDate: try row.date("internal_date"),
                      size: try row.get("size", as: Int.self), blobID: BlobID(hex: try row.get("blob_id")),
                      encodedSummary: try row.get("summary"))
    }
}
