import Foundation

/// The port for mailboxes and message copies (metadata; bodies live in a `BlobStore`).
///
/// Rules every implementation keeps (checked by the conformance suite):
/// - UIDs in a mailbox strictly increase and are never reused; `uidNext` only grows.
/// - Every change to a mailbox's messages (insert, flag change, expunge) takes a new MODSEQ
///   from the mailbox's `highestModSeq`, which only grows.
/// - A new mailbox gets a UIDVALIDITY never given before in this store, so a deleted and
///   re-created name is never confused with the old one.
/// - Each copy holds one reference on its blob; `collectGarbage` removes blobs nobody references.
/// - Quota usage changes in the same transaction as the copies it counts; an insert that would
///   exceed an account's limit changes nothing and throws `MailError.quotaExceeded`.
public protocol MailStore: Sendable {
    // MARK: Mailboxes
    /// Throws `MailError.mailboxExists` for a name the account has, and
    /// `MailError.specialUseTaken` for a special use one of its folders has.
    func createMailbox(accountID: AccountID, name: String, specialUse: SpecialUse?, createdAt: Date) async throws -> Mailbox
    func mailboxes(accountID: AccountID) async throws -> [Mailbox]
    func mailbox(id: MailboxID) async throws -> Mailbox?
    func mailbox(accountID: AccountID, name: String) async throws -> Mailbox?
    /// Renames a mailbox and every mailbox below it (`a` → `b` also renames `a/x` → `b/x`).
    func renameMailbox(id: MailboxID, to newName: String) async throws
    /// Deletes a mailbox and its messages (not its children).
    func deleteMailbox(id: MailboxID) async throws
    func counts(mailboxID: MailboxID) async throws -> MailboxCounts
    func setSubscribed(accountID: AccountID, name: String, _ subscribed: Bool) async throws
    func subscriptions(accountID: AccountID) async throws -> [String]

