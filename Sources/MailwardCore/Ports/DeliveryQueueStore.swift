import Foundation

/// Where a queued recipient stands.
public enum RecipientState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its next attempt (or being attempted right now).
    case pending
    /// The next hop (a remote server or a local mailbox) accepted it.
    case delivered
    /// Given up on: a permanent refusal or the queue lifetime ran out; a bounce was made.
    case failed
}

/// One recipient of a queued message: its own state and retry bookkeeping.
public struct QueuedRecipient: Sendable, Equatable, Codable {
    /// Store-assigned, unique in the queue.
    public var id: Int64
    /// `local@domain` as given at submission.
    public var address: String
    /// The lowercased domain part: recipients are routed and sent per domain.
    public var domain: String
    public var state: RecipientState
    /// Attempts made so far (a claim does not count; a recorded result does).
    public var attempts: Int
    /// Not before this time will it be claimed again.
    public var nextAttemptAt: Date
    /// The last answer or error, for `mailward queue list` and the bounce.
    public var lastError: String?
    /// A "still trying" notice went to the sender already (at most one per recipient).
    public var delayNotified: Bool
    /// Until when a worker holds it (an attempt under way: `queue list` says "sending"); nil
    /// when nobody does.
    public var claimedUntil: Date?

    public init(id: Int64, address: String, domain: String, state: RecipientState, attempts: Int,
                nextAttemptAt: Date, lastError: String?, delayNotified: Bool = false, claimedUntil: Date? = nil) {
        self.id = id
        self.address = address
        self.domain = domain
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.delayNotified = delayNotified
        self.claimedUntil = claimedUntil
    }

    /// The lowercased domain of an address (after its last `@`), the unit of routing.
    public static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }
}

/// A message in the outbound queue: the envelope, the body's blob and every recipient.
/// How much outbound mail waits (`/metrics`: what an administrator alerts on, as `mailq` for
/// Postfix): recipients still to deliver, the messages they belong to, and when the oldest of
/// those messages was queued.
public struct QueueBacklog: Sendable, Equatable {
    public var messages: Int
    public var recipients: Int
    public var oldestQueuedAt: Date?

    public init(messages: Int, recipients: Int, oldestQueuedAt: Date?) {
        self.messages = messages
        self.recipients = recipients
        self.oldestQueuedAt = oldestQueuedAt
    }
}

public struct QueuedMessage: Sendable, Equatable {
    public var id: String
    /// Envelope MAIL FROM; empty for bounces (which are never bounced again).
    public var sender: String
    public var blobID: BlobID
    public var size: Int
    public var createdAt: Date
    public var recipients: [QueuedRecipient]
    /// The folder a local recipient's copy goes to (nil: INBOX), see `OutboundMessage.localFolder`.
    public var localFolder: SpecialUse?
    /// What the sender asked to be told (`OutboundMessage.notifications`).
    public var notifications: DeliveryNotifications?

    public init(id: String, sender: String, blobID: BlobID, size: Int, createdAt: Date, recipients: [QueuedRecipient],
                localFolder: SpecialUse? = nil, notifications: DeliveryNotifications? = nil) {
        self.id = id
        self.sender = sender
        self.blobID = blobID
        self.size = size
        self.createdAt = createdAt
        self.recipients = recipients
        self.localFolder = localFolder
        self.notifications = notifications
    }

    public var pendingRecipients: [QueuedRecipient] { recipients.filter { $0.state == .pending } }
}

/// The result of one delivery attempt for some recipients of a message.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(detail: String)
    /// Try again at `nextAttemptAt`.
    case deferred(error: String, nextAttemptAt: Date)
    case failed(error: String)
}

