import Foundation
import MailwardCore

/// The ends of shares (B6), of client-specific passwords (B4) and of automatic replies: one strict parser.
extension JSONBody {
    /// `expires_at` (or `field`) of a request: absent (nil), `null` (.some(nil): no end), or an
    /// RFC 3339 time (`2027-01-31T23:59:59+08:00`).
    func expiry(_ language: Language, field: String = "expires_at") throws -> Date?? {
        guard let raw = fields[field] else { return nil }
        if raw is NSNull { return .some(nil) }
        guard let text = raw as? String, let date = Self.rfc3339(text) else {
            throw APIFailure(status: .badRequest, code: "invalid_expiry",
                             message: language == .en ? "\(field) must be a time like 2027-01-31T23:59:59+08:00, or null."
                                 : "\(field) 须为 2027-01-31T23:59:59+08:00 这样的时间，或 null")
        }
        return .some(date)
    }

    /// An RFC 3339 time, strictly: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` naming a real
    /// moment (no 30 February, no 24:00, offsets within ±14:00). Foundation's parser alone rolls
    /// such values over silently.
    static func rfc3339(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ (48...57).contains(bytes[$0]) }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
              let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
              let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19) else { return nil }
        var index = 19
        if bytes[index] == 46 {
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 90, index == bytes.count - 1 {
            offset = 0
        } else if bytes[index] == 43 || bytes[index] == 45, bytes.count == index + 6, bytes[index + 3] == 58,
                  let hours = digits(index + 1..<index + 3), let minutes = digits(index + 4..<index + 6), hours <= 14, minutes < 60 {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 43 ? 1 : -1)
        } else {
            return nil
        }
        guard let zone = TimeZone(secondsFromGMT: offset), hour < 24, minute < 60, second < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day) else {
            return nil
        }
        let fraction = text.utf8.count > 20 && bytes[19] == 46
            ? Double("0" + String(decoding: bytes[19..<index], as: UTF8.self)) ?? 0 : 0
        return date.addingTimeInterval(fraction)
    }
}
