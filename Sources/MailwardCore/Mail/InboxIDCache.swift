import Synchronization

/// INBOX's id per account, for delivery: every message that arrives asked the store for it.
///
/// An entry cannot go wrong while its account exists — INBOX is never renamed or deleted
/// (``MailService/renameMailbox(_:to:)``, ``MailService/deleteMailbox(_:)``), and account ids are
/// never used again — so it only goes stale when its account is removed, by this process or
/// another. The insert into a mailbox that is gone fails with `MailError.noSuchMailbox`; the
/// delivery then forgets its accounts' entries and looks them up again
/// (``MailService/deliver(_:to:internalDate:folder:)``).
final class InboxIDCache: Sendable {
    /// Entries kept at most; past it the cache starts over (a few MB for this many accounts).
    static let capacity = 100_000

    private let ids = Mutex<[AccountID: MailboxID]>([:])

    func id(of account: AccountID) -> MailboxID? {
        ids.withLock { $0[account] }
    }

    func remember(_ id: MailboxID, of account: AccountID) {
        ids.withLock { ids in
            if ids.count >= Self.capacity { ids.removeAll(keepingCapacity: true) }
            ids[account] = id
        }
    }

    func forget(_ accounts: [AccountID]) {
        ids.withLock { ids in
            for account in accounts { ids[account] = nil }
        }
    }
}
