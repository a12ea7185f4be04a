import Synchronization

/// The bytes of messages being received, across every connection of the SMTP doors. A message
/// is kept in memory from its first byte to its delivery; the size limit bounds one message, the
/// connection limits bound how many — but their product (2 000 × 50 MiB) is far more than a
/// server has. Past this budget a message is read to its end and discarded, and the client gets
/// `452 4.3.1` (try again later) instead of the server running out of memory.
public final class MessageMemoryBudget: Sendable {
    /// Reservations are taken in steps of this size, not for every read.
    static let step = 1 << 20

    public let limit: Int
    private let used = Atomic<Int>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Bytes reserved now (for tests and metrics).
    public var reserved: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget, or nothing and false when that would exceed it.
    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= limit else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }
}
