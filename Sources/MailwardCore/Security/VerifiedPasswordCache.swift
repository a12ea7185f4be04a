import Crypto
import Foundation
import Synchronization

/// Account passwords this process recently verified as right, so that a mail client that
/// connects again — Thunderbird opens five IMAP connections at once, phones reconnect after
/// every sleep, POP3 clients poll every few minutes — costs a keyed hash instead of another
/// scrypt run (~130 ms of a core each, DESIGN.md). Dovecot's `auth_cache` does the same.
///
/// What it holds is never a password: an HMAC-SHA-256, under a key made at process start and
/// kept only in memory, of the stored hash and the password typed. A hit therefore means exactly
/// what a scrypt verification of the same pair would say — a password change stores a new hash,
/// so entries of the old one are never found again — and a wrong password always misses and
/// pays the full scrypt cost. Only right answers are kept, for at most `lifetime`, and at most
/// `capacity` of them (two generations: when the young one is full it replaces the old one,
/// so entries used lately survive and memory stays bounded).
public final class VerifiedPasswordCache: Sendable {
    struct Generations {
        var young: [Data: ContinuousClock.Instant] = [:]
        var old: [Data: ContinuousClock.Instant] = [:]
        var hits = 0
    }

    public let lifetime: Duration
    public let capacity: Int
    private let key = SymmetricKey(size: .bits256)
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(Generations())

    /// - Parameters:
    ///   - lifetime: how long a right answer is reused (an hour, as Dovecot's default TTL).
    ///   - capacity: at most this many remembered verifications (about 100 bytes each).
    public init(lifetime: Duration = .seconds(3600), capacity: Int = 20_000,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.lifetime = lifetime
        self.capacity = max(2, capacity)
        self.now = now
    }

    /// Whether `password` was verified against `stored` within the lifetime.
    func contains(_ password: String, stored: String) -> Bool {
        let entry = fingerprint(password, stored)
        let now = now()
        return state.withLock { generations in
            if let expiry = generations.young[entry] {
                if expiry > now {
                    generations.hits += 1
                    return true
                }
                generations.young[entry] = nil
                return false
            }
            guard let expiry = generations.old.removeValue(forKey: entry), expiry > now else { return false }
            Self.insert(entry, expiry: expiry, into: &generations, capacity: capacity)
            generations.hits += 1
            return true
        }
    }

    /// Remembers that `password` is right for `stored`.
    func remember(_ password: String, stored: String) {
        let entry = fingerprint(password, stored)
        let expiry = now().advanced(by: lifetime)
        state.withLock { Self.insert(entry, expiry: expiry, into: &$0, capacity: capacity) }
    }

    /// Verifications remembered now (both generations; expired ones until they are dropped).
    public var count: Int {
        state.withLock { $0.young.count + $0.old.count }
    }

    /// Verifications answered from memory since the process started.
    public var hits: Int {
        state.withLock { $0.hits }
    }

    private static func insert(_ entry: Data, expiry: ContinuousClock.Instant, into generations: inout Generations,
                               capacity: Int) {
        if generations.young.count >= capacity / 2 {
            generations.old = generations.young
            generations.young = [:]
        }
        generations.young[entry] = expiry
    }

    private func fingerprint(_ password: String, _ stored: String) -> Data {
        var material = Data(stored.utf8)
        material.append(0)
        material.append(contentsOf: password.utf8)
        return Data(HMAC<SHA256>.authenticationCode(for: material, using: key))
    }
}
