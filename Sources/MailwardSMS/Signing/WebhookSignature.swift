import Crypto
import MailwardCore

/// The signature Mailward puts on webhook deliveries, so the receiver can check that a request
/// came from this server and was not replayed later:
/// `X-Mailward-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`,
/// with the same `timestamp` (Unix seconds) in `X-Mailward-Timestamp`.
public enum WebhookSignature {
    public static let signatureHeader = "X-Mailward-Signature"
    public static let timestampHeader = "X-Mailward-Timestamp"

    public static func headerValue(secret: SMSSecret, timestamp: String, body: [UInt8]) -> String {
        "sha256=" + Array(mac(secret: secret, timestamp: timestamp, body: body)).lowercaseHex
    }

    /// Receiver-side check, in constant time. Provided for integrators and used by the tests.
    public static func isValid(headerValue: String, secret: SMSSecret, timestamp: String, body: [UInt8]) -> Bool {
        guard headerValue.hasPrefix("sha256="), let given = hexBytes(headerValue.dropFirst(7)) else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            given,
            authenticating: signedBytes(timestamp: timestamp, body: body),
            using: SymmetricKey(data: Array(secret.revealedValue.utf8))
        )
    }

    private static func mac(secret: SMSSecret, timestamp: String, body: [UInt8]) -> HMAC<SHA256>.MAC {
        HMAC<SHA256>.authenticationCode(
            for: signedBytes(timestamp: timestamp, body: body),
            using: SymmetricKey(data: Array(secret.revealedValue.utf8))
        )
    }

    private static func signedBytes(timestamp: String, body: [UInt8]) -> [UInt8] {
        Array(timestamp.utf8) + [UInt8(ascii: ".")] + body
    }

    private static func hexBytes(_ hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
