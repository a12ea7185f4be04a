import Foundation
import MailwardMIME

/// Use cases for mail storage that every door shares: provisioning an account's folders,
/// delivering and appending (parse once, store the body once, commit the copies atomically),
/// flags, copy/move/expunge, search. Publishes a `MailboxChange` after every commit.
public struct MailService: Sendable {
    public let store: any MailStore
    public let blobs: any BlobStore
    public let events: MailboxEvents
    public let clock: any WallClock
    public let defaultQuota: Int64
    /// Bodies up to this size are kept in the store (``BodyPlacement/inline(_:)``), larger ones
    /// as files in the `BlobStore`.
    public let inlineBodyLimit: Int
    /// Bodies larger than this keep their parse (``BlobMetadata/parsedJSON``), wherever their
    /// bytes live: parsing them again at every FETCH would cost more than decoding the cache.
    /// The inline limit, at most ``defaultInlineBodyLimit`` (a store that keeps every body,
    /// PostgreSQL, still caches the parse of big ones).
    public let parseCacheThreshold: Int
    /// Indexes the text of new bodies after delivery; ``search(accountID:mailboxID:query:)``
    /// catches it up first.
    public let searchIndex: SearchIndexer
    /// INBOX's id per account, shared by every copy of this service (see there).
    let inboxIDs = InboxIDCache()

    /// Most mail is text of a few kilobytes: kept in the database, where a delivery's body and
    /// rows share one commit. Attachments beyond this go to files.
    public static let defaultInlineBodyLimit = 64 * 1024

    public init(store: any MailStore, blobs: any BlobStore, events: MailboxEvents = MailboxEvents(),
                clock: any WallClock = SystemWallClock(), defaultQuota: Int64 = 10 << 30,
                inlineBodyLimit: Int = MailService.defaultInlineBodyLimit, searchIndex: SearchIndexer? = nil) {
        self.store = store
        self.blobs = blobs
        self.events = events
        self.clock = clock
        self.defaultQuota = defaultQuota
        self.inlineBodyLimit = inlineBodyLimit
        self.parseCacheThreshold = min(inlineBodyLimit, Self.defaultInlineBodyLimit)
        self.searchIndex = searchIndex ?? SearchIndexer(store: store, blobs: blobs)
    }

    // MARK: Folders

    /// Makes sure an account has INBOX and the special-use folders (idempotent).
    public func provision(accountID: AccountID) async throws {
        let existing = Set(try await store.mailboxes(accountID: accountID).map(\.name))
        let wanted: [(String, SpecialUse?)] = [(Mailbox.inbox, nil)] + [SpecialUse.sent, .drafts, .trash, .junk].map { ($0.defaultName, $0) }
        for (name, use) in wanted where !existing.contains(name) {
            do {
                _ = try await store.createMailbox(accountID: accountID, name: name, specialUse: use, createdAt: clock.now)
                try await store.setSubscribed(accountID: accountID, name: name, true)
            } catch MailError.mailboxExists {
                // Another process provisioned it meanwhile.
            } catch MailError.specialUseTaken {
                // The user's own folder has this use (IMAP's CREATE … USE): mail is filed there.
            }
        }
        if try await store.quota(accountID: accountID).limitBytes == .max {
            try await store.setQuotaLimit(accountID: accountID, bytes: defaultQuota)
        }
    }

    public func inbox(accountID: AccountID) async throws -> Mailbox {
        if let inbox = try await store.mailbox(accountID: accountID, name: Mailbox.inbox) { return inbox }
        try await provision(accountID: accountID)
        guard let inbox = try await store.mailbox(accountID: accountID, name: Mailbox.inbox) else {
            throw MailError.noSuchMailbox(Mailbox.inbox)
        }
        return inbox
    }

    /// The folder for `use` — made again (under its default name, subscribed) when the user
    /// deleted it: a Sent copy or a draft must never be dropped because its folder is gone. A
    /// plain folder already carrying the default name is used as it is.
    public func specialMailbox(accountID: AccountID, _ use: SpecialUse) async throws -> Mailbox {
        if let found = try await existingSpecialMailbox(accountID: accountID, use) { return found }
        do {
            let created = try await store.createMailbox(accountID: accountID, name: use.defaultName, specialUse: use, createdAt: clock.now)
            try await store.setSubscribed(accountID: accountID, name: use.defaultName, true)
            return created
        } catch MailError.mailboxExists {
            // Made meanwhile by another session.
            guard let named = try await store.mailbox(accountID: accountID, name: use.defaultName) else { throw MailError.noSuchMailbox(use.defaultName) }
            return named
        } catch MailError.specialUseTaken {
            // Another session gave the use to a folder meanwhile.
            guard let marked = try await mailbox(accountID: accountID, specialUse: use) else { throw MailError.noSuchMailbox(use.defaultName) }
            return marked
        }
    }

