import Foundation

/// Calendar fields of an instant in UTC, computed arithmetically (no formatter, no time zone
/// database), so the signing code stays pure and gives the same text on every platform.
struct UTCTimestamp: Sendable, Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// Whole seconds since 1970-01-01T00:00:00Z (fractions dropped, rounding toward the past).
    var unixSeconds: Int64

    init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        self.unixSeconds = seconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        self.hour = secondOfDay / 3600
        self.minute = secondOfDay % 3600 / 60
        self.second = secondOfDay % 60
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        self.day = Int(dayOfYear - (153 * monthPrime + 2) / 5 + 1)
        self.month = Int(monthPrime < 10 ? monthPrime + 3 : monthPrime - 9)
        self.year = Int(yearOfEra + era * 400) + (self.month <= 2 ? 1 : 0)
    }

    /// `2026-11-29T05:47:08Z`
    var iso8601: String {
        "\(dateOnly)T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    /// `2026-11-29`
    var dateOnly: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
