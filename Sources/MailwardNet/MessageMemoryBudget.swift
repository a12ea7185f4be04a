import Synchronization

/// The bytes of messages being received, across every connection of every door: SMTP's DATA
/// and BDAT, IMAP's APPEND literals, the webmail's sending, drafts and uploads. A message is kept
/// in memory from its first byte to its delivery; the size limit bounds one message, the
/// connection limits bound how many — but their product (2 000 × 50 MiB) is far more than a
/// server has. Past this budget the message is refused with the door's "try again later"
/// (SMTP `452 4.3.1`, IMAP `NO [UNAVAILABLE]`, HTTP 503) instead of the server running out of
/// memory. One budget is shared by all doors of a server (`MailwardServer`).
public final class MessageMemoryBudget: Sendable {
    /// Reservations are taken in steps of this size, not for every read.
    public static let step = 1 << 20

    public let limit: Int
    private let used = Atomic<Int>(0)

    /// The default: 512 MiB for all doors together.
    public static let defaultLimit = 512 << 20

    public init(limit: Int = MessageMemoryBudget.defaultLimit) {
        self.limit = limit
    }

    /// Bytes reserved now (for tests and metrics).
    public var reserved: Int { used.load(ordering: .relaxed) }

    /// Bytes that could be reserved now.
    public var available: Int { limit - reserved }

    /// Takes `bytes` from the budget, or nothing and false when that would exceed it.
    public func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= limit else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    public func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        used.subtract(bytes, ordering: .relaxed)
    }

    /// `bytes` rounded up to whole reservation steps.
    public static func steps(for bytes: Int) -> Int {
        (bytes + step - 1) / step * step
    }
}
