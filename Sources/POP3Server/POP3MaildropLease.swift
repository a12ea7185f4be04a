import Foundation
import Logging
import MailwardCore
import Synchronization

/// A login's lease on its maildrop in the store (`MailStore.acquireMaildropLease`): what makes
/// RFC 1939 §8's one session per maildrop hold across server nodes sharing a PostgreSQL store
/// (``POP3MaildropLocks`` answers first for sessions of this process). Renewed every
/// ``renewal`` while the session lasts and given up when it ends; a node that dies leaves it to
/// expire after ``duration``.
final class POP3MaildropLease: Sendable {
    static let duration = Duration.seconds(120)
    static let renewal = Duration.seconds(40)

    let account: AccountID
    let holder: String
    private let store: any MailStore
    private let lost = Atomic<Bool>(false)
    private let renewing = Mutex<Task<Void, Never>?>(nil)

    /// The lease, or nil when another session (on any node) holds the maildrop. Its times come
    /// from `clock` (the mail service's); `duration` and `renewal` are for tests.
    static func acquire(_ account: AccountID, in store: any MailStore, clock: any WallClock, logger: Logger,
                        duration: Duration = duration, renewal: Duration = renewal) async throws -> POP3MaildropLease? {
        let holder = UUID().uuidString
        let now = clock.now
        guard try await store.acquireMaildropLease(account, holder: holder, now: now, until: now + duration / .seconds(1))
        else { return nil }
        let lease = POP3MaildropLease(account: account, holder: holder, store: store, clock: clock,
                                      duration: duration, renewal: renewal)
        lease.renewing.withLock { $0 = Task { await lease.renew(logger: logger) } }
        return lease
    }

    private let clock: any WallClock
    private let leaseDuration: Duration
    private let renewalInterval: Duration

    private init(account: AccountID, holder: String, store: any MailStore, clock: any WallClock,
                 duration: Duration, renewal: Duration) {
        self.account = account
        self.holder = holder
        self.store = store
        self.clock = clock
        leaseDuration = duration
        renewalInterval = renewal
    }

    /// The lease could not be kept (another session took the maildrop after it expired).
    var isLost: Bool { lost.load(ordering: .acquiring) }

    /// Stops renewing and gives the lease up — in a task of its own, not cancelled with the
    /// session's (a server shutting down cancels sessions): a lease left behind would keep the
    /// user out on the other nodes until it expires. If the store fails, it expires by itself.
    func release() async {
        renewing.withLock { $0?.cancel() }
        let (store, account, holder) = (store, account, holder)
        await Task { try? await store.releaseMaildropLease(account, holder: holder) }.value
    }

    private func renew(logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: renewalInterval)
            } catch {
                return
            }
            do {
                let now = clock.now
                if try await !store.acquireMaildropLease(account, holder: holder, now: now, until: now + leaseDuration / .seconds(1)) {
                    logger.warning("POP3 maildrop lock lost to another session")
                    lost.store(true, ordering: .releasing)
                    return
                }
            } catch {
                // Tried again at the next renewal; the lease lasts three of them.
                logger.warning("POP3 maildrop lock not renewed", metadata: ["error": "\(error)"])
            }
        }
    }
}
