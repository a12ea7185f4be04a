import Foundation

/// When to try again after a temporary failure, and when to give up.
public struct RetrySchedule: Sendable, Equatable {
    /// Waits after the 1st, 2nd, … failed attempt; the last one repeats.
    public var steps: [TimeInterval]
    /// Age at which a message stops being retried and bounces.
    public var maxAge: TimeInterval

    public init(steps: [TimeInterval] = [300, 900, 1800, 3600, 7200, 14400], maxAge: TimeInterval = 5 * 86400) {
        // A zero wait would make a failed recipient due again at once, in a loop.
        self.steps = steps.isEmpty ? [300] : steps.map { max($0, 0.001) }
        self.maxAge = maxAge
    }

    /// The next attempt after `attempts` failed ones, or nil when the message is too old. The
    /// last attempt is placed at the expiry time itself rather than skipped.
    public func nextAttempt(afterAttempts attempts: Int, now: Date, createdAt: Date) -> Date? {
        let expiry = createdAt.addingTimeInterval(maxAge)
        guard now < expiry else { return nil }
        let wait = steps[min(max(attempts, 1), steps.count) - 1]
        return min(now.addingTimeInterval(wait), expiry)
    }
}
