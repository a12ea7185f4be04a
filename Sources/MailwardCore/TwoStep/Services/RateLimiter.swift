import Foundation

/// Sliding-window counters over the store's rate events: "at most `limit` events under `key`
/// within `window`". Shared by every server process because the counters live in the store.
struct RateLimiter: Sendable {
    let store: any SecurityStore
    let clock: any WallClock

    /// Seconds until one more event is allowed, or `nil` when it is allowed now.
    func retryAfter(key: String, limit: Int, window: TimeInterval) async throws -> Int? {
        let now = clock.now
        let events = try await store.rateEvents(key: key, since: now.addingTimeInterval(-window))
        guard events.count >= limit, limit >= 0 else { return nil }
        // The window frees a slot when the oldest counted event leaves it.
        let oldest = events[events.count - limit]
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    func hit(_ key: String) async throws {
        try await store.recordRateEvent(key: key, at: clock.now)
    }
}
