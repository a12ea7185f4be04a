import Crypto
import Foundation

/// Time-based one-time passwords for authenticator apps (B1; RFC 6238 over RFC 4226's HOTP):
/// HMAC-SHA-1 of the number of 30-second steps since 1970, truncated to six digits — what Google
/// Authenticator, Microsoft Authenticator, FreeOTP and 1Password compute by default, so the
/// `otpauth:` URI names no non-default parameter they might ignore.
public enum TOTP {
    public static let period: Int64 = 30
    public static let digits = 6
    /// 160 bits, RFC 4226's recommended length for SHA-1 (32 Base32 characters).
    public static let secretByteCount = 20
    /// Steps either side of now that are still accepted: a phone's clock a little off, a code
    /// typed as it changed (RFC 6238 §5.2 recommends at most one).
    public static let window: Int64 = 1

    /// The step (time slice) `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code of `step` (RFC 4226 §5.3 dynamic truncation), zero-padded.
    public static func code(secret: [UInt8], step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step whose code `typed` is, within ``window`` of `date`'s, or nil. Blanks in the input
    /// are ignored (apps show `123 456`). Every candidate is compared, in constant time, so the
    /// answer's timing does not say which step matched.
    public static func matchingStep(secret: [UInt8], typed: String, at date: Date) -> Int64? {
        guard typed.utf8.count <= 32 else { return nil }
        let compact = typed.filter { !$0.isWhitespace }
        guard compact.count == digits, compact.allSatisfy(\.isASCII), compact.allSatisfy(\.isNumber) else { return nil }
        let now = step(at: date)
        var found: Int64?
        for candidate in (now - window)...(now + window) {
            if ConstantTime.equals(Array(code(secret: secret, step: candidate).utf8), Array(compact.utf8)), found == nil {
                found = candidate
            }
        }
        return found
    }

    /// The `otpauth://totp/…` URI an authenticator app reads (from a link or a QR code): the
    /// label `issuer:address`, the secret in Base32 and the issuer again (Key Uri Format).
    public static func uri(secret: [UInt8], issuer: String, account: String) -> String {
        // Issuer and account encoded each, joined by a literal colon (what every app reads).
        let label = [issuer, account].map { $0.addingPercentEncoding(withAllowedCharacters: uriSafe) ?? "" }.joined(separator: ":")
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: uriSafe) ?? "Mailward"
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    private static let uriSafe: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        set.insert(charactersIn: "-._~@")
        return set
    }()
}

/// RFC 4648 Base32 (upper case, no padding): how authenticator apps take a secret typed by hand.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes in any case, ignoring blanks and `=` padding; nil for any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != 0x20 && character != 0x3D {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
