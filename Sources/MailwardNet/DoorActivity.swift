import Synchronization

/// Counts what a pipeline door still has going — open connections and the work they started
/// outside the event loop (an SMTP delivery in Core) — so that a graceful shutdown waits for
/// every in-flight delivery to finish, not only for the sockets to close.
public final class DoorActivity: Sendable {
    private struct State {
        var count = 0
        var draining = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Something started; every `begin` is matched by one `end`.
    public func begin() {
        state.withLock { $0.count += 1 }
    }

    public func end() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.count -= 1
            guard s.draining, s.count == 0 else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    var count: Int { state.withLock { $0.count } }

    /// Returns once `drain()` was called and nothing is going on any more.
    func waitUntilDrained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.draining && s.count == 0 { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// From now on, reaching zero ends ``waitUntilDrained()``.
    func drain() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.draining = true
            guard s.count == 0 else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }
}
