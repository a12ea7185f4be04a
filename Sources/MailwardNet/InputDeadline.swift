import NIOCore

/// When input that may arrive in pieces — a command line, a message, a literal — must be whole.
/// It starts when the wait for the input begins, holds while its bytes trickle in, and ends once
/// it arrived: a limit per piece of input, not per read, or a client sending a byte now and then
/// would hold its connection for good. The mail doors keep one for each kind of input they wait for.
public struct InputDeadline: Sendable {
    public private(set) var moment: NIODeadline?

    public init() {}

    /// The deadline, starting it `limit` from `now` when no wait is under way.
    public mutating func start(within limit: TimeAmount, now: NIODeadline = .now()) -> NIODeadline {
        if let moment { return moment }
        let started = now + limit
        moment = started
        return started
    }

    /// The input arrived (or is no longer awaited): the next wait starts afresh.
    public mutating func end() {
        moment = nil
    }
}
