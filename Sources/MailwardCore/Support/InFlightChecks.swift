/// Counts, per key, the checks under way whose outcome may still add one to a limit's count —
/// a password being verified from one client IP, which becomes a failure if it is wrong.
///
/// A limit "at most `limit` failures per IP" holds exactly for checks that overlap when each
/// one goes ahead only while `failures counted + checks under way (itself included) ≤ limit`,
/// reading the number under way *before* the failures: a check finishing in between is then
/// counted twice (safe), never not at all. One that does not fit waits for another to finish
/// and looks again (waiters are woken one at a time, in order), rather than being refused: behind a campus NAT, correct sign-ins arriving
/// together wait a moment when the address is near its limit, and are never turned away for
/// guesses that have not failed yet. A lock per IP would do the same by making every sign-in
/// from the NAT wait for the one before it.
///
/// In-process, like ``KeyedLocks``: several server nodes each keep their own count.
public actor InFlightChecks {
    private var running: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Joins the checks under way for `key`; returns how many there are, this one included.
    func join(_ key: String) -> Int {
        running[key, default: 0] += 1
        return running[key]!
    }

    /// Leaves (the outcome is counted, or there is none) and wakes the longest waiting for room:
    /// one at a time — woken together, they would each count the others and none would fit
    /// (the regression audit saw sign-ins near the limit spin and never finish).
    func leave(_ key: String) {
        decrement(key)
        wakeOne(key)
    }

    /// Leaves because there was no room, and waits until a check under way leaves — at once
    /// when none is left (the caller looks again). Only a probe: it wakes nobody.
    func leaveAndWait(_ key: String) async {
        decrement(key)
        guard running[key] != nil else { return }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    /// How many checks are under way for `key` (for tests and metrics).
    public func count(_ key: String) -> Int {
        running[key] ?? 0
    }

    private func decrement(_ key: String) {
        guard let count = running[key] else { return }
        running[key] = count > 1 ? count - 1 : nil
    }

    private func wakeOne(_ key: String) {
        guard var queue = waiting[key], !queue.isEmpty else { return }
        let next = queue.removeFirst()
        waiting[key] = queue.isEmpty ? nil : queue
        next.resume()
    }
}