    /// Where ``specialMailbox(accountID:_:)`` files, if that folder exists: the folder marked
    /// with `use`, else one that carries its default name.
    public func existingSpecialMailbox(accountID: AccountID, _ use: SpecialUse) async throws -> Mailbox? {
        let folders = try await store.mailboxes(accountID: accountID)
        return folders.first { $0.specialUse == use } ?? folders.first { $0.name == use.defaultName }
    }

    public func mailbox(accountID: AccountID, specialUse: SpecialUse) async throws -> Mailbox? {
        try await store.mailboxes(accountID: accountID).first { $0.specialUse == specialUse }
    }

    /// Creates a folder (and any missing parents). The name is normalized first. A name taken
    /// (`mailboxExists`) and a special use another folder has (`specialUseTaken`: one folder per
    /// use, IMAP's CREATE … USE, RFC 6154 §3) are the store's to refuse, atomically; the folder
    /// itself is made first, so a refused create leaves no parents behind.
    @discardableResult
    public func createMailbox(accountID: AccountID, name rawName: String, specialUse: SpecialUse? = nil) async throws -> Mailbox {
        let name = try MailboxName.normalize(rawName)
        guard !MailboxName.isReserved(name) else { throw MailError.invalidMailboxName(name) }
        let mailbox = try await store.createMailbox(accountID: accountID, name: name, specialUse: specialUse, createdAt: clock.now)
        for parent in MailboxName.ancestors(of: name) where try await store.mailbox(accountID: accountID, name: parent) == nil {
            _ = try? await store.createMailbox(accountID: accountID, name: parent, specialUse: nil, createdAt: clock.now)
        }
        try await store.setSubscribed(accountID: accountID, name: name, true)
        return mailbox
    }

    /// IMAP's RENAME of INBOX (RFC 3501 §6.3.5): a new folder of that name gets INBOX's messages,
    /// and INBOX stays, empty; folders under INBOX are not touched. (``renameMailbox(_:to:)``
    /// refuses INBOX: elsewhere, the webmail's folder list, a rename that empties INBOX would
    /// surprise.) Each step is atomic — a crash between them leaves the new folder empty and
    /// the messages in INBOX.
    @discardableResult
    public func moveInboxMessages(_ inbox: Mailbox, toNewFolder rawName: String) async throws -> Mailbox {
        guard inbox.isInbox else { throw MailError.invalidMailboxName(inbox.name) }
        let folder = try await createMailbox(accountID: inbox.accountID, name: rawName)
        let uids = try await store.messageSizes(mailboxID: inbox.id).map(\.uid)
        if !uids.isEmpty { _ = try await move(uids: uids, from: inbox.id, to: folder.id) }
        return folder
    }

    public func renameMailbox(_ mailbox: Mailbox, to rawName: String) async throws {
        guard !mailbox.isInbox else { throw MailError.invalidMailboxName(Mailbox.inbox) }
        let name = try MailboxName.normalize(rawName)
        guard name != Mailbox.inbox, !name.hasPrefix(mailbox.name + "/"), !MailboxName.isReserved(name) else {
            throw MailError.invalidMailboxName(name)
        }
        for parent in MailboxName.ancestors(of: name) where try await store.mailbox(accountID: mailbox.accountID, name: parent) == nil {
            _ = try? await store.createMailbox(accountID: mailbox.accountID, name: parent, specialUse: nil, createdAt: clock.now)
        }
        try await store.renameMailbox(id: mailbox.id, to: name)
        let subscribed = try await store.subscriptions(accountID: mailbox.accountID)
        for old in subscribed where old == mailbox.name || old.hasPrefix(mailbox.name + "/") {
            try await store.setSubscribed(accountID: mailbox.accountID, name: old, false)
            try await store.setSubscribed(accountID: mailbox.accountID, name: name + old.dropFirst(mailbox.name.count), true)
        }
        events.publish(.renamed, in: mailbox.id)
    }

    /// Deletes a folder and its messages. A folder with child folders is refused (as Dovecot
    /// does): deleting it would leave the children listed under a parent that is gone.
    public func deleteMailbox(_ mailbox: Mailbox) async throws {
        guard !mailbox.isInbox else { throw MailError.cannotDeleteInbox }
        let children = try await store.mailboxes(accountID: mailbox.accountID).contains { $0.name.hasPrefix(mailbox.name + "/") }
        guard !children else { throw MailError.hasChildren(mailbox.name) }
        try await store.deleteMailbox(id: mailbox.id)
        try await store.setSubscribed(accountID: mailbox.accountID, name: mailbox.name, false)
        events.publish(.deleted, in: mailbox.id)
        try await collectGarbage()
    }

