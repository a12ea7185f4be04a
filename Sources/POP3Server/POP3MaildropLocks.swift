import MailwardCore
import Synchronization

/// RFC 1939 §8: one POP3 session per maildrop at a time. A second login to the same account
/// gets `-ERR [IN-USE]` while the first holds the lock. This is the process's own, answered
/// without asking the store; sessions on other server nodes are kept out by the lease in the
/// store (``POP3MaildropLease``), taken right after this lock.
final class POP3MaildropLocks: Sendable {
    private let held = Mutex<Set<AccountID>>([])

    /// False when another session holds this account's maildrop.
    func acquire(_ account: AccountID) -> Bool {
        held.withLock { $0.insert(account).inserted }
    }

    func release(_ account: AccountID) {
        _ = held.withLock { $0.remove(account) }
    }

    var count: Int { held.withLock { $0.count } }
}
