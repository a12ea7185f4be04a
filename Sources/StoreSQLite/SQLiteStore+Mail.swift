import Foundation
import GRDB
import MailwardCore

extension SQLiteStore: MailStore {
    // MARK: Mailboxes

    public func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?, createdAt: Date) async throws -> Mailbox {
        do {
            return try await write { db in
                // A name taken is the error to report when the use is taken too (SQLite checks
                // the special-use index first).
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM mailboxes WHERE account_id = ? AND name = ?",
                                     arguments: [accountID, name]) == true {
                    throw MailError.mailboxExists(name)
                }
                let validity = try Self.nextUIDValidity(db, now: createdAt)
                try db.execute(sql: """
                    INSERT INTO mailboxes (account_id, name, special_use, uid_validity, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [accountID, name, specialUse?.rawValue, Int64(validity), createdAt.timeIntervalSince1970])
                return Mailbox(id: db.lastInsertedRowID, accountID: accountID, name: name, specialUse: specialUse,
                               uidValidity: validity, uidNext: 1, highestModSeq: 1, createdAt: createdAt)
            }
        } catch StoreError.duplicate(let constraint) {
            throw MailError.creatingMailbox(violated: constraint, name: name, specialUse: specialUse)
        }
    }

    /// A UIDVALIDITY larger than any given before: time based, and strictly increasing.
    static func nextUIDValidity(_ db: Database, now: Date) throws -> UInt32 {
        let previous = try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = 'uidvalidity'") ?? 0
        var next = max(previous + 1, Int64(now.timeIntervalSince1970))
        if next > Int64(UInt32.max) { next = previous + 1 }
        try db.execute(sql: """
            INSERT INTO counters (name, value) VALUES ('uidvalidity', ?)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """, arguments: [next])
        return UInt32(truncatingIfNeeded: next)
    }

    public func mailboxes(accountID: AccountID) async throws -> [Mailbox] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mailboxes WHERE account_id = ? ORDER BY name",
                             arguments: [accountID]).map(Self.mailbox)
        }
    }

    public func mailbox(id: MailboxID) async throws -> Mailbox? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mailboxes WHERE id = ?"), arguments: [id]).map(Self.mailbox)
        }
    }

    public func mailbox(accountID: AccountID, name: String) async throws -> Mailbox? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mailboxes WHERE account_id = ? AND name = ?"),
                             arguments: [accountID, name]).map(Self.mailbox)
        }
    }

    public func renameMailbox(id: MailboxID, to newName: String) async throws {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT account_id, name FROM mailboxes WHERE id = ?", arguments: [id]) else {
                throw MailError.noSuchMailbox("#\(id)")
            }
            let accountID: AccountID = row["account_id"]
            let oldName: String = row["name"]
            let taken = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM mailboxes WHERE account_id = ? AND (name = ? OR substr(name, 1, ?) = ?))
                """, arguments: [accountID, newName, newName.count + 1, newName + "/"]) ?? false
            if taken { throw MailError.mailboxExists(newName) }
            let prefix = oldName + "/"
            try db.execute(sql: """
                UPDATE mailboxes SET name = ? || substr(name, ?) WHERE account_id = ? AND substr(name, 1, ?) = ?
                """, arguments: [newName + "/", prefix.count + 1, accountID, prefix.count, prefix])
            try db.execute(sql: "UPDATE mailboxes SET name = ? WHERE id = ?", arguments: [newName, id])
        }
    }

    public func deleteMailbox(id: MailboxID) async throws {
        try await write { db in
            // Delete copies first so the triggers release blobs and quota explicitly.
            try db.execute(sql: "DELETE FROM messages WHERE mailbox_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM mailboxes WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw MailError.noSuchMailbox("#\(id)") }
        }
    }

    public func counts(mailboxID: MailboxID) async throws -> MailboxCounts {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, COALESCE(SUM(seen = 0), 0) AS unseen, COALESCE(SUM(size), 0) AS bytes
                FROM messages WHERE mailbox_id = ?
                """, arguments: [mailboxID])!
            return MailboxCounts(messages: row["n"], unseen: row["unseen"], size: row["bytes"])
        }
    }

    public func setSubscribed(accountID: AccountID, name: String, _ subscribed: Bool) async throws {
        try await write { db in
            if subscribed {
                try db.execute(sql: "INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)",
                               arguments: [accountID, name])
            } else {
                try db.execute(sql: "DELETE FROM subscriptions WHERE account_id = ? AND name = ?", arguments: [accountID, name])
            }
        }
    }

    public func subscriptions(accountID: AccountID) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name", arguments: [accountID])
        }
    }

    // MARK: Messages

    /// The write path of every delivery. Its statements are prepared once per connection
    /// (`cachedStatement`) instead of parsed again for every message.
    public func insertCopies(_ copies: [NewMessageCopy], blobID: BlobID, metadata: BlobMetadata,
                             body: BodyPlacement) async throws -> [MessageRecord] {
        guard !copies.isEmpty else { return [] }
        let summaryJSON = metadata.summary.storedJSON
        let parsedJSON = Self.parsedColumn(metadata)
        // Group commit: concurrent deliveries share one transaction (see InsertBatcher).
        return try await insertBatcher.submit { db in
            let owners = try Self.owners(db, mailboxIDs: copies.map(\.mailboxID))
            var added: [AccountID: Int64] = [:]
            for copy in copies { added[owners[copy.mailboxID]!, default: 0] += Int64(metadata.size) }
            try Self.checkQuota(db, added: added)
            let inline: Data? = if case .inline(let bytes) = body { Data(bytes) } else { nil }
            // A new body row is written once, with its inline bytes.
            try db.cachedStatement(sql: """
                INSERT INTO blobs (id, size, refcount, summary, parsed, body) VALUES (?, ?, 0, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """).execute(arguments: [blobID.hex, metadata.size, summaryJSON, parsedJSON, inline])
            if db.changesCount > 0 {
                try Self.awaitIndexing(db, blobRowID: db.lastInsertedRowID)
            } else if let inline {
                // The row existed, maybe with its body in a file: that file may be garbage
                // collected before this commit, the bytes kept here cannot.
                try db.cachedStatement(sql: "UPDATE blobs SET body = ? WHERE id = ? AND body IS NULL")
                    .execute(arguments: [inline, blobID.hex])
            }
            if case .blobStore(let ensure) = body { try ensure() }
            var records: [MessageRecord] = []
            for copy in copies {
                let (uid, modseq) = try Self.allocate(db, mailboxID: copy.mailboxID)
                records.append(try Self.insertRow(db, mailboxID: copy.mailboxID, accountID: owners[copy.mailboxID]!, uid: uid,
                                                  modSeq: modseq, flags: copy.flags, internalDate: copy.internalDate,
                                                  size: metadata.size, blobID: blobID, summary: metadata.summary))
            }
            return records
        }
    }

    public func messages(mailboxID: MailboxID) async throws -> [MessageRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.selectMessages + " WHERE m.mailbox_id = ? ORDER BY m.uid",
                             arguments: [mailboxID]).map(Self.record)
        }
    }

    public func messageSizes(mailboxID: MailboxID) async throws -> [MessageSize] {
        try await pool.read { db in
            var sizes: [MessageSize] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT uid, size FROM messages WHERE mailbox_id = ? ORDER BY uid"),
                                           arguments: [mailboxID])
            while let row = try rows.next() {
                sizes.append(MessageSize(uid: MessageUID(truncatingIfNeeded: row[0] as Int64), size: row[1]))
            }
            return sizes
        }
    }

    public func messagePage(mailboxID: MailboxID, offset: Int, limit: Int) async throws -> (total: Int, records: [MessageRecord]) {
        try await pool.read { db in
            let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM messages WHERE mailbox_id = ?"),
                                         arguments: [mailboxID]) ?? 0
            // messages_mailbox_date walks the folder newest first; only the page is read.
            let records = try Row.fetchAll(db.cachedStatement(sql: Self.selectMessages + """
                 WHERE m.mailbox_id = ? ORDER BY m.internal_date DESC, m.uid DESC LIMIT ? OFFSET ?
                """), arguments: [mailboxID, max(0, limit), max(0, offset)]).map(Self.record)
            return (total, records)
        }
    }

    public func messages(mailboxID: MailboxID, uids: [MessageUID]) async throws -> [MessageRecord] {
        guard !uids.isEmpty else { return [] }
        return try quickRead { db in
            try Self.rows(db, mailboxID: mailboxID, uids: uids).map(Self.record)
        }
    }

    public func changes(mailboxID: MailboxID, since: ModSeq) async throws -> MailboxChanges? {
        try quickRead { db in
            guard let mailbox = try Row.fetchOne(db.cachedStatement(sql: "SELECT highest_modseq, expunge_modseq FROM mailboxes WHERE id = ?"),
                                                 arguments: [mailboxID]) else { return nil }
            let highest: ModSeq = mailbox["highest_modseq"], lastExpunge: ModSeq = mailbox["expunge_modseq"]
            guard highest != since else { return MailboxChanges(since: since, highestModSeq: highest, uids: nil, changed: []) }
            // The UID column (the (mailbox_id, uid) index only) only when something was expunged since.
            let uids = since > 0 && lastExpunge > since
                ? try Int64.fetchAll(db.cachedStatement(sql: "SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid"),
                                     arguments: [mailboxID]).map { MessageUID(truncatingIfNeeded: $0) }
                : nil
            // Most messages share a handful of flag strings: each distinct one is parsed once.
            var parsedFlags: [String: MessageFlags] = [:]
            // A cursor: rows are decoded in place, not copied first.
            var changed: [MessageState] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT uid, modseq, flags FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid
                """), arguments: [mailboxID, since])
            while let row = try rows.next() {
                let serialized: String = row[2]
                let flags = parsedFlags[serialized] ?? MessageFlags(serialized: serialized)
                if parsedFlags.count < 256 { parsedFlags[serialized] = flags }
                changed.append(MessageState(uid: MessageUID(truncatingIfNeeded: row[0] as Int64), modSeq: row[1], flags: flags))
            }
            return MailboxChanges(since: since, highestModSeq: highest, uids: uids, changed: changed)
        }
    }

    public func message(id: MessageID) async throws -> MessageRecord? {
        try quickRead { db in
            try Row.fetchOne(db, sql: Self.selectMessages + " WHERE m.id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func inlineBody(blobID: BlobID) async throws -> [UInt8]? {
        try quickLookup { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM blobs WHERE id = ?"), arguments: [blobID.hex]).map { [UInt8]($0) }
        }
    }

    public func inlineBody(blobID: BlobID, range: Range<Int>) async throws -> [UInt8]? {
        try quickLookup { db in
            // substr counts bytes from 1 in a BLOB.
            try Data.fetchOne(db.cachedStatement(sql: "SELECT substr(body, ?, ?) FROM blobs WHERE id = ? AND body IS NOT NULL"),
                              arguments: [max(range.lowerBound, 0) + 1, range.count, blobID.hex]).map { [UInt8]($0) }
        }
    }

    public func inlineBodies(blobIDs: [BlobID]) async throws -> [BlobID: [UInt8]] {
        guard !blobIDs.isEmpty else { return [:] }
        return try quickRead { db in
            let statement = try db.cachedStatement(sql: "SELECT body FROM blobs WHERE id = ?")
            var bodies: [BlobID: [UInt8]] = [:]
            for id in Set(blobIDs) {
                if let body = try Data.fetchOne(statement, arguments: [id.hex]) { bodies[id] = [UInt8](body) }
            }
            return bodies
        }
    }

    public func parsedJSON(blobID: BlobID) async throws -> Data? {
        try quickLookup { db in
            guard let json = try String.fetchOne(db.cachedStatement(sql: "SELECT parsed FROM blobs WHERE id = ?"),
                                                 arguments: [blobID.hex]), !json.isEmpty else { return nil }
            return Data(json.utf8)
        }
    }

    /// Messages whose flags one transaction changes: a `STORE 1:*` over a folder of 100 000 is
    /// a hundred transactions, between which deliveries (and everyone else's writes) get the
    /// writer — as one it held it for seconds. IMAP's STORE is not atomic across messages;
    /// each message changes once, with a MODSEQ above its old one.
    static let flagChangesPerTransaction = 1_000

    public func updateFlags(mailboxID: MailboxID, uids: [MessageUID], change: FlagChange,
                            unchangedSince: ModSeq?) async throws -> FlagUpdateResult {
        var total = FlagUpdateResult(updated: [], modifiedSince: [])
        for start in stride(from: 0, to: uids.count, by: Self.flagChangesPerTransaction) {
            let chunk = Array(uids[start..<min(start + Self.flagChangesPerTransaction, uids.count)])
            let result = try await relaxedWrite { db in
                let plan = FlagChangePlan(records: try Self.rows(db, mailboxID: mailboxID, uids: chunk).map(Self.record),
                                          change: change, unchangedSince: unchangedSince)
                guard !plan.changes.isEmpty else { return plan.result(modSeq: nil) }
                let result = plan.result(modSeq: try Self.bumpModSeq(db, mailboxID: mailboxID))
                let update = try db.cachedStatement(sql: "UPDATE messages SET flags = ?, seen = ?, deleted = ?, modseq = ? WHERE id = ?")
                for record in result.updated {
                    try update.execute(arguments: [record.flags.serialized, record.flags.contains(MessageFlags.seen),
                                                   record.flags.contains(MessageFlags.deleted), record.modSeq, record.id])
                }
                return result
            }
            total.updated += result.updated
            total.modifiedSince += result.modifiedSince
            total.unchanged += result.unchanged
        }
        return total
    }

    public func copyMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping] {
        try await write { db in try Self.copy(db, uids: uids, from: source, to: destination) }
    }

    public func moveMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping] {
        try await write { db in try Self.move(db, uids: uids, from: source, to: destination) }
    }

    public func removeMessages(mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) async throws -> [MessageUID] {
        try await write { db in try Self.remove(db, mailboxID: mailboxID, uids: uids, onlyDeleted: onlyDeleted) }
    }

    // MARK: Search and quota

    /// The trigram index answers `LIKE '%term%'` for a term of three characters or more — but
    /// not with an `ESCAPE` clause, which turns it into a scan of every message on the server
    /// (1.5 s at 100 000 messages, whoever searched). Such terms without `%`, `_` or a backslash go to
    /// the index as they are; the others (shorter — a two-character Chinese word —, or with
    /// those characters) are checked, escaped, against the text of the account's own messages
    /// only: by the index's hits when there are any, else by the account's messages.
    public func searchText(accountID: AccountID, mailboxID: MailboxID?, terms: [String]) async throws -> [MessageID] {
        let terms = terms.filter { !$0.isEmpty }
        guard !terms.isEmpty else { return [] }
        let indexed = terms.filter(Self.trigramIndexAnswers)
        let checked = terms.filter { !Self.trigramIndexAnswers($0) }
        var sql = "SELECT m.id FROM messages m JOIN blobs b ON b.id = m.blob_id WHERE m.account_id = ?"
        var arguments: StatementArguments = [accountID]
        if !indexed.isEmpty {
            sql += " AND b.rowid IN (SELECT rowid FROM blob_text WHERE " + indexed.map { _ in "text LIKE ?" }.joined(separator: " AND ") + ")"
            for term in indexed { _ = arguments.append(contentsOf: ["%" + term + "%"]) }
        }
        for term in checked {
            sql += " AND (SELECT text FROM blob_text WHERE rowid = b.rowid) LIKE ? ESCAPE '\\'"
            _ = arguments.append(contentsOf: [MailSearchTerm.likePattern(term)])
        }
        if let mailboxID {
            sql += " AND m.mailbox_id = ?"
            _ = arguments.append(contentsOf: [mailboxID])
        }
        sql += " ORDER BY m.internal_date DESC, m.id DESC"
        let query = sql
        let values = arguments
        return try await pool.read { db in try MessageID.fetchAll(db, sql: query, arguments: values) }
    }

    /// Whether FTS5's trigram index can answer `LIKE '%term%'` by itself: three characters or
    /// more, and none that `LIKE` reads as a wildcard (or an escape).
    static func trigramIndexAnswers(_ term: String) -> Bool {
        term.count >= 3 && !term.contains { $0 == "%" || $0 == "_" || $0 == "\\" }
    }

    public func unindexedBodies(limit: Int) async throws -> [UnindexedBody] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.id, b.body FROM blob_text_pending p JOIN blobs b ON b.rowid = p.rowid ORDER BY p.rowid LIMIT ?
                """, arguments: [limit]).map { row in
                UnindexedBody(blobID: BlobID(hex: row[0]), inlineBody: (row[1] as Data?).map { [UInt8]($0) })
            }
        }
    }

    public func addToTextIndex(_ texts: [(blobID: BlobID, text: String)]) async throws {
        guard !texts.isEmpty else { return }
        try await write { db in
            for (blobID, text) in texts {
                guard let rowid = try Int64.fetchOne(db.cachedStatement(sql: "SELECT rowid FROM blobs WHERE id = ?"),
                                                     arguments: [blobID.hex]) else { continue }
                try db.cachedStatement(sql: "DELETE FROM blob_text_pending WHERE rowid = ?").execute(arguments: [rowid])
                // Only a body still waiting: one indexed meanwhile (another run) is not added twice.
                guard db.changesCount > 0 else { continue }
                try db.cachedStatement(sql: "INSERT INTO blob_text (rowid, text) VALUES (?, ?)").execute(arguments: [rowid, text])
            }
        }
    }

    /// Asked at every SMTP RCPT: each of the two statements (the second only for an account
    /// without a quota row) reads a snapshot of its own, so no read transaction around them.
    public func quota(accountID: AccountID) async throws -> QuotaUsage {
        try quickLookup { db in try Self.quota(db, accountID: accountID) }
    }

    static func quota(_ db: Database, accountID: AccountID) throws -> QuotaUsage {
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT limit_bytes, used_bytes FROM quotas WHERE account_id = ?"),
                                      arguments: [accountID]) {
            return QuotaUsage(usedBytes: row[1], limitBytes: row[0])
        }
        let used = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(SUM(size), 0) FROM messages WHERE account_id = ?"),
                                      arguments: [accountID]) ?? 0
        return QuotaUsage(usedBytes: used, limitBytes: .max)
    }

    public func acquireMaildropLease(_ account: AccountID, holder: String, now: Date, until: Date) async throws -> Bool {
        try await write { db in
            try Row.fetchOne(db, sql: """
                INSERT INTO maildrop_leases (account_id, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE maildrop_leases.holder = excluded.holder OR maildrop_leases.expires_at <= ?
                RETURNING 1
                """, arguments: [account, holder, until.timeIntervalSince1970, now.timeIntervalSince1970]) != nil
        }
    }

    public func releaseMaildropLease(_ account: AccountID, holder: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM maildrop_leases WHERE account_id = ? AND holder = ?", arguments: [account, holder])
        }
    }

    public func claimRecent(mailboxID: MailboxID) async throws -> ClosedRange<MessageUID>? {
        // Most SELECTs and new-mail checks find nothing to claim: one read, no write.
        let known = try quickLookup { db in
            try Row.fetchOne(db, sql: "SELECT recent_uid < uid_next - 1 AS open FROM mailboxes WHERE id = ?", arguments: [mailboxID])
        }
        guard let known else { throw MailError.noSuchMailbox("\(mailboxID)") }
        guard known["open"] as Bool else { return nil }
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT recent_uid, uid_next FROM mailboxes WHERE id = ?", arguments: [mailboxID])
            else { throw MailError.noSuchMailbox("\(mailboxID)") }
            let mark: Int64 = row["recent_uid"], last: Int64 = row["uid_next"] - 1
            guard last > mark else { return nil }
            try db.execute(sql: "UPDATE mailboxes SET recent_uid = ? WHERE id = ?", arguments: [last, mailboxID])
            return MessageUID(mark + 1)...MessageUID(last)
        }
    }

    public func recentMessages(mailboxID: MailboxID) async throws -> RecentMessages {
        let row = try quickLookup { db in
            try Row.fetchOne(db, sql: """
                SELECT recent_uid, (SELECT COUNT(*) FROM messages WHERE mailbox_id = mailboxes.id AND uid > mailboxes.recent_uid) AS above
                FROM mailboxes WHERE id = ?
                """, arguments: [mailboxID])
        }
        guard let row else { throw MailError.noSuchMailbox("\(mailboxID)") }
        return RecentMessages(claimedThrough: MessageUID(row["recent_uid"] as Int64), count: row["above"])
    }

    public func setQuotaLimit(accountID: AccountID, bytes: Int64) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO quotas (account_id, limit_bytes, used_bytes)
                VALUES (?, ?, (SELECT COALESCE(SUM(size), 0) FROM messages WHERE account_id = ?))
                ON CONFLICT (account_id) DO UPDATE SET limit_bytes = excluded.limit_bytes
                """, arguments: [accountID, bytes, accountID])
        }
    }

    /// Removes the bodies no copy and no queued message refers to (`refcount`, kept by triggers).
    ///
    /// Without foreign key checks: deleting a `blobs` row would otherwise make SQLite look for
    /// `messages` rows naming it, and `messages.blob_id` has no index (migration
    /// `024-no-message-blob-index`: a random page of it was written with every delivery) — a scan
    /// of every message per body. A zero count already says that nothing refers to the body.
    public func collectGarbage(deleteBody: @escaping @Sendable (BlobID) throws -> Void) async throws -> Int {
        do {
            return try await collectGarbageWithoutForeignKeys(deleteBody: deleteBody)
        } catch {
            throw Self.storageError(error)
        }
    }

    private func collectGarbageWithoutForeignKeys(deleteBody: @escaping @Sendable (BlobID) throws -> Void) async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            // A no-op inside a transaction: switched off around it, and on again whatever happens.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var count = 0
            try db.inTransaction {
                let rows = try Row.fetchAll(db, sql: "SELECT rowid, id FROM blobs WHERE refcount <= 0")
                for row in rows {
                    let rowid: Int64 = row["rowid"]
                    try db.execute(sql: "DELETE FROM blob_text_pending WHERE rowid = ?", arguments: [rowid])
                    try db.execute(sql: "DELETE FROM blob_text WHERE rowid = ?", arguments: [rowid])
                    try db.execute(sql: "DELETE FROM blobs WHERE rowid = ?", arguments: [rowid])
                }
                // Files go last: if anything above failed, nothing was unlinked.
                for row in rows { try deleteBody(BlobID(hex: row["id"])) }
                count = rows.count
                return .commit
            }
            return count
        }
    }

    public func reconcileBodies(_ candidates: [BlobID], handle: @escaping @Sendable (BlobID, Bool) throws -> Void) async throws {
        guard !candidates.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM blobs WHERE id = ?)")
            for id in candidates {
                try handle(id, try Bool.fetchOne(statement, arguments: [id.hex]) ?? false)
            }
        }
    }

    // MARK: Helpers (inside transactions)

    /// A new body row waits for the full-text index (`SearchIndexer`), not part of the delivery.
    static func awaitIndexing(_ db: Database, blobRowID: Int64) throws {
        try db.cachedStatement(sql: "INSERT INTO blob_text_pending (rowid) VALUES (?)").execute(arguments: [blobRowID])
    }

    /// The `parsed` column: the cached parse, or empty when none is kept (the column predates
    /// bodies without one and is NOT NULL).
    static func parsedColumn(_ metadata: BlobMetadata) -> String {
        metadata.parsedJSON.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static let selectMessages = """
        SELECT m.id, m.mailbox_id, m.uid, m.modseq, m.flags, m.internal_date, m.size, m.blob_id, b.summary
        FROM messages m JOIN blobs b ON b.id = m.blob_id
        """

    static func rows(_ db: Database, mailboxID: MailboxID, uids: [MessageUID]) throws -> [Row] {
        // The usual case — one message, or a few ranges (`FETCH 40:59`) — runs one prepared
        // statement per range; scattered sets fall back to `IN (…)` lists.
        let ranges = consecutiveRanges(uids)
        if ranges.count <= 32 {
            let statement = try db.cachedStatement(sql: selectMessages + " WHERE m.mailbox_id = ? AND m.uid BETWEEN ? AND ? ORDER BY m.uid")
            var result: [Row] = []
            for range in ranges {
                result += try Row.fetchAll(statement, arguments: [mailboxID, Int64(range.lowerBound), Int64(range.upperBound)])
            }
            return ranges.count == 1 ? result : result.sorted { ($0[2] as Int64) < ($1[2] as Int64) }
        }
        var result: [Row] = []
        // Chunks keep the statement under SQLite's variable limit.
        for start in stride(from: 0, to: uids.count, by: 500) {
            let chunk = uids[start..<min(start + 500, uids.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            var arguments: StatementArguments = [mailboxID]
            _ = arguments.append(contentsOf: StatementArguments(chunk.map { Int64($0) }))
            result += try Row.fetchAll(db, sql: selectMessages + " WHERE m.mailbox_id = ? AND m.uid IN (\(marks))",
                                       arguments: arguments)
        }
        return result.sorted { ($0[2] as Int64) < ($1[2] as Int64) }
    }

    /// `uids` as closed ranges of consecutive numbers, ascending.
    static func consecutiveRanges(_ uids: [MessageUID]) -> [ClosedRange<MessageUID>] {
        var ranges: [ClosedRange<MessageUID>] = []
        for uid in uids.sorted() {
            if let last = ranges.last, last.upperBound < MessageUID.max, uid <= last.upperBound + 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, uid)
            } else {
                ranges.append(uid...uid)
            }
        }
        return ranges
    }

    static func owners(_ db: Database, mailboxIDs: [MailboxID]) throws -> [MailboxID: AccountID] {
        var owners: [MailboxID: AccountID] = [:]
        for id in Set(mailboxIDs) {
            let statement = try db.cachedStatement(sql: "SELECT account_id FROM mailboxes WHERE id = ?")
            guard let account = try AccountID.fetchOne(statement, arguments: [id]) else {
                throw MailError.noSuchMailbox("#\(id)")
            }
            owners[id] = account
        }
        return owners
    }

    static func checkQuota(_ db: Database, added: [AccountID: Int64]) throws {
        for (account, bytes) in added where bytes > 0 {
            let statement = try db.cachedStatement(sql: "SELECT limit_bytes, used_bytes FROM quotas WHERE account_id = ?")
            guard let row = try Row.fetchOne(statement, arguments: [account]) else { continue }
            let limit: Int64 = row["limit_bytes"]
            let used: Int64 = row["used_bytes"]
            if used + bytes > limit {
                let address = try String.fetchOne(db, sql: "SELECT address FROM accounts WHERE id = ?", arguments: [account]) ?? "#\(account)"
                throw MailError.quotaExceeded(address: address)
            }
        }
    }

    /// Takes the next UID and a new MODSEQ of a mailbox.
    static func allocate(_ db: Database, mailboxID: MailboxID) throws -> (MessageUID, ModSeq) {
        let statement = try db.cachedStatement(sql: """
            UPDATE mailboxes SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1 WHERE id = ?
            RETURNING uid_next - 1 AS uid, highest_modseq
            """)
        guard let row = try Row.fetchOne(statement, arguments: [mailboxID]) else { throw MailError.noSuchMailbox("#\(mailboxID)") }
        let uid: Int64 = row["uid"]
        return (MessageUID(truncatingIfNeeded: uid), row["highest_modseq"])
    }

    static func bumpModSeq(_ db: Database, mailboxID: MailboxID) throws -> ModSeq {
        guard let modseq = try ModSeq.fetchOne(db, sql: """
            UPDATE mailboxes SET highest_modseq = highest_modseq + 1 WHERE id = ? RETURNING highest_modseq
            """, arguments: [mailboxID]) else { throw MailError.noSuchMailbox("#\(mailboxID)") }
        return modseq
    }

    /// Messages left the mailbox: a new modification sequence that IMAP sessions read as "look
    /// for expunged UIDs".
    static func markExpunged(_ db: Database, mailboxID: MailboxID) throws {
        let modseq = try bumpModSeq(db, mailboxID: mailboxID)
        try db.cachedStatement(sql: "UPDATE mailboxes SET expunge_modseq = ? WHERE id = ?").execute(arguments: [modseq, mailboxID])
    }

    static func insertRow(_ db: Database, mailboxID: MailboxID, accountID: AccountID, uid: MessageUID, modSeq: ModSeq,
                          flags: MessageFlags, internalDate: Date, size: Int, blobID: BlobID,
                          summary: MessageSummary) throws -> MessageRecord {
        try db.cachedStatement(sql: """
            INSERT INTO messages (mailbox_id, account_id, uid, modseq, flags, seen, deleted, internal_date, size, blob_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [mailboxID, accountID, Int64(uid), modSeq, flags.serialized, flags.contains(MessageFlags.seen),
                             flags.contains(MessageFlags.deleted), internalDate.timeIntervalSince1970, size, blobID.hex])
        return MessageRecord(id: db.lastInsertedRowID, mailboxID: mailboxID, uid: uid, modSeq: modSeq, flags: flags,
                             internalDate: internalDate, size: size, blobID: blobID, summary: summary)
    }

    /// `moving`: the copies replace the originals (MOVE), so within one account they add nothing
    /// to its usage — an account at or over its quota can still move mail to Trash.
    static func copy(_ db: Database, uids: [MessageUID], from source: MailboxID, to destination: MailboxID,
                     moving: Bool = false) throws -> [UIDMapping] {
        let records = try rows(db, mailboxID: source, uids: uids).map(record)
        guard !records.isEmpty else { return [] }
        let owners = try owners(db, mailboxIDs: [source, destination])
        // Every copy counts against the destination account's quota (within one account too).
        if !(moving && owners[source] == owners[destination]) {
            try checkQuota(db, added: [owners[destination]!: records.reduce(0) { $0 + Int64($1.size) }])
        }
        var mapping: [UIDMapping] = []
        for record in records {
            let (uid, modseq) = try allocate(db, mailboxID: destination)
            _ = try insertRow(db, mailboxID: destination, accountID: owners[destination]!, uid: uid, modSeq: modseq,
                              flags: record.flags, internalDate: record.internalDate, size: record.size,
                              blobID: record.blobID, summary: record.summary)
            mapping.append(UIDMapping(source: record.uid, destination: uid))
        }
        return mapping
    }

    /// Within one account the rows themselves move (a message keeps its id, so the JSON API's id
    /// for it stays valid; it gets a new UID in the destination, as IMAP MOVE requires); into
    /// another account a copy is made there, counted against that account's quota, and the
    /// original removed.
    static func move(_ db: Database, uids: [MessageUID], from source: MailboxID, to destination: MailboxID) throws -> [UIDMapping] {
        let owners = try owners(db, mailboxIDs: [source, destination])
        guard let owner = owners[destination] else { throw MailError.noSuchMailbox("#\(destination)") }
        guard owners[source] == owner else {
            let mapping = try copy(db, uids: uids, from: source, to: destination, moving: true)
            _ = try remove(db, mailboxID: source, uids: mapping.map(\.source), onlyDeleted: false)
            return mapping
        }
        var mapping: [UIDMapping] = []
        for row in try rows(db, mailboxID: source, uids: uids) {
            let (uid, modseq) = try allocate(db, mailboxID: destination)
            try db.cachedStatement(sql: "UPDATE messages SET mailbox_id = ?, uid = ?, modseq = ? WHERE id = ?")
                .execute(arguments: [destination, Int64(uid), modseq, row[0] as Int64])
            mapping.append(UIDMapping(source: MessageUID(truncatingIfNeeded: row[2] as Int64), destination: uid))
        }
        if !mapping.isEmpty { try markExpunged(db, mailboxID: source) }
        return mapping
    }

    static func remove(_ db: Database, mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) throws -> [MessageUID] {
        var candidates: [Row]
        if let uids {
            candidates = try rows(db, mailboxID: mailboxID, uids: uids)
        } else {
            candidates = try Row.fetchAll(db, sql: selectMessages + " WHERE m.mailbox_id = ? ORDER BY m.uid", arguments: [mailboxID])
        }
        var removed: [MessageUID] = []
        for row in candidates {
            let flags = MessageFlags(serialized: row["flags"])
            if onlyDeleted && !flags.contains(MessageFlags.deleted) { continue }
            try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [row["id"] as Int64])
            removed.append(MessageUID(truncatingIfNeeded: row["uid"] as Int64))
        }
        if !removed.isEmpty { try markExpunged(db, mailboxID: mailboxID) }
        return removed
    }

    // MARK: Row mapping

    static func mailbox(_ row: Row) -> Mailbox {
        Mailbox(id: row["id"], accountID: row["account_id"], name: row["name"],
                specialUse: (row["special_use"] as String?).flatMap(SpecialUse.init(rawValue:)),
                uidValidity: UInt32(truncatingIfNeeded: row["uid_validity"] as Int64),
                uidNext: MessageUID(truncatingIfNeeded: row["uid_next"] as Int64),
                highestModSeq: row["highest_modseq"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// A row of ``selectMessages`` (columns by position: decoding by name was a measurable part
    /// of every FETCH).
    static func record(_ row: Row) throws -> MessageRecord {
        MessageRecord(id: row[0], mailboxID: row[1], uid: MessageUID(truncatingIfNeeded: row[2] as Int64),
                      modSeq: row[3], flags: MessageFlags(serialized: row[4]),
                      internalDate: Date(timeIntervalSince1970: row[5]), size: row[6],
                      blobID: BlobID(hex: row[7]), encodedSummary: row[8])
    }
}
