import Foundation

/// How many recipients outside this server one account may send to per hour and per day
/// (`smtp.max-remote-recipients-per-hour`, `…-per-day`; 0: no limit).
///
/// A stolen client-specific password used to send spam gets the institution's address listed by
/// the big providers within hours, and every account then has its mail refused; Exchange Online,
/// Gmail and the Chinese providers cap what an account sends per day for that reason. Only
/// recipients in other domains count — mail within the server's own domains reaches no other
/// provider (an announcement to every student is not held back) — and a message goes out whole
/// or not at all: one that would pass a limit is refused before anything of it is delivered.
/// Counts are kept per account and minute in the store, so several nodes share them. Pure.
public struct SendingLimits: Sendable, Equatable {
    public var recipientsPerHour: Int
    public var recipientsPerDay: Int

    public init(recipientsPerHour: Int = 1_000, recipientsPerDay: Int = 5_000) {
        self.recipientsPerHour = max(0, recipientsPerHour)
        self.recipientsPerDay = max(0, recipientsPerDay)
    }

    public static let unlimited = SendingLimits(recipientsPerHour: 0, recipientsPerDay: 0)

    public var isUnlimited: Bool { recipientsPerHour == 0 && recipientsPerDay == 0 }

    /// The windows in minutes with their limits (0: none).
    var windows: [(minutes: Int64, limit: Int)] {
        [(60, recipientsPerHour), (1_440, recipientsPerDay)].filter { $0.limit > 0 }
    }

    /// Whether `adding` more recipients fit at `now` beside `counts` (the account's recipients per
    /// minute, minutes since 1970, any order; those older than a day are ignored).
    public func verdict(counts: [SendingCount], adding: Int, now: Date) -> SendingVerdict {
        let seconds = now.timeIntervalSince1970
        let minute = SendingCount.minute(of: now)
        var worst: SendingVerdict = .allowed
        for (window, limit) in windows {
            // A minute's count is in the window while that minute is one of the last `window`.
            let inWindow = counts.filter { $0.minute > minute - window && $0.minute <= minute }.sorted { $0.minute < $1.minute }
            var used = inWindow.reduce(0) { $0 + $1.recipients }
            guard used + adding > limit else { continue }
            guard adding <= limit else {
                return .limitReached(limit: limit, windowMinutes: Int(window), retryAfter: nil)
            }
            // Wait until enough of the oldest minutes have left the window.
            var retryAfter = 1
            for count in inWindow {
                used -= count.recipients
                if used + adding <= limit {
                    retryAfter = max(1, Int((Double((count.minute + window) * 60) - seconds).rounded(.up)))
                    break
                }
            }
            if case .limitReached(_, _, let earlier?) = worst, earlier >= retryAfter { continue }
            worst = .limitReached(limit: limit, windowMinutes: Int(window), retryAfter: retryAfter)
        }
        return worst
    }
}

/// Recipients an account sent to in one minute (minutes since 1970).
public struct SendingCount: Sendable, Equatable {
    public var minute: Int64
    public var recipients: Int

    public init(minute: Int64, recipients: Int) {
        self.minute = minute
        self.recipients = recipients
    }
}

/// ``SendingLimits/verdict(counts:adding:now:)``'s answer.
public enum SendingVerdict: Sendable, Equatable {
    case allowed
    /// `limit` recipients per `windowMinutes` (60 or 1 440) would be passed: `retryAfter`
    /// seconds until the message fits, nil when it never will (more recipients than the limit).
    case limitReached(limit: Int, windowMinutes: Int, retryAfter: Int?)
}

/// An account may not send this message now (``SendingLimits``).
public struct SendingLimitReached: Error, Hashable, Sendable {
    public var limit: Int
    /// 60 or 1 440.
    public var windowMinutes: Int
    /// Seconds until it fits; nil: never (more recipients than the limit).
    public var retryAfter: Int?

    public init(limit: Int, windowMinutes: Int, retryAfter: Int?) {
        self.limit = limit
        self.windowMinutes = windowMinutes
        self.retryAfter = retryAfter
    }

    public var perDay: Bool { windowMinutes >= 1_440 }

    /// What the sender is told (SMTP reply text in English, the webmail in either language).
    public func message(chinese: Bool) -> String {
        let per = chinese ? (perDay ? "每天" : "每小时") : (perDay ? "per day" : "per hour")
        guard let retryAfter else {
            return chinese ? "一封邮件的外部收件人超过了\(per) \(limit) 个的发信上限"
                : "More recipients at other domains in one message than the \(limit) allowed \(per)"
        }
        let minutes = max(1, (retryAfter + 59) / 60)
        return chinese ? "已达到发信上限：\(per)最多发给其他域的 \(limit) 个收件人，请 \(minutes) 分钟后再试"
            : "Sending limit reached: \(limit) recipients at other domains \(per); try again in \(minutes) minute\(minutes == 1 ? "" : "s")"
    }
}

/// Takes an account's outside recipients against ``SendingLimits`` — the check and the count one
/// step in the store (``DeliveryQueueStore/takeSending(accountID:recipients:now:verdict:)``).
public struct SendingLimiter: Sendable {
    public let limits: SendingLimits
    let store: any DeliveryQueueStore
    let clock: any WallClock

    public init(limits: SendingLimits, store: any DeliveryQueueStore, clock: any WallClock) {
        self.limits = limits
        self.store = store
        self.clock = clock
    }

    /// Counts `recipients` for `account`, or throws ``SendingLimitReached`` (nothing counted).
    public func take(_ recipients: Int, account: AccountID) async throws {
        guard recipients > 0, !limits.isUnlimited else { return }
        let limits = self.limits
        let now = clock.now
        let verdict = try await store.takeSending(accountID: account, recipients: recipients, now: now) { counts in
            limits.verdict(counts: counts, adding: recipients, now: now)
        }
        if case .limitReached(let limit, let window, let retryAfter) = verdict {
            throw SendingLimitReached(limit: limit, windowMinutes: window, retryAfter: retryAfter)
        }
    }

    /// How many outside recipients the account sent to in the last hour and day (`mailward user show`).
    public func sentRecipients(account: AccountID) async throws -> (lastHour: Int, lastDay: Int) {
        let now = clock.now
        let minute = SendingCount.minute(of: now)
        let counts = try await store.sendingCounts(accountID: account, since: minute - 1_440)
        func sum(_ window: Int64) -> Int { counts.filter { $0.minute > minute - window }.reduce(0) { $0 + $1.recipients } }
        return (sum(60), sum(1_440))
    }
}
