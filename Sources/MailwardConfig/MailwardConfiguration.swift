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
    public var delivery = DeliverySettings()

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

    /// Outbound delivery (the queue worker).
    public struct DeliverySettings: Sendable, Equatable {
        /// A smarthost (`host:port`) for every remote domain without its own route; empty means
        /// MX lookup.
        public var relayHost: String = ""
        /// Per-domain next hops: lowercased domain → `host:port`. They win over `relayHost`.
        public var routes: [String: String] = [:]
        /// The port of MX hosts (25; tests point it elsewhere).
        public var smtpPort: Int = 25
        /// Waits between attempts, in seconds; the last one repeats until `maxAge`.
        public var retrySchedule: [Double] = [300, 900, 1800, 3600, 7200, 14400]
        /// How long a message may stay queued before it bounces, in seconds (5 days).
        public var maxAge: Double = 5 * 86400
        /// How often the worker looks at the queue even when nothing woke it (CLI `queue retry`).
        public var pollInterval: Double = 15
        /// Timeout for connecting and for each SMTP reply, in seconds.
        public var timeout: Double = 300
        /// Messages delivered at once.
        public var concurrency: Int = 8
        /// Seconds after which a sender hears once that a message is still being retried;
        /// 0 means never.
        public var delayNoticeAfter: Double = 4 * 3600
    }
}
