import Foundation

/// RFC 5322 §3.3 dates: parsing (lenient, obsolete zones and 2-digit years accepted) and formatting.
/// Pure arithmetic — no Calendar, no locale, no clock.
public enum MailDate {
    /// Parses `[day-of-week ","] day month year hour ":" minute [":" second] zone`, tolerating
    /// comments, missing commas or seconds, `+hh:mm` zones, obsolete zone names (UT, GMT, EST...,
    /// military letters count as -0000) and 2- or 3-digit years (RFC 5322 §4.3).
    public static func parse(_ value: String) -> Date? {
        parseWithZone(value)?.date
    }

    /// Like ``parse(_:)``, with the zone the date was written in (seconds east of UTC; 0 when it
    /// named none). IMAP's SENTON and friends compare the day as written, "disregarding time
    /// and timezone" (RFC 3501 §6.4.4).
    public static func parseWithZone(_ value: String) -> (date: Date, offsetSeconds: Int)? {
        // Drop comments, split on blanks and commas.
        var cleaned: [UInt8] = []
        var depth = 0
        for b in value.utf8.prefix(200) {
            if b == ASCII.openParen { depth += 1; continue }
            if b == ASCII.closeParen { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(b) }
        }
        let tokens = cleaned.split(whereSeparator: { $0.isWhitespaceOrNewline || $0 == ASCII.comma })
        var day: Int?, month: Int?, year: Int?
        var hour: Int?, minute = 0, second = 0
        var offset: Int?
        for token in tokens {
            let t = Array(token)
            if t.contains(ASCII.colon), hour == nil {
                let pieces = t.split(separator: ASCII.colon, omittingEmptySubsequences: false).map { number($0) }
                guard pieces.count >= 2, let h = pieces[0], let m = pieces[1] else { return nil }
                hour = h
                minute = m
                if pieces.count >= 3 { second = pieces[2] ?? 0 }
            } else if (t[0] == ASCII.plus || t[0] == ASCII.dash) && t.count >= 3, offset == nil, hour != nil {
                let digits = t.dropFirst().filter { $0 != ASCII.colon }
                guard digits.count == 4 || digits.count == 2, let n = number(digits[...]) else { continue }
                let minutes = digits.count == 4 ? (n / 100) * 60 + n % 100 : n * 60
                offset = (t[0] == ASCII.dash ? -1 : 1) * minutes * 60
            } else if t.allSatisfy(\.isASCIIDigit) {
                guard let n = number(t[...]) else { continue }
                if day == nil && t.count <= 2 {
                    day = n
                } else if year == nil {
                    year = t.count <= 2 ? (n < 50 ? 2000 + n : 1900 + n) : (t.count == 3 ? 1900 + n : n)
                }
            } else if t.allSatisfy(\.isASCIILetter) {
                let lower = String(decoding: t.map(\.asciiLowercased), as: UTF8.self)
                if month == nil, lower.count >= 3, let m = months.firstIndex(of: String(lower.prefix(3))) {
                    month = m + 1
                } else if hour != nil, offset == nil, let z = zones[lower] {
                    offset = z * 3600
                } else if hour != nil, offset == nil, lower.count == 1 {
                    offset = 0  // military zone: RFC 5322 says treat as -0000
                }
            }
        }
        guard let d = day, let mo = month, let y = year, let h = hour,
              (1...31).contains(d), (1...12).contains(mo), (1000...9999).contains(y),
              (0...23).contains(h), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(year: y, month: mo, day: d)
        let seconds = days * 86_400 + h * 3600 + minute * 60 + second - (offset ?? 0)
        return (Date(timeIntervalSince1970: TimeInterval(seconds)), offset ?? 0)
    }

    /// Formats as RFC 5322 (`Sun, 29 Nov 2026 05:49:07 +0800`) in the zone `offsetSeconds` east of UTC.
    public static func format(_ date: Date, offsetSeconds: Int = 0) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        var days = total / 86_400
        var secs = total % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday
        let sign = offsetSeconds < 0 ? "-" : "+"
        let off = abs(offsetSeconds) / 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[weekday]), \(d) \(monthNames[m - 1]) \(y) \(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60)) \(sign)\(two(off / 60))\(two(off % 60))"
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
        "pst": -8, "pdt": -7,
    ]

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