    // MARK: Messages
    /// Inserts copies of one body (a delivery to several recipients, or one APPEND) in one
    /// transaction; `body` says where the bytes go (see ``BodyPlacement``), so a committed copy
    /// never points at a missing body.
    func insertCopies(_ copies: [NewMessageCopy], blobID: BlobID, metadata: BlobMetadata,
                      body: BodyPlacement) async throws -> [MessageRecord]
    /// The bytes of a body kept in the store itself (``BodyPlacement/inline(_:)``); nil when the
    /// body lives in the `BlobStore`.
    func inlineBody(blobID: BlobID) async throws -> [UInt8]?
    /// Bytes `range` of a body kept in the store (clamped to the body's length), read without
    /// the rest of it — a FETCH streams a large message this way; nil when the body lives in
    /// the `BlobStore`.
    func inlineBody(blobID: BlobID, range: Range<Int>) async throws -> [UInt8]?
    /// ``inlineBody(blobID:)`` for many bodies in one read (a FETCH of many messages); bodies
    /// kept in the `BlobStore` are simply absent.
    func inlineBodies(blobIDs: [BlobID]) async throws -> [BlobID: [UInt8]]
    /// All copies in a mailbox, in UID order.
    func messages(mailboxID: MailboxID) async throws -> [MessageRecord]
    /// Every copy's UID and size, in UID order, without the rest of the record (a POP3 login
    /// lists a whole INBOX: 89 000 full records took half a second).
    func messageSizes(mailboxID: MailboxID) async throws -> [MessageSize]
    /// One page of a mailbox, newest first (internal date, then UID, both descending), and how
    /// many copies the mailbox holds: a list view reads only what it shows.
    func messagePage(mailboxID: MailboxID, offset: Int, limit: Int) async throws -> (total: Int, records: [MessageRecord])
    func messages(mailboxID: MailboxID, uids: [MessageUID]) async throws -> [MessageRecord]
    /// The light read that keeps an IMAP session's snapshot in step: HIGHESTMODSEQ, and unless it
    /// is still `since`, every UID and the states with a MODSEQ above `since`. `since` 0 gives
    /// every message's state (SELECT). Nil when the mailbox no longer exists.
    func changes(mailboxID: MailboxID, since: ModSeq) async throws -> MailboxChanges?
    func message(id: MessageID) async throws -> MessageRecord?
    /// The cached parse of a body (JSON of `ParsedMessage` without search text); nil when none
    /// was cached (``BlobMetadata/parsedJSON``) or the body is gone.
    func parsedJSON(blobID: BlobID) async throws -> Data?
    func updateFlags(mailboxID: MailboxID, uids: [MessageUID], change: FlagChange,
                     unchangedSince: ModSeq?) async throws -> FlagUpdateResult
    /// Copies messages to another mailbox (new UIDs there, same flags and internal date).
    func copyMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping]
    /// Copies then removes from the source, atomically. Between mailboxes of one account the
    /// message itself moves: it keeps its ``MessageRecord/id`` (and flags, internal date), with
    /// a new UID in the destination; into another account it is a new message there.
    func moveMessages(uids: [MessageUID], from source: MailboxID, to destination: MailboxID) async throws -> [UIDMapping]
    /// Removes copies: with `onlyDeleted`, only those flagged `\Deleted` (IMAP EXPUNGE);
    /// `uids` nil means all of the mailbox. Returns the UIDs removed.
    func removeMessages(mailboxID: MailboxID, uids: [MessageUID]?, onlyDeleted: Bool) async throws -> [MessageUID]

    // MARK: Search and quota
    /// Copies of the account (optionally one mailbox) whose indexed text contains every term
    /// (substring match, case-insensitive, works for Chinese of any length), newest first
    /// (internal date, then id, both descending). Bodies not yet
    /// given to ``addToTextIndex(_:)`` are not found (``SearchIndexer/catchUp()`` first).
    func searchText(accountID: AccountID, mailboxID: MailboxID?, terms: [String]) async throws -> [MessageID]
    /// Up to `limit` bodies new to the store (by ``insertCopies(_:blobID:metadata:body:)`` or
    /// the outbound queue) whose text is not indexed yet, oldest first. A body collected as
    /// garbage is no longer listed.
    func unindexedBodies(limit: Int) async throws -> [UnindexedBody]
    /// Indexes each body's text and takes it off ``unindexedBodies(limit:)``, in one
    /// transaction; bodies indexed or collected meanwhile are skipped.
    func addToTextIndex(_ texts: [(blobID: BlobID, text: String)]) async throws
    func quota(accountID: AccountID) async throws -> QuotaUsage
    func setQuotaLimit(accountID: AccountID, bytes: Int64) async throws

    // MARK: Automatic replies
    func autoReply(accountID: AccountID) async throws -> AutoReply?
    /// Sets the account's automatic reply (nil: removes it) and forgets whom it answered, so a
    /// new text reaches every sender again.
    func setAutoReply(accountID: AccountID, _ reply: AutoReply?) async throws
    /// The accounts whose automatic reply is on (ended or not): what a delivery checks first.
    func accountsWithAutoReply() async throws -> [AccountID]
    /// Whether `sender` (lowercased) may be answered for the account at `now` — not answered
    /// after `now - interval` — and if so records `now`, in one step: two messages arriving at
    /// once get one reply.
    func takeAutoReplyTurn(accountID: AccountID, sender: String, now: Date, interval: TimeInterval) async throws -> Bool

    // MARK: Bodies
    /// Forgets blobs no copy references any more, calling `deleteBody` for each inside the
    /// same transaction; returns how many.
    func collectGarbage(deleteBody: @escaping @Sendable (BlobID) throws -> Void) async throws -> Int
    /// Tells, for each of `candidates` (body files found in the `BlobStore`), whether a blob row
    /// names it, calling `handle` inside one write transaction — where inserts run their
    /// `BodyPlacement` `ensure` — so a body an insert is about to reference is never taken from
    /// under it (that insert's `ensure` writes it again). Bodies a refused insert or a crash left
    /// behind are found this way.
    func reconcileBodies(_ candidates: [BlobID], handle: @escaping @Sendable (BlobID, _ referenced: Bool) throws -> Void) async throws

    // MARK: POP3 maildrop leases
    /// Takes (or extends) the lease on `account`'s maildrop for `holder` until `until` — one POP3
    /// session per maildrop at a time (RFC 1939 §8) on every server node sharing the store. True
    /// when `holder` holds it now: nobody held it, the holder's lease had expired by `now`, or
    /// `holder` held it already. A lease ends with ``releaseMaildropLease(_:holder:)`` or, if its
    /// node stops without releasing it, at `until`.
    func acquireMaildropLease(_ account: AccountID, holder: String, now: Date, until: Date) async throws -> Bool
    /// Gives up `holder`'s lease (nothing when `holder` does not hold it).
    func releaseMaildropLease(_ account: AccountID, holder: String) async throws

    // MARK: IMAP \Recent (RFC 3501 §2.3.2)
    /// Claims for one IMAP session the messages no session has seen as recent yet: every UID
    /// above the mailbox's recent mark up to the last one assigned, and moves the mark there —
    /// atomically, so of several sessions (on any node) exactly one gets each message as
    /// `\Recent`. Nil when there is nothing to claim.
    func claimRecent(mailboxID: MailboxID) async throws -> ClosedRange<MessageUID>?
    /// The mailbox's recent mark (messages with a UID above it are recent for the next session
    /// that claims them) and how many messages lie above it, for EXAMINE and STATUS, which claim
    /// nothing.
    func recentMessages(mailboxID: MailboxID) async throws -> RecentMessages
}

