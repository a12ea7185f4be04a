import Synchronization

/// Wakes the delivery worker when a message was queued in this process. (Messages queued by
/// another process, and `mailward queue retry`, are seen at the next poll.)
///
/// A waiting worker sleeps until it is signalled, its time is up or its task is cancelled —
/// nothing runs meanwhile. (It used to look at a flag every 50 ms: twenty wake-ups a second of
/// a dispatch thread and an event loop on an idle server.)
public final class DeliveryWakeUp: Sendable {
    private enum Waiter {
        /// About to wait: its continuation is not stored yet.
        case arriving
        /// Cancelled while arriving: resumed as soon as it is stored.
        case cancelledEarly
        case waiting(CheckedContinuation<Void, Never>)
    }

    private struct State {
        /// Signalled while nobody waited: the next wait returns at once.
        var signalled = false
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes every waiting worker, or the next one to wait.
    public func signal() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters {
                if case .waiting(let continuation) = waiter {
                    woken.append(continuation)
                    state.waiters[id] = nil
                }
            }
            // Workers still arriving see the flag; so does the next one to wait.
            if woken.isEmpty || !state.waiters.isEmpty { state.signalled = true }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after `duration`, or earlier when signalled or cancelled.
    func wait(for duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: duration) }
            group.addTask { await self.waitForSignal() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.waiters[state.nextID] = .arriving
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if case .cancelledEarly = state.waiters[id] {
                        state.waiters[id] = nil
                        return true
                    }
                    if state.signalled {
                        state.signalled = false
                        state.waiters[id] = nil
                        return true
                    }
                    state.waiters[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                switch state.waiters[id] {
                case .waiting(let continuation):
                    state.waiters[id] = nil
                    return continuation
                case .arriving:
                    state.waiters[id] = .cancelledEarly
                    return nil
                case .cancelledEarly, nil:
                    return nil
                }
            }
            continuation?.resume()
        }
    }
}
