import Crypto
import Foundation

/// A second, deliberately naive implementation of the pieces the vendors' servers compute, used
/// by the server-side checks in the HTTP tests. It shares no code with MailwardSMS (Foundation's
/// percent-encoding and date formatting instead of the module's own), so a bug in the module's
/// helpers cannot hide by being present on both sides.
enum Independent {
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func sha256Hex(_ text: String) -> String { sha256Hex(Array(text.utf8)) }

    static func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }

    /// Splits `a=b&c=d` and percent-decodes both sides (`+` is not special here).
    static func decodeQuery(_ raw: String) -> [(String, String)] {
        raw.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding!
            let value = parts.count > 1 ? String(parts[1]).removingPercentEncoding! : ""
            return (name, value)
        }
    }

    static func utcDate(unixSeconds: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
    }

    /// `key=value` fields of an `Authorization` header after the algorithm name.
    static func authorizationFields(_ header: String) -> [String: String] {
        let afterAlgorithm = header.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
        var fields: [String: String] = [:]
        for part in afterAlgorithm.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        return fields
    }
}