    // MARK: Delivery and append

    /// Stores one received message for several accounts: parsed once, the body written once,
    /// all INBOX copies committed in one transaction. Returns only once durable. The full-text
    /// index takes the text in afterwards (``SearchIndexer``).
    /// `folder`: a special-use folder instead of INBOX (`.junk` for what a spam filter flagged).
    public func deliver(_ raw: [UInt8], to accountIDs: [AccountID], internalDate: Date? = nil,
                        folder: SpecialUse? = nil) async throws -> [MessageRecord] {
        let date = internalDate ?? clock.now
        func copies() async throws -> [NewMessageCopy] {
            var copies: [NewMessageCopy] = []
            for accountID in accountIDs {
                let mailboxID = if let folder { try await specialMailbox(accountID: accountID, folder).id } else { try await inboxID(accountID: accountID) }
                copies.append(NewMessageCopy(mailboxID: mailboxID, internalDate: date))
            }
            return copies
        }
        do {
            return try await insert(raw, copies: try await copies())
        } catch MailError.noSuchMailbox where folder == nil {
            // A remembered INBOX whose account was removed (and maybe made again): asked afresh,
            // the account's INBOX now, or the refusal of an account that is gone.
            inboxIDs.forget(accountIDs)
            return try await insert(raw, copies: try await copies())
        }
    }

    /// ``deliver(_:to:internalDate:folder:)`` to every account with room for the message: one
    /// full mailbox neither refuses nor holds up the other recipients' copies. The accounts left
    /// out are returned, each with its ``QuotaRoom`` (`.notNow` or `.never`), for the caller to
    /// refuse, retry or bounce (when none had room, nothing was stored). `quotaExceeded` is
    /// thrown only when space ran out between the check and the delivery.
    public func deliverWhereRoom(_ raw: [UInt8], to accountIDs: [AccountID], internalDate: Date? = nil,
                                 folder: SpecialUse? = nil) async throws -> (records: [MessageRecord], full: [AccountID: QuotaRoom]) {
        do {
            return (try await deliver(raw, to: accountIDs, internalDate: internalDate, folder: folder), [:])
        } catch MailError.quotaExceeded(let address) {
            var full: [AccountID: QuotaRoom] = [:]
            for accountID in accountIDs {
                let room = try await store.quota(accountID: accountID).room(for: Int64(raw.count))
                if room != .fits { full[accountID] = room }
            }
            // Room everywhere, yet refused: space ran out meanwhile.
            guard !full.isEmpty else { throw MailError.quotaExceeded(address: address) }
            let rest = accountIDs.filter { full[$0] == nil }
            return (rest.isEmpty ? [] : try await deliver(raw, to: rest, internalDate: internalDate, folder: folder), full)
        }
    }

    /// INBOX's id, remembered per account (``InboxIDCache``); the folder is made if missing.
    func inboxID(accountID: AccountID) async throws -> MailboxID {
        if let id = inboxIDs.id(of: accountID) { return id }
        let id = try await inbox(accountID: accountID).id
        inboxIDs.remember(id, of: accountID)
        return id
    }

    /// Stores one message into one mailbox (drafts, sent copies; a client's IMAP APPEND goes
    /// through ``appendFromClient(_:to:flags:internalDate:)``).
    public func append(_ raw: [UInt8], to mailboxID: MailboxID, flags: MessageFlags = [], internalDate: Date? = nil) async throws -> MessageRecord {
        try await insert(raw, copies: [NewMessageCopy(mailboxID: mailboxID, flags: flags, internalDate: internalDate ?? clock.now)])[0]
    }

    /// Inserts copies of one body into several mailboxes at once.
    public func insert(_ raw: [UInt8], copies: [NewMessageCopy]) async throws -> [MessageRecord] {
        guard !copies.isEmpty else { return [] }
        guard !raw.isEmpty else { throw MailError.emptyMessage }
        return try await insert(raw, copies: copies, metadata: try Self.metadata(of: raw, cachingParse: raw.count > parseCacheThreshold))
    }

