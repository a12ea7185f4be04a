import Foundation
import MailwardCore

/// The in-memory twin of `MailStore` (same rules, checked by the conformance suite).
public actor InMemoryMailStore: MailStore {
    struct Blob {
        var size: Int
        var refcount: Int
        var metadata: BlobMetadata
        /// The bytes of an inline body (`BodyPlacement.inline`).
        var body: [UInt8]?
        /// Insertion order (`unindexedBodies` lists the oldest first).
        var serial: Int
        /// The text given to `addToTextIndex`; nil while the body waits for the index.
        var indexedText: String?
    }

    private var mailboxesByID: [MailboxID: Mailbox] = [:]
    /// The MODSEQ of each mailbox's latest expunge (see `MailboxChanges`).
    private var expungeModSeqs: [MailboxID: ModSeq] = [:]
    private var messagesByID: [MessageID: MessageRecord] = [:]
    private var blobs: [BlobID: Blob] = [:]
    private var subscriptionsByAccount: [AccountID: Set<String>] = [:]
    private var quotaLimits: [AccountID: Int64] = [:]
    private var autoReplies: [AccountID: AutoReply] = [:]
    /// Per account, when each sender was last answered automatically.
    private var autoReplied: [AccountID: [String: Date]] = [:]
    private var maildropLeases: [AccountID: (holder: String, until: Date)] = [:]
    /// Per mailbox, the highest UID claimed as `\Recent` (absent: 0).
    private var recentMarks: [MailboxID: MessageUID] = [:]
    private var lastUIDValidity: Int64 = 0
    private var nextMailboxID: MailboxID = 1
    private var nextMessageID: MessageID = 1
    private var nextBlobSerial = 0

    public init() {}

    // MARK: Mailboxes

    public func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?, createdAt: Date) throws -> Mailbox {
        guard !mailboxesByID.values.contains(where: { $0.accountID == accountID && $0.name == name }) else {
            throw MailError.mailboxExists(name)
        }
        if let specialUse, mailboxesByID.values.contains(where: { $0.accountID == accountID && $0.specialUse == specialUse }) {
            throw MailError.specialUseTaken(specialUse)
        }
        var validity = max(lastUIDValidity + 1, Int64(createdAt.timeIntervalSince1970))
        if validity > Int64(UInt32.max) { validity = lastUIDValidity + 1 }
        lastUIDValidity = validity
        let mailbox = Mailbox(id: nextMailboxID, accountID: accountID, name: name, specialUse: specialUse,
                              uidValidity: UInt32(truncatingIfNeeded: validity), uidNext: 1, highestModSeq: 1, createdAt: createdAt)
        nextMailboxID += 1
        mailboxesByID[mailbox.id] = mailbox
        return mailbox
    }

    public func mailboxes(accountID: AccountID) -> [Mailbox] {
        mailboxesByID.values.filter { $0.accountID == accountID }.sorted { $0.name < $1.name }
    }

    public func mailbox(id: MailboxID) -> Mailbox? { mailboxesByID[id] }

    public func mailbox(accountID: AccountID, name: String) -> Mailbox? {
        mailboxesByID.values.first { $0.accountID == accountID && $0.name == name }
    }

    public func renameMailbox(id: MailboxID, to newName: String) throws {
        guard let mailbox = mailboxesByID[id] else { throw MailError.noSuchMailbox("#\(id)") }
        let taken = mailboxesByID.values.contains {
            $0.accountID == mailbox.accountID && ($0.name == newName || $0.name.hasPrefix(newName + "/"))
        }
        if taken { throw MailError.mailboxExists(newName) }
        let prefix = mailbox.name + "/"
        for (key, var other) in mailboxesByID where other.accountID == mailbox.accountID && other.name.hasPrefix(prefix) {
            other.name = newName + "/" + other.name.dropFirst(prefix.count)
            mailboxesByID[key] = other
        }
        mailboxesByID[id]?.name = newName
    }

    public func deleteMailbox(id: MailboxID) throws {
        guard mailboxesByID[id] != nil else { throw MailError.noSuchMailbox("#\(id)") }
        for message in messagesByID.values where message.mailboxID == id { release(message) }
        mailboxesByID[id] = nil
    }

    public func counts(mailboxID: MailboxID) -> MailboxCounts {
        let messages = messagesByID.values.filter { $0.mailboxID == mailboxID }
        return MailboxCounts(messages: messages.count, unseen: messages.filter { !$0.flags.contains(MessageFlags.seen) }.count,
                             size: messages.reduce(0) { $0 + Int64($1.size) })
    }

    public func setSubscribed(accountID: AccountID, name: String, _ subscribed: Bool) {
        if subscribed {
            subscriptionsByAccount[accountID, default: []].insert(name)
        } else {
            subscriptionsByAccount[accountID]?.remove(name)
        }
    }

    public func subscriptions(accountID: AccountID) -> [String] {
        (subscriptionsByAccount[accountID] ?? []).sorted()
    }

    // MARK: Messages

    public func insertCopies(_ copies: [NewMessageCopy], blobID: BlobID, metadata: BlobMetadata,
                             body: BodyPlacement) throws -> [MessageRecord] {
        guard !copies.isEmpty else { return [] }
        var added: [AccountID: Int64] = [:]
        for copy in copies {
            guard let mailbox = mailboxesByID[copy.mailboxID] else { throw MailError.noSuchMailbox("#\(copy.mailboxID)") }
            added[mailbox.accountID, default: 0] += Int64(metadata.size)
        }
        try checkQuota(added)
        if blobs[blobID] == nil {
            nextBlobSerial += 1
            blobs[blobID] = Blob(size: metadata.size, refcount: 0, metadata: metadata, serial: nextBlobSerial)
        }
        switch body {
        case .inline(let bytes): if blobs[blobID]?.body == nil { blobs[blobID]?.body = bytes }
        case .blobStore(let ensure): try ensure()
        }
        return copies.map { copy in
            insert(mailboxID: copy.mailboxID, flags: copy.flags, internalDate: copy.internalDate, size: metadata.size,
                   blobID: blobID, summary: metadata.summary)
        }
    }

    public func messages(mailboxID: MailboxID) -> [MessageRecord] {
        messagesByID.values.filter { $0.mailboxID == mailboxID }.sorted { $0.uid < $1.uid }
    }

    public func messageSizes(mailboxID: MailboxID) -> [MessageSize] {
        messages(mailboxID: mailboxID).map { MessageSize(uid: $0.uid, size: $0.size) }
    }

    public func messagePage(mailboxID: MailboxID, offset: Int, limit: Int) -> (total: Int, records: [MessageRecord]) {
        let all = messages(mailboxID: mailboxID).sorted { ($0.internalDate, $0.uid) > ($1.internalDate, $1.uid) }
        return (all.count, Array(all.dropFirst(max(0, offset)).prefix(max(0, limit))))
    }

    public func changes(mailboxID: MailboxID, since: ModSeq) -> MailboxChanges? {
        guard let mailbox = mailboxesByID[mailboxID] else { return nil }
        guard mailbox.highestModSeq != since else {
            return MailboxChanges(since: since, highestModSeq: mailbox.highestModSeq, uids: nil, changed: [])
        }
        let all = messages(mailboxID: mailboxID)
        let expunged = since > 0 && expungeModSeqs[mailboxID, default: 0] > since
        return MailboxChanges(since: since, highestModSeq: mailbox.highestModSeq, uids: expunged ? all.map(\.uid) : nil,
                              changed: all.filter { $0.modSeq > since }.map { MessageState(uid: $0.uid, modSeq: $0.modSeq, flags: $0.flags) })
    }

    public func messages(mailboxID: MailboxID, uids: [MessageUID]) -> [MessageRecord] {
        let wanted = Set(uids)
        return messages(mailboxID: mailboxID).filter { wanted.contains($0.uid) }
    }

    public func message(id: MessageID) -> MessageRecord? { messagesByID[id] }

    public func inlineBody(blobID: BlobID) -> [UInt8]? { blobs[blobID]?.body }

    public func inlineBody(blobID: BlobID, range: Range<Int>) -> [UInt8]? {
        blobs[blobID]?.body.map { Array($0[range.clamped(to: $0.indices)]) }
    }

    public func inlineBodies(blobIDs: [BlobID]) -> [BlobID: [UInt8]] {
        var bodies: [BlobID: [UInt8]] = [:]
        for id in blobIDs { bodies[id] = blobs[id]?.body }
        return bodies
    }

    public func parsedJSON(blobID: BlobID) -> Data? { blobs[blobID]?.metadata.parsedJSON }

    public func updateFlags(mailboxID: MailboxID, uids: [MessageUID], change: FlagChange,
                            unchangedSince: ModSeq?) throws -> FlagUpdateResult {
        let plan = FlagChangePlan(records: messages(mailboxID: mailboxID, uids: uids), change: change,
                                  unchangedSince: unchangedSince)
        guard !plan.changes.isEmpty else { return plan.result(modSeq: nil) }
        let result = plan.result(modSeq: try bumpModSeq(mailboxID))
        for record in result.updated { messagesByID[record.id] = record }
        return result
    }

    public func copyMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) throws -> [UIDMapping] {
        try copy(uids: uids, from: source, to: destination, moving: false)
    }

    private func copy(uids: [MessageUID], from source: MailboxID, to destination: MailboxID, moving: Bool) throws -> [UIDMapping] {
        let records = messages(mailboxID: source, uids: uids)
        guard !records.isEmpty else { return [] }
        guard let target = mailboxesByID[destination] else { throw MailError.noSuchMailbox("#\(destination)") }
        // A move within one account adds nothing to its usage.
        if !(moving && mailboxesByID[source]?.accountID == target.accountID) {
            try checkQuota([target.accountID: records.reduce(0) { $0 + Int64($1.size) }])
        }
        return records.map { record in
            let copy = insert(mailboxID: destination, flags: record.flags, internalDate: record.internalDate,
                              size: record.size, blobID: record.blobID, summary: record.summary)
            return UIDMapping(source: record.uid, destination: copy.uid)
        }
    }

    public func moveMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) throws -> [UIDMapping] {
        guard let target = mailboxesByID[destination] else { throw MailError.noSuchMailbox("#\(destination)") }
        guard mailboxesByID[source]?.accountID == target.accountID else {
            let mapping = try copy(uids: uids, from: source, to: destination, moving: true)
            _ = try removeMessages(mailboxID: source, uids: mapping.map(\.source), onlyDeleted: false)
            return mapping
        }
        // Within one account the message itself moves: same id, a new UID in the destination.
        var mapping: [UIDMapping] = []
        for var record in messages(mailboxID: source, uids: uids) {
            let uid = mailboxesByID[destination]!.uidNext
            mailboxesByID[destination]!.uidNext += 1
            mapping.append(UIDMapping(source: record.uid, destination: uid))
            record.mailboxID = destination
            record.uid = uid
            record.modSeq = try bumpModSeq(destination)
            messagesByID[record.id] = record
        }
        if !mapping.isEmpty { expungeModSeqs[source] = try bumpModSeq(source) }
        return mapping
    }

    public func removeMessages(mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) throws -> [MessageUID] {
        let candidates = uids.map { messages(mailboxID: mailboxID, uids: $0) } ?? messages(mailboxID: mailboxID)
        let removed = candidates.filter { !onlyDeleted || $0.flags.contains(MessageFlags.deleted) }
        for record in removed { release(record) }
        if !removed.isEmpty { expungeModSeqs[mailboxID] = try bumpModSeq(mailboxID) }
        return removed.map(\.uid)
    }

    // MARK: Search and quota

    public func searchText(accountID: AccountID, mailboxID: MailboxID?, terms: [String]) -> [MessageID] {
        let terms = terms.filter { !$0.isEmpty }.map { $0.lowercased() }
        guard !terms.isEmpty else { return [] }
        return messagesByID.values
            .filter { record in
                guard let mailbox = mailboxesByID[record.mailboxID], mailbox.accountID == accountID,
                      mailboxID == nil || record.mailboxID == mailboxID,
                      let text = blobs[record.blobID]?.indexedText?.lowercased() else { return false }
                return terms.allSatisfy { text.contains($0) }
            }
            .sorted { ($0.internalDate, $0.id) > ($1.internalDate, $1.id) }
            .map(\.id)
    }

    public func unindexedBodies(limit: Int) -> [UnindexedBody] {
        blobs.filter { $0.value.indexedText == nil }.sorted { $0.value.serial < $1.value.serial }.prefix(limit)
            .map { UnindexedBody(blobID: $0.key, inlineBody: $0.value.body) }
    }

    public func addToTextIndex(_ texts: [(blobID: BlobID, text: String)]) {
        for (blobID, text) in texts where blobs[blobID] != nil && blobs[blobID]?.indexedText == nil {
            blobs[blobID]?.indexedText = text
        }
    }

    public func quota(accountID: AccountID) -> QuotaUsage {
        QuotaUsage(usedBytes: used(accountID), limitBytes: quotaLimits[accountID] ?? .max)
    }

    public func setQuotaLimit(accountID: AccountID, bytes: Int64) {
        quotaLimits[accountID] = bytes
    }

    public func autoReply(accountID: AccountID) -> AutoReply? {
        autoReplies[accountID]
    }

    public func setAutoReply(accountID: AccountID, _ reply: AutoReply?) {
        autoReplies[accountID] = reply
        autoReplied[accountID] = nil
    }

    public func accountsWithAutoReply() -> [AccountID] {
        autoReplies.filter(\.value.enabled).map(\.key).sorted()
    }

    public func takeAutoReplyTurn(accountID: AccountID, sender: String, now: Date, interval: TimeInterval) -> Bool {
        var answered = autoReplied[accountID, default: [:]].filter { $0.value > now - interval }
        defer { autoReplied[accountID] = answered }
        guard answered[sender] == nil else { return false }
        answered[sender] = now
        return true
    }

    public func reconcileBodies(_ candidates: [BlobID], handle: @escaping @Sendable (BlobID, Bool) throws -> Void) throws {
        for id in candidates { try handle(id, blobs[id] != nil) }
    }

    public func collectGarbage(deleteBody: @escaping @Sendable (BlobID) throws -> Void) throws -> Int {
        let unreferenced = blobs.filter { $0.value.refcount <= 0 }.map(\.key)
        for id in unreferenced { blobs[id] = nil }
        for id in unreferenced { try deleteBody(id) }
        return unreferenced.count
    }

    public func acquireMaildropLease(_ account: AccountID, holder: String, now: Date, until: Date) -> Bool {
        if let lease = maildropLeases[account], lease.holder != holder, lease.until > now { return false }
        maildropLeases[account] = (holder, until)
        return true
    }

    public func releaseMaildropLease(_ account: AccountID, holder: String) {
        if maildropLeases[account]?.holder == holder { maildropLeases[account] = nil }
    }

    public func claimRecent(mailboxID: MailboxID) throws -> ClosedRange<MessageUID>? {
        guard let mailbox = mailboxesByID[mailboxID] else { throw MailError.noSuchMailbox("\(mailboxID)") }
        let mark = recentMarks[mailboxID] ?? 0, last = mailbox.uidNext - 1
        guard last > mark else { return nil }
        recentMarks[mailboxID] = last
        return (mark + 1)...last
    }

    public func recentMessages(mailboxID: MailboxID) throws -> RecentMessages {
        guard mailboxesByID[mailboxID] != nil else { throw MailError.noSuchMailbox("\(mailboxID)") }
        let mark = recentMarks[mailboxID] ?? 0
        return RecentMessages(claimedThrough: mark,
                              count: messagesByID.values.filter { $0.mailboxID == mailboxID && $0.uid > mark }.count)
    }

    // MARK: Helpers

    private func used(_ accountID: AccountID) -> Int64 {
        messagesByID.values.reduce(0) { total, record in
            mailboxesByID[record.mailboxID]?.accountID == accountID ? total + Int64(record.size) : total
        }
    }

    private func checkQuota(_ added: [AccountID: Int64]) throws {
        for (account, bytes) in added where bytes > 0 {
            if let limit = quotaLimits[account], used(account) + bytes > limit {
                throw MailError.quotaExceeded(address: "#\(account)")
            }
        }
    }

    private func bumpModSeq(_ mailboxID: MailboxID) throws -> ModSeq {
        guard mailboxesByID[mailboxID] != nil else { throw MailError.noSuchMailbox("#\(mailboxID)") }
        mailboxesByID[mailboxID]!.highestModSeq += 1
        return mailboxesByID[mailboxID]!.highestModSeq
    }

    private func insert(mailboxID: MailboxID, flags: MessageFlags, internalDate: Date, size: Int, blobID: BlobID,
                        summary: MessageSummary) -> MessageRecord {
        let uid = mailboxesByID[mailboxID]!.uidNext
        mailboxesByID[mailboxID]!.uidNext += 1
        mailboxesByID[mailboxID]!.highestModSeq += 1
        let record = MessageRecord(id: nextMessageID, mailboxID: mailboxID, uid: uid,
                                   modSeq: mailboxesByID[mailboxID]!.highestModSeq, flags: flags,
                                   internalDate: internalDate, size: size, blobID: blobID, summary: summary)
        nextMessageID += 1
        messagesByID[record.id] = record
        blobs[blobID]?.refcount += 1
        return record
    }

    private func release(_ record: MessageRecord) {
        messagesByID[record.id] = nil
        blobs[record.blobID]?.refcount -= 1
    }
}
