import Crypto
import Foundation
import Synchronization

/// What this process recently found about account passwords, so that a check it already made is
/// not made again (Dovecot's `auth_cache`, with its negative TTL):
///
/// - **right** answers, for an hour: a mail client that connects again — Thunderbird opens five
///   IMAP connections at once, phones reconnect after every sleep, POP3 clients poll every few
///   minutes — costs a keyed hash instead of another scrypt run (~130 ms of a core each);
/// - **wrong** answers, for 15 minutes (the failed sign-ins' window): a mail client still trying
///   the password its user has since changed is told "wrong" without scrypt, and the repeat is
///   not counted again against the failure limits (``ProtocolAuthenticator``) — else one stale
///   phone locks its owner out of the webmail, and a few of them behind a campus NAT lock out
///   everybody there. Every *different* wrong password still counts, so guessing gains nothing.
///
/// What it holds is never a password: an HMAC-SHA-256, under a key made at process start and
/// kept only in memory, of the subject (the stored hash; for a name with no account, the name)
/// and the password typed. A remembered answer is exactly what scrypt would say for that pair — a
/// password change stores a new hash, so the old one's entries are never found again. At most
/// `capacity` answers are kept (two generations: when the young one is full it replaces the old
/// one, so entries used lately survive and memory stays bounded).
public final class PasswordVerdictCache: Sendable {
    public enum Verdict: Sendable, Equatable {
        case right, wrong
    }

    struct Entry {
        var verdict: Verdict
        var expiry: ContinuousClock.Instant
    }

    struct Generations {
        var young: [Data: Entry] = [:]
        var old: [Data: Entry] = [:]
        var rightHits = 0
        var wrongHits = 0
    }

    public let rightLifetime: Duration
    public let wrongLifetime: Duration
    public let capacity: Int
    private let key = SymmetricKey(size: .bits256)
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(Generations())

    /// - Parameters:
    ///   - rightLifetime: how long a right answer is reused (an hour, as Dovecot's default TTL).
    ///   - wrongLifetime: how long a wrong answer is reused and its repeats go uncounted.
    ///   - capacity: at most this many remembered answers (about 100 bytes each).
    public init(rightLifetime: Duration = .seconds(3600), wrongLifetime: Duration = .seconds(900), capacity: Int = 20_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rightLifetime = rightLifetime
        self.wrongLifetime = wrongLifetime
        self.capacity = max(2, capacity)
        self.now = now
    }

    /// The answer found for `password` and `subject` within its lifetime, if any.
    func verdict(_ password: String, subject: String) -> Verdict? {
        let entry = fingerprint(password, subject)
        let now = now()
        return state.withLock { generations in
            var found = generations.young[entry]
            if found == nil, let old = generations.old.removeValue(forKey: entry), old.expiry > now {
                Self.insert(entry, old, into: &generations, capacity: capacity)
                found = old
            }
            guard let found, found.expiry > now else {
                generations.young[entry] = nil
                return nil
            }
            switch found.verdict {
            case .right: generations.rightHits += 1
            case .wrong: generations.wrongHits += 1
            }
            return found.verdict
        }
    }

    /// Remembers what scrypt said about `password` for `subject`.
    func remember(_ verdict: Verdict, _ password: String, subject: String) {
        let entry = fingerprint(password, subject)
        let expiry = now().advanced(by: verdict == .right ? rightLifetime : wrongLifetime)
        state.withLock { Self.insert(entry, Entry(verdict: verdict, expiry: expiry), into: &$0, capacity: capacity) }
    }

    /// Answers remembered now (both generations; expired ones until they are dropped).
    public var count: Int {
        state.withLock { $0.young.count + $0.old.count }
    }

    /// Right answers given from memory since the process started.
    public var rightHits: Int {
        state.withLock { $0.rightHits }
    }

    /// Repeated wrong passwords answered from memory since the process started.
    public var wrongHits: Int {
        state.withLock { $0.wrongHits }
    }

    private static func insert(_ key: Data, _ entry: Entry, into generations: inout Generations, capacity: Int) {
        if generations.young.count >= capacity / 2 {
            generations.old = generations.young
            generations.young = [:]
        }
        generations.young[key] = entry
    }

    private func fingerprint(_ password: String, _ subject: String) -> Data {
        var material = Data(subject.utf8)
        material.append(0)
        material.append(contentsOf: password.utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: material, using: key))
    }
}