/// The port for the durable outbound queue. Message bodies live in a `BlobStore`; the queue
/// holds one reference on the blob (the `MailStore`'s garbage collection leaves it alone)
/// until the last recipient is finished.
///
/// Rules every implementation keeps (checked by the conformance suite):
/// - `enqueue` returns only once the message and all its recipients are committed.
/// - `claimDue` hands out only pending recipients whose time has come, and pushes their next
///   attempt to `now + lease`, so a crashed worker's claims come back after the lease and two
///   workers polling at once never get the same recipient.
/// - `record` counts an attempt; when no recipient of a message is pending any more, the
///   message leaves the queue (its blob reference is released) in the same transaction.
/// - Message ids are unique; enqueueing an id twice throws `StoreError.duplicate`.
public protocol DeliveryQueueStore: Sendable {
    /// Adds a message with its recipients (all pending, due at `createdAt`). `body` says where
    /// the bytes go, as in `MailStore.insertCopies`: into the store with the rows, or already in
    /// the `BlobStore` (its `ensure` called inside the transaction after the blob is referenced).
    /// `localFolder`: where local recipients' copies go (nil: INBOX). `notifications`: what the
    /// sender asked to be told, kept as given (nil: nothing).
    func enqueue(id: String, sender: String, recipients: [String], createdAt: Date, blobID: BlobID,
                 metadata: BlobMetadata, body: BodyPlacement, localFolder: SpecialUse?,
                 notifications: DeliveryNotifications?) async throws
    /// The bytes of a queued body kept in the store itself; nil when it lives in the `BlobStore`.
    func inlineBody(blobID: BlobID) async throws -> [UInt8]?
    /// Claims up to `limit` messages with pending recipients due at `now`; each returned
    /// message lists only the recipients claimed.
    func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [QueuedMessage]
    /// Records the outcome of an attempt for some recipients of a message. Unknown ids (the
    /// message was deleted meanwhile) are ignored.
    func record(messageID: String, recipientIDs: [Int64], outcome: DeliveryOutcome, at now: Date) async throws
    /// Remembers that the sender was told these recipients are delayed.
    func markDelayNotified(messageID: String, recipientIDs: [Int64]) async throws
    /// Every queued message with all its recipients, oldest first.
    func allMessages() async throws -> [QueuedMessage]
    func message(id: String) async throws -> QueuedMessage?
    /// Makes the pending recipients of a message (or of all messages when `id` is nil) due at
    /// `now`; returns how many recipients changed. A recipient a worker has claimed and not yet
    /// recorded an outcome for is left alone: that worker may be sending it right now, and
    /// another (on another node) would send it a second time.
    @discardableResult
    func retryNow(id: String?, now: Date) async throws -> Int
    /// Makes every claimed recipient due at `now`, its claim forgotten — for claims of a process
    /// that is gone: the embedded store's server at its start (one server per data folder), and
    /// `mailward queue retry` when no server runs on the folder. Returns how many.
    @discardableResult
    func releaseClaims(now: Date) async throws -> Int
    /// Removes a message without delivering it; false if there was none.
    @discardableResult
    func delete(id: String) async throws -> Bool
    /// The earliest next attempt among pending recipients, if any.
    func nextAttemptDate() async throws -> Date?
    /// Counts of what waits, in one read (no message is loaded).
    func backlog() async throws -> QueueBacklog
    /// Runs `verdict` on the account's recipient counts of the last day (``SendingLimits``, per
    /// minute, oldest first) and, when it answers `.allowed`, adds `recipients` to the minute of `now` — one
    /// step against concurrent senders (the account's other connections, other nodes). Counts
    /// older than a day are dropped on the way.
    func takeSending(accountID: AccountID, recipients: Int, now: Date,
                     verdict: @escaping @Sendable ([SendingCount]) -> SendingVerdict) async throws -> SendingVerdict
    /// The account's recipient counts from minute `since` on.
    func sendingCounts(accountID: AccountID, since minute: Int64) async throws -> [SendingCount]
}

extension SendingCount {
    /// The minute (since 1970) a moment falls in: the unit counts are kept in.
    public static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }
}

extension DeliveryQueueStore {
    /// A message whose local recipients' copies go to INBOX, without a notification request.
    public func enqueue(id: String, sender: String, recipients: [String], createdAt: Date, blobID: BlobID,
                        metadata: BlobMetadata, body: BodyPlacement, localFolder: SpecialUse? = nil) async throws {
        try await enqueue(id: id, sender: sender, recipients: recipients, createdAt: createdAt, blobID: blobID,
                          metadata: metadata, body: body, localFolder: localFolder, notifications: nil)
    }
}
