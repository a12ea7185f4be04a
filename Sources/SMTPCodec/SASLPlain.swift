/// The PLAIN SASL mechanism (RFC 4616), shared by SMTP, IMAP and POP3.
///
///     message   = [authzid] UTF8NUL authcid UTF8NUL passwd
///     authcid   = 1*SAFE ; MUST accept up to 255 octets
///     authzid   = 1*SAFE ; MUST accept up to 255 octets
///     passwd    = 1*SAFE ; MUST accept up to 255 octets
///     SAFE      = UTF1 / UTF2 / UTF3 / UTF4 ; any UTF-8 except NUL
///
/// NOTE for the lead: this file is meant to move to a shared SASL module (with SASLBase64,
/// SASLResponse and SASLLogin) so IMAP/POP3 can use it without depending on SMTPCodec.
public enum SASLPlain {
    /// The decoded credentials. `description` never shows the password.
    public struct Credentials: Hashable, Sendable, CustomStringConvertible {
        /// The identity to act as; nil when the client sent none (act as ``authenticationID``).
        public var authorizationID: String?
        /// The user name that is authenticated.
        public var authenticationID: String
        public var password: String

        public init(authorizationID: String?, authenticationID: String, password: String) {
            self.authorizationID = authorizationID
            self.authenticationID = authenticationID
            self.password = password
        }

        public var description: String {
            "SASLPlain.Credentials(authzid: \(self.authorizationID ?? "-"), authcid: \(self.authenticationID), password: <redacted>)"
        }
    }

    /// Longest field accepted: generous above the 255 RFC 4616 requires, but bounded.
    public static let maximumFieldLength = 1024

    /// Decodes a base64 PLAIN message; nil if the base64, the NUL structure, the UTF-8 or the
    /// field lengths are wrong, or authcid/password are empty.
    public static func decode(_ base64: some StringProtocol) -> Credentials? {
        guard let bytes = SASLBase64.decode(base64) else { return nil }
        return Self.decode(bytes: bytes)
    }

    /// Decodes an already base64-decoded PLAIN message.
    public static func decode(bytes: [UInt8]) -> Credentials? {
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: false)
        guard fields.count == 3, !fields[1].isEmpty, !fields[2].isEmpty,
            fields.allSatisfy({ $0.count <= Self.maximumFieldLength }),
            let authzid = validUTF8String(fields[0]), let authcid = validUTF8String(fields[1]),
            let password = validUTF8String(fields[2])
        else { return nil }
        return Credentials(authorizationID: authzid.isEmpty ? nil : authzid, authenticationID: authcid, password: password)
    }

    /// Builds the base64 message a client sends (outbound SMTP AUTH, tests).
    public static func encode(_ credentials: Credentials) -> String {
        var bytes = Array((credentials.authorizationID ?? "").utf8)
        bytes.append(0)
        bytes.append(contentsOf: credentials.authenticationID.utf8)
        bytes.append(0)
        bytes.append(contentsOf: credentials.password.utf8)
        return SASLBase64.encode(bytes)
    }
}