/// See ``MailStore/recentMessages(mailboxID:)``.
public struct RecentMessages: Sendable, Equatable {
    /// The highest UID already claimed as recent (0: none).
    public var claimedThrough: MessageUID
    /// Messages in the mailbox with a UID above ``claimedThrough``.
    public var count: Int

    public init(claimedThrough: MessageUID, count: Int) {
        self.claimedThrough = claimedThrough
        self.count = count
    }
}

/// A term of ``MailStore/searchText(accountID:mailboxID:terms:)`` for the SQL stores.
public enum MailSearchTerm {
    /// `%term%` for `LIKE`/`ILIKE … ESCAPE '\'`: the term's own `%`, `_` and `\` match literally.
    public static func likePattern(_ term: String) -> String {
        var escaped = ""
        for scalar in term.unicodeScalars {  // a `%` with a combining mark after it is still a `%` to SQL
            if scalar == "%" || scalar == "_" || scalar == "\\" { escaped.append("\\") }
            escaped.unicodeScalars.append(scalar)
        }
        return "%" + escaped + "%"
    }
}

/// Where a new message's bytes go.
public enum BodyPlacement: Sendable {
    /// In the store, written in the same transaction as the message rows: a small body then
    /// costs no file, no rename and no fsync of its own — concurrent deliveries share one commit
    /// (and its one fsync) for everything.
    case inline([UInt8])
    /// Already durable in the `BlobStore`. `ensure` is called inside the transaction, after the
    /// blob row is referenced, and must make sure the body file exists (rewriting it if a
    /// concurrent garbage collection removed it).
    case blobStore(ensure: @Sendable () throws -> Void)
}

extension BodyPlacement {
    /// Where a new body goes: into the store with its rows up to `inlineLimit` bytes; beyond,
    /// into `blobs` first (durable when this returns), re-checked inside the store's transaction.
    public static func choose(for raw: [UInt8], inlineLimit: Int, blobs: any BlobStore) async throws -> (BlobID, BodyPlacement) {
        if raw.count <= inlineLimit { return (BlobID.of(raw), .inline(raw)) }
        let blobID = try await blobs.put(raw)
        return (blobID, .blobStore(ensure: { try blobs.ensure(blobID, bytes: raw) }))
    }
}

/// The port for message bodies: immutable, content-addressed byte strings.
public protocol BlobStore: Sendable {
    /// Stores bytes under their SHA-256 and returns only once they are durable (fsynced).
    func put(_ bytes: [UInt8]) async throws -> BlobID
    func get(_ id: BlobID) async throws -> [UInt8]
    /// Bytes `range` of a body (clamped to its length), read without the rest of it.
    func read(_ id: BlobID, range: Range<Int>) async throws -> [UInt8]
    /// Synchronous existence check and repair, for `MailStore.insertCopies`' `ensureBlob`.
    func ensure(_ id: BlobID, bytes: [UInt8]) throws
    func delete(_ id: BlobID) throws
}
