import Foundation

/// Ends named by a last day (a share's `--until`, a grace period's `--grace-until` and
/// `--grace-days`, the pages' banner): a day lasts through its end, the next midnight in the
/// server's time zone. One rule, so that what the command line takes and what a page or a
/// listing prints name the same day.
public enum LastDay {
    /// `2027-01-31` → the end of that day. Strict: four, two and two ASCII digits, no
    /// 30 February, month 13 or day 32 rolled over; nil otherwise.
    public static func end(of text: String) -> Date? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        let parts = fields.compactMap { Int($0) }
        let calendar = serverCalendar()
        guard fields.map(\.count) == [4, 2, 2], parts.count == 3, fields.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              (1...12).contains(parts[1]),
              let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: day) == parts[2] else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: day)
    }

    /// The end of the day `days` days after the one `now` falls on.
    public static func end(daysAfterToday days: Int, now: Date) -> Date {
        let calendar = serverCalendar()
        return calendar.date(byAdding: .day, value: days + 1, to: calendar.startOfDay(for: now)) ?? now
    }

    /// The last day of something that ends at `end`, as ``end(of:)`` takes it.
    public static func text(of end: Date) -> String {
        let last = serverCalendar().dateComponents([.year, .month, .day], from: end.addingTimeInterval(-1))
        return String(format: "%04d-%02d-%02d", last.year ?? 0, last.month ?? 0, last.day ?? 0)
    }

    private static func serverCalendar() -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        return calendar
    }
}
