import Foundation

/// Sliding-window counters over the store's rate events: "at most `limit` events under `key`
/// within `window`". Shared by every server process because the counters live in the store.
struct RateLimiter: Sendable {
    let store: any SecurityStore
    let clock: any WallClock
    let locks: KeyedLocks

    /// Seconds until one more event is allowed, or `nil` when it is allowed now.
    func retryAfter(key: String, limit: Int, window: TimeInterval) async throws -> Int? {
        let now = clock.now
        let events = try await store.rateEvents(key: key, since: now.addingTimeInterval(-window))
        guard events.count >= limit, limit >= 0 else { return nil }
        // The window frees a slot when the oldest counted event leaves it.
        let oldest = events[events.count - limit]
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    /// How many events `key` counts within `window` now.
    func count(key: String, window: TimeInterval) async throws -> Int {
        try await store.rateEvents(key: key, since: clock.now.addingTimeInterval(-window)).count
    }

    func hit(_ key: String) async throws {
        try await store.recordRateEvent(key: key, at: clock.now)
    }

    /// Checks the limit and, when there is room, counts one event — as one step per key within
    /// this process, so that requests arriving together cannot all pass the check before any of
    /// them is counted. Returns the seconds to wait when there is no room (nothing counted), nil
    /// when the event was counted.
    func take(key: String, limit: Int, window: TimeInterval) async throws -> Int? {
        try await locks.withLocks([key]) {
            if let wait = try await retryAfter(key: key, limit: limit, window: window) { return wait }
            try await hit(key)
            return nil
        }
    }
}