    /// ``insert(_:copies:)`` with the parse already made.
    func insert(_ raw: [UInt8], copies: [NewMessageCopy], metadata: BlobMetadata) async throws -> [MessageRecord] {
        let (blobID, body) = try await BodyPlacement.choose(for: raw, inlineLimit: inlineBodyLimit, blobs: blobs)
        let records: [MessageRecord]
        do {
            records = try await store.insertCopies(copies, blobID: blobID, metadata: metadata, body: body)
        } catch {
            // Refused (over quota) or failed: the body file written first goes again, unless
            // another message has the same body.
            if case .blobStore = body { await discardIfUnreferenced(blobID) }
            throw error
        }
        for (mailboxID, group) in Dictionary(grouping: records, by: \.mailboxID) {
            events.publish(.appended(group.map(\.uid)), in: mailboxID)
        }
        searchIndex.noteNewBodies()
        return records
    }

    /// Parses a message once: the summary for lists and, with `cachingParse` (bodies kept as
    /// files, which would be costly to read and parse again), the parse for IMAP and webmail.
    public static func metadata(of raw: [UInt8], cachingParse: Bool) throws -> BlobMetadata {
        let parsed = MIMEParser.parse(raw, searchText: false)
        let to = parsed.headers(named: "To").flatMap(AddressParser.parse).map(\.formatted).joined(separator: ", ")
        let summary = MessageSummary(
            subject: parsed.subject ?? "", fromName: parsed.from.first?.displayName, fromAddress: parsed.from.first?.address,
            to: to, date: parsed.date, preview: parsed.preview, hasAttachments: parsed.hasAttachments,
            messageIDHeader: parsed.header("Message-ID").map(EmailAddress.trimmingBlanks))
        return BlobMetadata(size: raw.count, summary: summary, parsedJSON: cachingParse ? try JSONEncoder().encode(parsed) : nil)
    }

    // MARK: Reading

    public func raw(_ record: MessageRecord) async throws -> [UInt8] {
        if let inline = try await store.inlineBody(blobID: record.blobID) { return inline }
        return try await blobs.get(record.blobID)
    }

    /// Bodies larger than this are read in pieces (``raw(_:range:)``) by the doors that send them
    /// whole — IMAP FETCH, POP3 RETR — rather than held in memory.
    public static let piecewiseReadThreshold = 1 << 20

    /// How much of a large body to read at a time with ``raw(_:range:)``: a quarter of a MiB from
    /// a body file; 8 MiB from a store that keeps every body in its rows (PostgreSQL), where a
    /// compressed value is decompressed from its start for each piece — 256 KiB pieces of a
    /// compressible 50 MiB body would decompress 5 GB; 8 MiB ones decompress 3.5 times the body.
    public var readPieceSize: Int { inlineBodyLimit == .max ? 8 << 20 : 256 << 10 }

    /// Bytes `range` of a message's body (clamped to it), without reading the rest: from the
    /// store when it keeps the body, else from the `BlobStore`.
    public func raw(_ record: MessageRecord, range: Range<Int>) async throws -> [UInt8] {
        if let inline = try await store.inlineBody(blobID: record.blobID, range: range) { return inline }
        return try await blobs.read(record.blobID, range: range)
    }

    /// The small bodies (at most ``parseCacheThreshold`` each) of many records in one store read,
    /// so a batch stays small even where the store keeps big bodies too; the others are absent —
    /// read those one at a time with ``raw(_:)``.
    public func inlineBodies(_ records: [MessageRecord]) async throws -> [BlobID: [UInt8]] {
        let small = records.filter { $0.size <= parseCacheThreshold }.map(\.blobID)
        return small.isEmpty ? [:] : try await store.inlineBodies(blobIDs: small)
    }

    /// The message parsed (envelope, body structure, headers; no search text): a small body —
    /// `raw` when the caller has it — is parsed afresh, a body kept as a file comes from the
    /// parse cached at delivery.
    public func parsed(_ record: MessageRecord, raw: [UInt8]? = nil) async throws -> ParsedMessage {
        if let raw, raw.count <= parseCacheThreshold { return MIMEParser.parse(raw, searchText: false) }
        if let json = try await store.parsedJSON(blobID: record.blobID) {
            return try JSONDecoder().decode(ParsedMessage.self, from: json)
        }
        if let raw { return MIMEParser.parse(raw, searchText: false) }
        return MIMEParser.parse(try await self.raw(record), searchText: false)
    }

