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

    /// The sender's Sent copy with its blind recipients named, as the webmail files it: clients
    /// leave `Bcc:` out of what they submit (RFC 5322 §3.6.3 allows it; smtplib, Thunderbird and
    /// Outlook do), so the envelope recipients that `To:` and `Cc:` do not name were the blind
    /// copies, and only the sender's copy may say so. A message that has a `Bcc:` keeps its own.
    public static func namingBlindRecipients(_ raw: [UInt8], envelope recipients: [String]) -> [UInt8] {
        guard !HeaderEditor.hasField(named: "Bcc", in: raw) else { return raw }
        let fields = MIMEParser.headerFields(raw)
        var listed = Set((fields.all(named: "To") + fields.all(named: "Cc")).flatMap(AddressParser.parse).map { $0.address.lowercased() })
        let blind = recipients.filter { listed.insert($0.lowercased()).inserted }.map { MailAddress(address: $0) }
        return blind.isEmpty ? raw : HeaderEditor.settingAddressField("Bcc", to: blind, in: raw)
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
