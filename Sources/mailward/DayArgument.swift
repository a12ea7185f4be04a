import Foundation
import MailwardApp

// Days on the command line (`share add --until`, `policy two-step enforce --grace-until`): an
// administrator names a last day, and it lasts through its end in the server's time zone.

/// `2027-01-31` → the end of that day (the next day's midnight) in the server's time zone.
/// Strict: four, two and two ASCII digits, no 30 February, month 13 or day 32 rolled over.
func parseLastDay(_ text: String) throws -> Date {
    let fields = text.split(separator: "-", omittingEmptySubsequences: false)
    let parts = fields.compactMap { Int($0) }
    let calendar = serverCalendar()
    guard fields.map(\.count) == [4, 2, 2], parts.count == 3, fields.allSatisfy({ $0.allSatisfy(\.isASCII) }),
          (1...12).contains(parts[1]),
          let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
          calendar.component(.day, from: day) == parts[2],
          let end = calendar.date(byAdding: .day, value: 1, to: day) else {
        throw AppError("expected a day as YYYY-MM-DD, got \(text)")
    }
    return end
}

/// The end of the day `days` days after today, in the server's time zone (`--grace-days`: at
/// least that many whole days).
func endOfDay(daysAfterToday days: Int, now: Date = Date()) -> Date {
    let calendar = serverCalendar()
    let today = calendar.startOfDay(for: now)
    return calendar.date(byAdding: .day, value: days + 1, to: today) ?? now
}

/// The last day of something that ends at `end`, as ``parseLastDay(_:)`` takes it.
func dayText(_ end: Date) -> String {
    let last = serverCalendar().dateComponents([.year, .month, .day], from: end.addingTimeInterval(-1))
    return String(format: "%04d-%02d-%02d", last.year ?? 0, last.month ?? 0, last.day ?? 0)
}

private func serverCalendar() -> Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .current
    return calendar
}
