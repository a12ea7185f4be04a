/// How a configured smarthost is reached when opportunistic TLS is not enough: TLS required
/// (after STARTTLS or from the first byte) with a certificate that verifies for the relay's
/// name, and optionally a login (SMTP AUTH, RFC 4954). A next hop without it is any MX:
/// STARTTLS when offered, the certificate not checked (RFC 7435).
public struct RelaySecurity: Sendable, Equatable {
    public enum TLSMode: Sendable, Equatable {
        /// STARTTLS (RFC 3207), required: a relay that does not offer it gets nothing.
        case startTLS
        /// TLS from the first byte (RFC 8314, port 465).
        case implicit
    }

    public var tls: TLSMode
    /// A PEM file of the certificates the relay's chain must end in; nil: the system's trust store.
    public var trustRootsFile: String?
    /// A PEM file with the relay's own certificate (a self-signed one, which is no root): the
    /// relay must present exactly it; chain and name are then not asked.
    public var pinnedCertificateFile: String?
    public var login: RelayLogin?

    public init(tls: TLSMode, trustRootsFile: String? = nil, pinnedCertificateFile: String? = nil, login: RelayLogin? = nil) {
        self.tls = tls
        self.trustRootsFile = trustRootsFile
        self.pinnedCertificateFile = pinnedCertificateFile
        self.login = login
    }
}

/// The account at a relay. Its description never shows the password (it is logged nowhere).
public struct RelayLogin: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "RelayLogin(\(username), password: <redacted>)" }
}
