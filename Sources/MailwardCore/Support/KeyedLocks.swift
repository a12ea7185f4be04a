/// Mutual exclusion per key inside this process: one body at a time for a given key, the others
/// waiting in order. Used where a limit is checked, slow work is done and the outcome recorded
/// (a password verified, then a failure counted; an SMS sent, then its cap counted): without it,
/// parallel requests all pass the check before any records anything (found by the multi-node
/// audit: 29 parallel guesses all verified against a limit of 10). Several server nodes each
/// serialize their own requests, so a limit can be passed by at most one per other node.
public actor KeyedLocks {
    /// A held key maps to the bodies waiting for it, in arrival order.
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    func lock(_ key: String) async {
        guard waiting[key] != nil else {
            waiting[key] = []
            return
        }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    func unlock(_ key: String) {
        guard var queue = waiting[key] else { return }
        if queue.isEmpty {
            waiting[key] = nil
        } else {
            let next = queue.removeFirst()
            waiting[key] = queue
            next.resume()  // the key stays held: it passes to the next body
        }
    }

    /// Runs `body` holding every key in `keys` (taken in sorted order, so two callers with
    /// overlapping keys cannot wait for each other).
    public nonisolated func withLocks<T: Sendable>(_ keys: [String], _ body: () async throws -> T) async throws -> T {
        let ordered = Array(Set(keys)).sorted()
        for key in ordered { await lock(key) }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        for key in ordered.reversed() { await unlock(key) }
        return try result.get()
    }
}
