/// Everything an administrator can configure. Every field has a default; the defaults are the
/// embedded mode of SPEC O1 (loopback, unprivileged ports, everything under one data folder).
/// `docs/configuration.md` documents every key; keep the two in step.
public struct MailwardConfiguration: Sendable, Equatable {
    /// The name this server calls itself in greetings, `Received:` lines and certificates.
    public var hostname: String = "localhost"
    /// The address every door listens on.
    public var listenAddress: String = "127.0.0.1"

    public var http = HTTPSettings()
    public var smtp = SMTPSettings()
    public var imap = IMAPSettings()
    public var pop3 = POP3Settings()
    public var tls = TLSSettings()
    public var log = LogSettings()
    public var mail = MailSettings()

    public init() {}

    public struct HTTPSettings: Sendable, Equatable {
        public var port: Int = 8080
        /// Set when a TLS-terminating proxy is in front: cookies get `Secure`.
        public var secureCookies: Bool = false
    }

    public struct SMTPSettings: Sendable, Equatable {
        /// Inbound (MX) port; 25 in production.
        public var port: Int = 2525
        /// Submission with STARTTLS; 587 in production.
        public var submissionPort: Int = 1587
        /// Submission over implicit TLS; 465 in production.
        public var submissionTLSPort: Int = 1465
        public var maxMessageSize: Int = 50 * 1024 * 1024
        public var maxRecipients: Int = 1000
        /// Seconds the server waits for the next command (RFC 5321 §4.5.3.2.7: at least 300).
        public var commandTimeout: Int = 300
        /// Seconds the server waits for more message data mid-DATA/BDAT before giving up.
        public var dataTimeout: Int = 180
    }

    public struct IMAPSettings: Sendable, Equatable {
        public var port: Int = 1143
        public var tlsPort: Int = 1993
    }

    public struct POP3Settings: Sendable, Equatable {
        public var port: Int = 1110
        public var tlsPort: Int = 1995
    }

    public struct TLSSettings: Sendable, Equatable {
        /// PEM certificate chain; empty means a self-signed certificate made in the data folder.
        public var certificate: String = ""
        /// PEM private key for `certificate`.
        public var key: String = ""
    }

    public struct LogSettings: Sendable, Equatable {
        public var level: String = "info"
        /// `text` or `json`.
        public var format: String = "text"
    }

    public struct MailSettings: Sendable, Equatable {
        /// Storage quota for each new account, in bytes.
        public var defaultQuota: Int = 10 * 1024 * 1024 * 1024
    }
}
