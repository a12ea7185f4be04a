/// An instant with the zone it was written in, as in APPEND and INTERNALDATE
/// (`date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`).
public struct IMAPDateTime: Sendable, Hashable, CustomStringConvertible {
    public var date: IMAPDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Offset from UTC in minutes (`+0800` is 480).
    public var zoneOffsetMinutes: Int

    public init?(date: IMAPDate, hour: Int, minute: Int, second: Int, zoneOffsetMinutes: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (-(24 * 60 - 1)...(24 * 60 - 1)).contains(zoneOffsetMinutes) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.zoneOffsetMinutes = zoneOffsetMinutes
    }

    /// The instant `secondsSince1970` shown in the zone `zoneOffsetMinutes` east of UTC.
    /// (Pass `Date().timeIntervalSince1970` truncated; the codec itself never reads a clock.)
    public init(secondsSince1970: Int64, zoneOffsetMinutes: Int) {
        let local = secondsSince1970 + Int64(zoneOffsetMinutes) * 60
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        self.date = IMAPDate(daysSince1970: Int(days))
        self.hour = secondOfDay / 3600
        self.minute = secondOfDay / 60 % 60
        self.second = secondOfDay % 60
        self.zoneOffsetMinutes = zoneOffsetMinutes
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64 {
        Int64(date.daysSince1970) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            - Int64(zoneOffsetMinutes) * 60
    }

    /// Parses the text between the quotes: `17-Jul-1996 02:44:25 -0700` (the day may be
    /// space-padded, ` 7-Jul-1996 ...`).
    public init?(_ text: String) {
        var text = Substring(text)
        if text.first == " " { text = text.dropFirst() }
        let fields = text.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, let date = IMAPDate(String(fields[0])) else { return nil }
        let time = fields[1].split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(time[0]), let m = Int(time[1]), let s = Int(time[2]) else { return nil }
        let zone = fields[2]
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
              zone.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              let hhmm = Int(zone.dropFirst()) else { return nil }
        let zh = hhmm / 100
        let zm = hhmm % 100
        guard zm < 60 else { return nil }
        let offset = (zh * 60 + zm) * (sign == "-" ? -1 : 1)
        self.init(date: date, hour: h, minute: m, second: s, zoneOffsetMinutes: offset)
    }

    /// `17-Jul-1996 02:44:25 -0700` (day padded to two characters with a space, as
    /// `date-day-fixed` requires); the encoder adds the quotes.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = date.day < 10 ? " \(date.day)" : "\(date.day)"
        let z = abs(zoneOffsetMinutes)
        let sign = zoneOffsetMinutes < 0 ? "-" : "+"
        let year = String(repeating: "0", count: max(0, 4 - String(date.year).count)) + String(date.year)
        return "\(day)-\(IMAPDate.monthNames[date.month - 1])-\(year) \(two(hour)):\(two(minute)):\(two(second)) \(sign)\(two(z / 60))\(two(z % 60))"
    }
}
