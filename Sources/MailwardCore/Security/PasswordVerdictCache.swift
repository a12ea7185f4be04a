import Crypto
import Foundation
import Synchronization

/// What this process recently found about account passwords, so that a check it already made is
/// not made again (Dovecot's `auth_cache`, with its negative TTL):
///
/// - **right** answers, for an hour: a mail client that connects again — Thunderbird opens five
///   IMAP connections at once, phones reconnect after every sleep, POP3 clients poll every few
///   minutes — costs a keyed hash instead of another scrypt run (~130 ms of a core each);
/// - **wrong** answers, for 15 minutes: the same wrong password again is told "wrong" without
///   another scrypt run (it is still counted against the failure limits);
/// - which passwords an account **used** successfully, for 30 days: a mail client still trying the
///   password its user has since changed is a stale client, not a guesser, and
///   ``ProtocolAuthenticator`` does not count its tries against the failure limits — else one
///   stale phone locks its owner out of the webmail, and a few behind a campus NAT lock out
///   everybody there (Active Directory does not count a recent old password either). Any password
///   the account never used counts, so guessing gains nothing.
///
/// What it holds is never a password: an HMAC-SHA-256, under a key made at process start and
/// kept only in memory, of the subject (the stored hash; for a name with no account, the name;
/// for a used password, the account) and the password typed. A remembered answer is exactly what scrypt would say for that pair — a
/// password change stores a new hash, so the old one's entries are never found again. At most
/// `capacity` answers and as many used passwords are kept (two generations each: when the young
/// one is full it replaces the old one, so entries used lately survive and memory stays bounded).
public final class PasswordVerdictCache: Sendable {
    public enum Verdict: Sendable, Equatable {
        case right, wrong
    }

    struct Entry {
        var verdict: Verdict
        var expiry: ContinuousClock.Instant
    }

    /// Entries in two generations, bounded by a capacity.
    struct Generations<Value> {
        var young: [Data: Value] = [:]
        var old: [Data: Value] = [:]

        /// The entry, moved to the young generation when found in the old one.
        mutating func find(_ key: Data, capacity: Int) -> Value? {
            if let value = young[key] { return value }
            guard let value = old.removeValue(forKey: key) else { return nil }
            insert(key, value, capacity: capacity)
            return value
        }

        mutating func insert(_ key: Data, _ value: Value, capacity: Int) {
            if young.count >= capacity / 2 {
                old = young
                young = [:]
            }
            young[key] = value
        }

        var count: Int { young.count + old.count }
    }

    struct State {
        var verdicts = Generations<Entry>()
        /// Passwords accounts signed in with, until when they count as used.
        var used = Generations<ContinuousClock.Instant>()
        var rightHits = 0
        var wrongHits = 0
    }

    public let rightLifetime: Duration
    public let wrongLifetime: Duration
    public let usedLifetime: Duration
    public let capacity: Int
    private let key = SymmetricKey(size: .bits256)
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - rightLifetime: how long a right answer is reused (an hour, as Dovecot's default TTL).
    ///   - wrongLifetime: how long a wrong answer is reused.
    ///   - usedLifetime: how long a password an account signed in with counts as its own.
    ///   - capacity: at most this many remembered answers (about 100 bytes each).
    public init(rightLifetime: Duration = .seconds(3600), wrongLifetime: Duration = .seconds(900),
                usedLifetime: Duration = .seconds(30 * 86_400), capacity: Int = 20_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.rightLifetime = rightLifetime
        self.wrongLifetime = wrongLifetime
        self.usedLifetime = usedLifetime
        self.capacity = max(2, capacity)
        self.now = now
    }

    /// The answer found for `password` and `subject` within its lifetime, if any.
    func verdict(_ password: String, subject: String) -> Verdict? {
        let key = fingerprint(password, subject)
        let now = now()
        return state.withLock { state in
            guard let found = state.verdicts.find(key, capacity: capacity), found.expiry > now else {
                state.verdicts.young[key] = nil
                return nil
            }
            switch found.verdict {
            case .right: state.rightHits += 1
            case .wrong: state.wrongHits += 1
            }
            return found.verdict
        }
    }

    /// Remembers what scrypt said about `password` for `subject`.
    func remember(_ verdict: Verdict, _ password: String, subject: String) {
        let key = fingerprint(password, subject)
        let expiry = now().advanced(by: verdict == .right ? rightLifetime : wrongLifetime)
        state.withLock { $0.verdicts.insert(key, Entry(verdict: verdict, expiry: expiry), capacity: capacity) }
    }

    /// Remembers that `account` signed in with `password`.
    public func rememberUsed(_ password: String, account: String) {
        let key = fingerprint(password, "used:" + account)
        let expiry = now().advanced(by: usedLifetime)
        state.withLock { $0.used.insert(key, expiry, capacity: capacity) }
    }

    /// Whether `account` signed in with `password` within the used lifetime.
    public func wasUsed(_ password: String, account: String) -> Bool {
        let key = fingerprint(password, "used:" + account)
        let now = now()
        return state.withLock { state in
            guard let expiry = state.used.find(key, capacity: capacity), expiry > now else { return false }
            return true
        }
    }

    /// Answers remembered now (both generations; expired ones until they are dropped).
    public var count: Int {
        state.withLock { $0.verdicts.count }
    }

    /// Right answers given from memory since the process started.
    public var rightHits: Int {
        state.withLock { $0.rightHits }
    }

    /// Repeated wrong passwords answered from memory since the process started.
    public var wrongHits: Int {
        state.withLock { $0.wrongHits }
    }

    private func fingerprint(_ password: String, _ subject: String) -> Data {
        var material = Data(subject.utf8)
        material.append(0)
        material.append(contentsOf: password.utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: material, using: key))
    }
}
