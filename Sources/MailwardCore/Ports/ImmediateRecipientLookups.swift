/// A store that can answer the SMTP door's question about a recipient on the caller's thread,
/// without suspending: SQLite, whose point reads of a local file take microseconds. (A store
/// across a network — PostgreSQL — cannot, and does not conform; its doors ask as before.)
///
/// RCPT is asked for every recipient of every message. Asked through a task, each answer cost a
/// hop off the connection's event loop and back, and the directory's look-ups (account, alias,
/// domain) ran again for an address asked a moment before. With this port the door keeps the
/// routes it found (``RecipientRouteCache``, in the SMTP door) under the directory's version,
/// and a repeated recipient costs one read: the version, to know the route still holds — the
/// directory may have changed in another process (the command line) — and the quota, which
/// every delivery changes.
public protocol ImmediateRecipientLookups: Sendable {
    /// The directory's version and, for an account, its quota, read in one snapshot.
    func recipientSnapshot(accountID: AccountID?) throws -> RecipientSnapshot
}

/// What ``ImmediateRecipientLookups/recipientSnapshot(accountID:)`` read.
public struct RecipientSnapshot: Sendable, Equatable {
    /// Changes whenever a domain, account or alias is added, changed or removed, by any process:
    /// a route found under an older version may no longer hold.
    public var directoryVersion: Int64
    /// The account's quota; nil when no account was asked for.
    public var quota: QuotaUsage?

    public init(directoryVersion: Int64, quota: QuotaUsage?) {
        self.directoryVersion = directoryVersion
        self.quota = quota
    }
}
