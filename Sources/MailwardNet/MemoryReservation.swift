import Synchronization

/// What one request or session holds of a ``MessageMemoryBudget`` for the input it keeps, given
/// back when it is released or dropped (so a request that throws cannot leak its share).
///
/// The first ``MessageMemoryBudget/step`` of input is free: a command line, a JSON request of a
/// few fields or a small message costs nothing and cannot be refused; what is larger takes from
/// the budget a step at a time.
public final class MemoryReservation: Sendable {
    public let budget: MessageMemoryBudget
    private let held = Mutex<Int>(0)

    public init(budget: MessageMemoryBudget) {
        self.budget = budget
    }

    /// Bytes held of the budget now.
    public var reserved: Int { held.withLock { $0 } }

    /// Makes the reservation cover `bytes` of input (more, or less than before). False, with the
    /// reservation unchanged, when the budget has not enough left.
    public func cover(_ bytes: Int) -> Bool {
        let wanted = Self.wanted(bytes)
        return held.withLock { current in
            if wanted > current {
                guard budget.reserve(wanted - current) else { return false }
            } else {
                budget.release(current - wanted)
            }
            current = wanted
            return true
        }
    }

    /// Whether ``cover(_:)`` of `bytes` would succeed now; nothing is reserved. A door asks it
    /// before inviting a message, and reserves as the bytes arrive: a client that announces a
    /// message and sends nothing holds nothing.
    public func couldCover(_ bytes: Int) -> Bool {
        let wanted = Self.wanted(bytes)
        return held.withLock { current in wanted <= current || budget.available >= wanted - current }
    }

    private static func wanted(_ bytes: Int) -> Int {
        let beyondFree = bytes - MessageMemoryBudget.step
        return beyondFree > 0 ? MessageMemoryBudget.steps(for: beyondFree) : 0
    }

    /// Gives everything back.
    public func release() {
        _ = cover(0)
    }

    deinit {
        release()
    }
}
