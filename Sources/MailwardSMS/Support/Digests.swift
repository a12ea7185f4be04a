import Crypto
import MailwardCore

/// The two primitives the vendor signatures are built from, with the byte/hex plumbing in one place.
enum Digests {
    static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).lowercaseHex
    }

    static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    static func hmacSHA256(key: some Sequence<UInt8>, message: String) -> [UInt8] {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key)))
        return Array(mac)
    }

    static func hmacSHA256Hex(key: some Sequence<UInt8>, message: String) -> String {
        hmacSHA256(key: key, message: message).lowercaseHex
    }
}
