import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// ``SendingLimits``: the rule (windows, waits, a message that never fits) and ``SendingLimiter``
/// over the in-memory queue store.
@Suite struct SendingLimitsTests {
    /// 12:00:30 on some day; minute `m` is this moment's minute.
    let now = Date(timeIntervalSince1970: 1_795_000_020 + 30)
    var m: Int64 { SendingCount.minute(of: now) }

    @Test func withinBothWindowsIsAllowed() {
        let limits = SendingLimits(recipientsPerHour: 10, recipientsPerDay: 20)
        let counts = [SendingCount(minute: m - 70, recipients: 9), SendingCount(minute: m - 5, recipients: 6)]
        #expect(limits.verdict(counts: counts, adding: 4, now: now) == .allowed)
        #expect(limits.verdict(counts: [], adding: 10, now: now) == .allowed, "exactly the limit")
        // Counts older than a day, or in the future, are not this window's.
        #expect(limits.verdict(counts: [SendingCount(minute: m - 1_440, recipients: 100), SendingCount(minute: m + 1, recipients: 100)],
                               adding: 10, now: now) == .allowed)
    }

    @Test func anHourFullWaitsForItsOldestMinutes() {
        let limits = SendingLimits(recipientsPerHour: 10, recipientsPerDay: 0)
        let counts = [SendingCount(minute: m - 50, recipients: 4), SendingCount(minute: m - 20, recipients: 4),
                      SendingCount(minute: m, recipients: 2)]
        // 10 used: one more waits for minute m-50 to leave (at the start of minute m+10).
        #expect(limits.verdict(counts: counts, adding: 1, now: now) == .limitReached(limit: 10, windowMinutes: 60, retryAfter: 10 * 60 - 30))
        // Five more need m-20 gone too.
        #expect(limits.verdict(counts: counts, adding: 5, now: now) == .limitReached(limit: 10, windowMinutes: 60, retryAfter: 40 * 60 - 30))
        // Eleven never fit.
        #expect(limits.verdict(counts: [], adding: 11, now: now) == .limitReached(limit: 10, windowMinutes: 60, retryAfter: nil))
    }

    @Test func theDayLimitHoldsBesideTheHour() {
        let limits = SendingLimits(recipientsPerHour: 100, recipientsPerDay: 150)
        let counts = [SendingCount(minute: m - 1_000, recipients: 100), SendingCount(minute: m - 30, recipients: 40)]
        // The hour has room (40 + 20 ≤ 100), the day not (140 + 20 > 150) until m-1000 leaves it.
        #expect(limits.verdict(counts: counts, adding: 20, now: now)
                == .limitReached(limit: 150, windowMinutes: 1_440, retryAfter: 440 * 60 - 30))
        #expect(limits.verdict(counts: counts, adding: 10, now: now) == .allowed)
        // Both full: the longer wait is the answer.
        let both = SendingLimits(recipientsPerHour: 40, recipientsPerDay: 140)
        #expect(both.verdict(counts: counts, adding: 1, now: now) == .limitReached(limit: 140, windowMinutes: 1_440, retryAfter: 440 * 60 - 30))
        #expect(SendingLimits.unlimited.isUnlimited && SendingLimits.unlimited.verdict(counts: counts, adding: 1_000_000, now: now) == .allowed)
    }

    @Test func theLimiterCountsOnlyWhatItLetsThrough() async throws {
        let store = InMemoryDeliveryQueueStore()
        let clock = FixedClock(now)
        let limiter = SendingLimiter(limits: SendingLimits(recipientsPerHour: 5, recipientsPerDay: 8), store: store, clock: clock)
        try await limiter.take(3, account: 1)
        try await limiter.take(0, account: 1)
        await #expect(throws: SendingLimitReached(limit: 5, windowMinutes: 60, retryAfter: 3_600 - 30)) {
            try await limiter.take(3, account: 1)
        }
        try await limiter.take(2, account: 1)
        try await limiter.take(5, account: 2)
        #expect(try await limiter.sentRecipients(account: 1) == (5, 5))
        clock.advance(by: 3_600)
        try await limiter.take(3, account: 1)
        await #expect(throws: SendingLimitReached(limit: 8, windowMinutes: 1_440, retryAfter: 86_400 - 3_600 - 30)) {
            try await limiter.take(1, account: 1)
        }
        #expect(try await limiter.sentRecipients(account: 1) == (3, 8))
        let reached = SendingLimitReached(limit: 1_000, windowMinutes: 60, retryAfter: 61)
        #expect(reached.message(chinese: false) == "Sending limit reached: 1000 recipients at other domains per hour; try again in 2 minutes")
        #expect(reached.message(chinese: true) == "已达到发信上限：每小时最多发给其他域的 1000 个收件人，请 2 分钟后再试")
    }
}
