import Synchronization

/// What one request or session holds of a ``MessageMemoryBudget`` for the input it keeps, given
/// back when it is released or dropped (so a request that throws cannot leak its share).
///
/// What is larger than `free` takes from the budget a step at a time. By default the first
/// ``MessageMemoryBudget/step`` is free — a command line, a JSON request of a few fields or a
/// small message costs nothing and cannot be refused —; SMTP's DATA counts from the first byte.
public final class MemoryReservation: Sendable {
    public let budget: MessageMemoryBudget
    private let free: Int
    private let held = Mutex<Int>(0)

    public init(budget: MessageMemoryBudget, free: Int = MessageMemoryBudget.step) {
        self.budget = budget
        self.free = free
    }

    /// Bytes held of the budget now.
    public var reserved: Int { held.withLock { $0 } }

    /// Makes the reservation cover `bytes` of input (more, or less than before). False, with the
    /// reservation unchanged, when the budget has not enough left.
    public func cover(_ bytes: Int) -> Bool {
        let wanted = wanted(bytes)
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
        let wanted = wanted(bytes)
        return held.withLock { current in wanted <= current || budget.available >= wanted - current }
    }

    /// Makes the reservation cover a message of `size` bytes read whole to be shown or decoded
    /// (the webmail opening one, IMAP BINARY): the bytes and a decoded part, twice its size.
    public func coverWholeRead(ofMessageSized size: Int) -> Bool {
        cover(size * 2)
    }

    private func wanted(_ bytes: Int) -> Int {
        let beyondFree = bytes - free
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
