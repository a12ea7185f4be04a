import Synchronization

/// The open connections of one listening port, in all and per client address, held against
/// their limits: a connection is admitted (and counted) or refused, and released when it closes.
///
/// A peer exempt from the per-address limit (a trusted proxy, which carries everybody's
/// connections) still counts towards the total, so the port's whole budget of file descriptors
/// stays bounded whoever connects.
public final class ConnectionCounter: Sendable {
    public let maximum: Int
    public let maximumPerAddress: Int

    private struct Counts {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let counts = Mutex(Counts())

    public init(maximum: Int, maximumPerAddress: Int) {
        self.maximum = maximum
        self.maximumPerAddress = maximumPerAddress
    }

    /// Counts a connection from `address`, or refuses it (false): the port is full, or the
    /// address has its share open (unless `limitedPerAddress` is false).
    public func admit(_ address: String, limitedPerAddress: Bool = true) -> Bool {
        counts.withLock { counts in
            let open = counts.perAddress[address, default: 0]
            guard counts.total < maximum, !limitedPerAddress || open < maximumPerAddress else { return false }
            counts.total += 1
            counts.perAddress[address] = open + 1
            return true
        }
    }

    /// A connection ``admit(_:limitedPerAddress:)`` counted has closed.
    public func release(_ address: String) {
        counts.withLock { counts in
            guard let open = counts.perAddress[address] else { return }
            counts.total -= 1
            counts.perAddress[address] = open > 1 ? open - 1 : nil
        }
    }

    /// Connections open now.
    public var total: Int { counts.withLock { $0.total } }

    /// Connections open now from `address`.
    public func open(from address: String) -> Int { counts.withLock { $0.perAddress[address, default: 0] } }
}
