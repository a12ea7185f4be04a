import Crypto
import Foundation

/// The server's secret key (32 random bytes in `<data>/server.key`, DESIGN "Data"). Every
/// high-entropy or short-lived secret — client-specific passwords, SMS codes, challenge, session
/// and device tokens — is stored as HMAC-SHA-256 under this key: fast enough for mail clients that
/// log in every minute, and useless to someone who copied the database but not the key.
public struct ServerKey: Sendable {
    /// Separates the uses, so a hash of one kind never matches a secret of another kind.
    public enum Purpose: String, Sendable {
        case appPassword = "app-password"
        case smsCode = "sms-code"
        case challenge
        case session
        case csrf
        case trustedDevice = "trusted-device"
        /// Opaque mailbox and message ids of the webmail and the JSON API.
        case mailID = "mail-id"
        /// An authenticator app's shared secret, sealed (B1): the one secret the server must be
        /// able to read back, since it computes the app's codes.
        case authenticatorSecret = "authenticator-secret"
        /// A secret offered to an authenticator app, not confirmed yet (sealed in the setup token).
        case authenticatorSetup = "authenticator-setup"
        case recoveryCode = "recovery-code"
        /// WebAuthn: a registration's challenge (sealed in its token), a sign-in's challenge, the
        /// opaque user handle.
        case webAuthn = "webauthn"
        /// The key's own fingerprint, which nodes sharing a database compare (it reveals nothing
        /// of the key).
        case fingerprint
    }

    public static let byteCount = 32
    private let key: SymmetricKey

    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw MailwardError.invalidValue("the server key must be \(Self.byteCount) bytes, found \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
    }

    public static func generate(_ random: any RandomSource = SystemRandomSource()) -> ServerKey {
        // A fresh 32-byte array always has the right size.
        try! ServerKey(bytes: random.bytes(byteCount))
    }

    /// Lower-case hex HMAC-SHA-256 of `purpose` and `secret`.
    public func hash(_ purpose: Purpose, _ secret: String) -> String {
        var message = Data(purpose.rawValue.utf8)
        message.append(0)
        message.append(Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return mac.lowercaseHex
    }

    /// 63 bits that tell this key from another: nodes sharing one database must share the key
    /// (sessions, codes and authenticator secrets are keyed or sealed with it).
    public var fingerprint: Int64 {
        let bytes = mac(.fingerprint, "mailward node key")
        return Int64(bitPattern: bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }) & .max
    }

    /// The raw HMAC-SHA-256 of `purpose` and `message` (for tokens that carry their own MAC,
    /// such as the webmail's opaque ids).
    public func mac(_ purpose: Purpose, _ message: String) -> [UInt8] {
        var data = Data(purpose.rawValue.utf8)
        data.append(0)
        data.append(Data(message.utf8))
        return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
    }

    /// Encrypts `plaintext` (AES-256-GCM under a key derived from this one for `purpose`), bound
    /// to `context`: a sealed value opens only for the same purpose and context (an account), so
    /// one copied to another account's row does not open. Base64.
    public func seal(_ purpose: Purpose, _ plaintext: [UInt8], context: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: subkey(purpose), authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw MailwardError.invalidValue("AES-GCM gave no combined form") }
        return combined.base64EncodedString()
    }

    /// The plaintext of ``seal(_:_:context:)``'s answer, or nil when it was not sealed by this key
    /// for this purpose and context (or was changed).
    public func open(_ purpose: Purpose, _ sealed: String, context: String) -> [UInt8]? {
        guard sealed.utf8.count <= 4_096, let data = Data(base64Encoded: sealed),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plaintext = try? AES.GCM.open(box, using: subkey(purpose), authenticating: Data(context.utf8))
        else { return nil }
        return Array(plaintext)
    }

    /// ``seal(_:_:context:)`` of `payload` with an end: a token a browser carries between two
    /// steps of a setup, which ``openUnexpired(_:_:context:now:)`` opens only until `expiresAt`.
    public func sealExpiring(_ purpose: Purpose, _ payload: [UInt8], expiresAt: Date, context: String) throws -> String {
        var end = UInt64(max(0, expiresAt.timeIntervalSince1970)).bigEndian
        return try seal(purpose, withUnsafeBytes(of: &end) { Array($0) } + payload, context: context)
    }

    /// The payload of ``sealExpiring(_:_:expiresAt:context:)``'s token, or nil when it is not ours
    /// for this purpose and context, or its end has passed.
    public func openUnexpired(_ purpose: Purpose, _ token: String, context: String, now: Date) -> [UInt8]? {
        guard let sealed = open(purpose, token, context: context), sealed.count >= 8 else { return nil }
        let end = sealed.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
        guard Double(end) > now.timeIntervalSince1970 else { return nil }
        return Array(sealed.dropFirst(8))
    }

    private func subkey(_ purpose: Purpose) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("mailward-seal\u{0}\(purpose.rawValue)".utf8), outputByteCount: 32)
    }

    /// Compares a secret with a stored hash in constant time.
    public func matches(_ purpose: Purpose, _ secret: String, hash stored: String) -> Bool {
        ConstantTime.equals(Array(hash(purpose, secret).utf8), Array(stored.utf8))
    }
}

/// Random bearer tokens (sessions, challenges, trusted devices): 256 bits, base64url without
/// padding, safe in cookies and JSON.
public enum SecretToken {
    public static func generate(_ random: any RandomSource) -> String {
        Base64URL.encode(random.bytes(32))
    }

    /// Whether `text` has the shape of a token (43 base64url characters); anything else is
    /// refused before it reaches a hash or the store.
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(text) != nil
    }
}