    /// Walks `records` in order with each one's top-level header fields (nil when its body is
    /// gone), small bodies read fifty at a time — IMAP SEARCH on headers over a whole folder. Only
    /// the header section of a small body is parsed (``MIMEParser/headerFields(_:)``); a big one's
    /// come from the parse cached at delivery. Between batches the task yields: the reads and
    /// parses are synchronous and run on an event loop, and a folder of 100 000 messages took
    /// seconds during which that loop's other sessions (IMAP, the MX door) got no turn. `body`
    /// runs in the caller's isolation (an IMAP session's actor), so it may touch the caller's state.
    public func forEachHeader(_ records: [MessageRecord], isolation: isolated (any Actor)? = #isolation,
                              _ body: (MessageRecord, [HeaderField]?) async throws -> Void) async throws {
        for start in stride(from: 0, to: records.count, by: 50) {
            if start > 0 { await Task.yield() }
            let chunk = Array(records[start..<min(start + 50, records.count)])
            let bodies = try await inlineBodies(chunk)
            for record in chunk {
                if let raw = bodies[record.blobID] {
                    try await body(record, MIMEParser.headerFields(raw))
                } else {
                    try await body(record, (try? await parsed(record))?.headers)
                }
            }
        }
    }

    /// The words a search query looks for, each of which must appear.
    public static func searchTerms(_ query: String) -> [String] {
        query.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// Full-text search; the query's words must all appear (any language, any length). Every
    /// message stored before the call is searched (the index catches up first).
    public func search(accountID: AccountID, mailboxID: MailboxID? = nil, query: String) async throws -> [MessageID] {
        let terms = Self.searchTerms(query)
        guard terms.contains(where: { !$0.isEmpty }) else { return [] }
        await searchIndex.catchUp()
        return try await store.searchText(accountID: accountID, mailboxID: mailboxID, terms: terms)
    }

    // MARK: Changes

    /// Stores flags. A keyword new to the mailbox is refused past ``KeywordLimit/perMailbox``
    /// (`MailError.tooManyKeywords`); `census` tells which keywords the mailbox's messages use
    /// when the caller knows (an IMAP session's snapshot), else they are read from the store —
    /// only when keywords are stored.
    public func updateFlags(mailboxID: MailboxID, uids: [MessageUID], change: FlagChange,
                            unchangedSince: ModSeq? = nil, census: (any KeywordCensus)? = nil) async throws -> FlagUpdateResult {
        try await checkKeywordLimit(change, on: uids, in: mailboxID, census: census)
        let result = try await store.updateFlags(mailboxID: mailboxID, uids: uids, change: change, unchangedSince: unchangedSince)
        if !result.updated.isEmpty { events.publish(.flagsChanged(result.updated.map(\.uid)), in: mailboxID) }
        return result
    }

    /// Copies messages; they keep the keywords that fit into the destination (``KeywordLimit``).
    /// `census` tells the source's flags when the caller knows them.
    public func copy(uids: [MessageUID], from source: MailboxID, to destination: MailboxID,
                     census: (any KeywordCensus)? = nil) async throws -> [UIDMapping] {
        let excess = try await keywordsOverLimit(carriedBy: uids, from: source, to: destination, census: census)
        let mapping = try await store.copyMessages(uids: uids, from: source, to: destination)
        try await dropKeywords(excess, from: mapping, in: destination)
        if !mapping.isEmpty { events.publish(.appended(mapping.map(\.destination)), in: destination) }
        return mapping
    }

    /// Moves messages; they keep the keywords that fit into the destination (``KeywordLimit``).
    public func move(uids: [MessageUID], from source: MailboxID, to destination: MailboxID,
                     census: (any KeywordCensus)? = nil) async throws -> [UIDMapping] {
        let excess = try await keywordsOverLimit(carriedBy: uids, from: source, to: destination, census: census)
        let mapping = try await store.moveMessages(uids: uids, from: source, to: destination)
        try await dropKeywords(excess, from: mapping, in: destination)
        if !mapping.isEmpty {
            events.publish(.appended(mapping.map(\.destination)), in: destination)
            events.publish(.expunged(mapping.map(\.source)), in: source)
        }
        return mapping
    }

    /// Removes messages for good: IMAP EXPUNGE (`onlyDeleted`), emptying Trash, POP3 DELE at QUIT.
    public func remove(mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) async throws -> [MessageUID] {
        let removed = try await store.removeMessages(mailboxID: mailboxID, uids: uids, onlyDeleted: onlyDeleted)
        if !removed.isEmpty {
            events.publish(.expunged(removed), in: mailboxID)
            try await collectGarbage()
        }
        return removed
    }

    /// Deletes a body file no message names (best effort: the periodic sweep finds what this misses).
    func discardIfUnreferenced(_ blobID: BlobID) async {
        let blobs = self.blobs
        try? await store.reconcileBodies([blobID]) { id, referenced in
            if !referenced { try blobs.delete(id) }
        }
    }

    /// Deletes bodies no copy references any more.
    @discardableResult
    public func collectGarbage() async throws -> Int {
        let blobs = self.blobs
        return try await store.collectGarbage { try blobs.delete($0) }
    }
}
