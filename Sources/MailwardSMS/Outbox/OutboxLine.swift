import Foundation
import MailwardCore

/// The outbox file format (SPEC A11): one JSON object per line, keys in the order
/// `at`, `to`, `text`, UTF-8 without escaping non-ASCII, ending in a single `\n`.
public enum OutboxLine {
    public static func encode(_ message: SMSMessage, at date: Date) -> String {
        JSONText.stringObject([
            ("at", UTCTimestamp(date).iso8601),
            ("to", message.to),
            ("text", message.text),
        ]) + "\n"
    }
}
