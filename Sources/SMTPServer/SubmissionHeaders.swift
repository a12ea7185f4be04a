import Foundation
import MailwardMIME

/// What a submission server adds to a message a client left incomplete (RFC 6409 §8.2, §8.3):
/// `Date:` and `Message-ID:` when missing — a message without them is refused or mis-sorted by
/// many receivers, and threads cannot point at it.
public enum SubmissionHeaders {
    public static func completed(_ raw: [UInt8], date: Date, hostname: String) -> [UInt8] {
        let offset = TimeZone.current.secondsFromGMT(for: date)
        return HeaderEditor.addingMissingFields([
            ("Date", MailDate.format(date, offsetSeconds: offset)),
            ("Message-ID", "<\(uniquePart())@\(TraceHeaders.sanitized(hostname))>"),
        ], in: raw)
    }

    /// 32 random hex digits: unique without saying anything about the sender or the time.
    static func uniquePart() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex(high) + hex(low)
    }
}
