import Foundation
/// Everything an administrator can configure. Every field has a default; the defaults are the
/// embedded mode of SPEC O1 (loopback, unprivileged ports, everything under one data folder).
/// `docs/configuration.md` documents every key; keep the two in step.
public struct MailwardConfiguration: Sendable, Equatable {
    /// Keys of the configuration file that no setting reads (misspelled?); the server warns.
    public var unknownKeys: [String] = []
    /// The name this server calls itself in greetings, `Received:` lines and certificates.
    public var hostname: String = "localhost"
    /// The address every door listens on.
    public var listenAddress: String = "127.0.0.1"

    public var http = HTTPSettings()
    public var smtp = SMTPSettings()
    public var imap = IMAPSettings()
    public var pop3 = POP3Settings()
    public var connections = ConnectionLimits()
    public var tls = TLSSettings()
    public var log = LogSettings()
    public var mail = MailSettings()
    public var storage = StorageSettings()
    public var filters = FilterSettings()
    public var dns = DNSSettings()
    public var clientSetup = ClientSetupSettings()
    public var twoStep = TwoStepConfig()
    public var signIn = SignInConfig()
    public var sms = SMSConfig()
    public var delivery = DeliverySettings()

    public init() {}

    public struct HTTPSettings: Sendable, Equatable {
        public var port: Int = 8080
        /// Set when a TLS-terminating proxy is in front: cookies get `Secure`.
        public var secureCookies: Bool = false
        /// Seconds without a request after which a web session ends.
        public var sessionIdleTimeout: Int = 30 * 60
        /// Seconds after sign-in at which a web session ends regardless of activity.
        public var sessionAbsoluteTimeout: Int = 12 * 3600
        /// Seconds an HTTP connection may send nothing while a request is due or half-received
        /// (headers incomplete, body stalled) before it is closed; also ends idle keep-alive connections.
        public var requestTimeout: Int = 30
        /// Seconds a client may take nothing of a response before its connection is closed (as
        /// nginx's `send_timeout`: a download is never cut while the client keeps taking it).
        public var sendTimeout: Int = 120
        /// Addresses and networks (CIDR) of the proxies in front of the web door: the
        /// `X-Forwarded-For` they write names the client. Loopback by default (a proxy on the
        /// same machine); empty: the connection's peer is always the client.
        public var trustedProxies: [String] = ["127.0.0.0/8", "::1"]
        /// Open web connections admitted in all; more are answered 503.
        public var maxConnections: Int = 4000
        /// Open web connections per client address (a trusted proxy counts towards the total
        /// only): a browser opens up to six per server, so this leaves room for a NAT's users.
        public var maxConnectionsPerIP: Int = 100
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
        /// Recipients in other domains one account may send to per hour and per day, through
        /// submission and the webmail (`SendingLimits`); 0: no limit.
        public var maxRemoteRecipientsPerHour: Int = 1000
        public var maxRemoteRecipientsPerDay: Int = 5000
        /// Seconds the server waits for the next command (RFC 5321 §4.5.3.2.7: at least 300).
        public var commandTimeout: Int = 300
        /// Seconds the server waits for more message data mid-DATA/BDAT before giving up.
        public var dataTimeout: Int = 180
        /// The account (or alias) that receives postmaster@ of every local domain without a
        /// postmaster of its own, and the bare `<postmaster>`; empty: none.
        public var postmaster: String = ""
        /// Whether the MX door offers DSN (RFC 3461), as Postfix does. A sender may then ask for
        /// a "delivered" report, which goes to whatever envelope sender the message named — a
        /// forged one included (backscatter). Off: not offered there, and its parameters refused
        /// (Postfix's `smtpd_discard_ehlo_keywords = dsn`). Submission always offers it.
        public var mxDSN: Bool = true
    }

    public struct IMAPSettings: Sendable, Equatable {
        public var port: Int = 1143
        public var tlsPort: Int = 1993
    }

    public struct POP3Settings: Sendable, Equatable {
        public var port: Int = 1110
        public var tlsPort: Int = 1995
    }

    /// Limits each SMTP, IMAP and POP3 listener applies to new connections (`TCPListener`).
    /// The per-IP limit keeps one host from taking every slot; raise it for a campus behind one
    /// NAT address, or for load tests from loopback.
    public struct ConnectionLimits: Sendable, Equatable {
        /// Open connections per listening port.
        public var max: Int = 2000
        /// Open connections per client IP address per listening port.
        public var maxPerIP: Int = 50
        /// Addresses and networks (CIDR) of TCP load balancers in front of the mail doors whose
        /// connections start with a PROXY protocol header (v1 or v2) naming the client. Empty:
        /// no PROXY protocol; every peer is the client.
        public var proxyProtocolNetworks: [String] = []
        /// Memory for messages being received, all doors together (SMTP DATA/BDAT, IMAP
        /// APPEND, the webmail's send, drafts and uploads); past it they are refused with
        /// "try again later". At least twice `smtp.max-message-size`.
        public var messageMemory: Int = 512 * 1024 * 1024
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

    /// Where accounts, folders and messages live: the SQLite file in the data folder, or a
    /// PostgreSQL database (larger installations, several server nodes).
    public struct StorageSettings: Sendable, Equatable {
        /// `postgres://user:password@host:5432/database`; empty: SQLite in the data folder.
        public var postgresURL: String = ""
        /// Seconds an operation waits for a PostgreSQL connection while the server cannot be
        /// reached, before the doors answer with a temporary failure.
        public var postgresConnectionWait: Double = 15

        /// ``postgresURL`` as it may be printed or logged: without its password.
        public var printablePostgresURL: String {
            guard var parts = URLComponents(string: postgresURL), parts.password != nil else { return postgresURL }
            parts.password = nil
            return parts.string ?? "(the configured URL)"
        }
    }

    /// Content filters on incoming (MX) mail: a virus scanner and a spam filter (SPEC M9).
    public struct FilterSettings: Sendable, Equatable {
        /// clamd's TCP `host:port` or Unix socket path; empty: no virus scanning.
        public var clamd: String = ""
        /// rspamd's normal worker, e.g. `http://127.0.0.1:11333`; empty: no spam filtering.
        public var rspamdURL: String = ""
        /// When a filter cannot be asked: `defer` (451, the sender retries) or `accept` (unchecked).
        public var onError: String = "defer"
        /// Seconds to wait for a filter's answer.
        public var timeout: Int = 30
        /// SPF, DKIM and DMARC checks of incoming mail: `off`, `report` (an
        /// `Authentication-Results` field on every message) or `enforce` (also DMARC's
        /// `reject` and `quarantine`). Off by default: they need working DNS.
        public var authentication: String = "off"
    }

    /// The DNS servers asked for MX routing and the sender checks.
    /// What mail clients are told to connect to (SPEC B7: autoconfig, autodiscover, Apple
    /// profiles, the settings page) when it differs from what the server listens on — a port
    /// forwarded (`993` to `1993`), a load balancer's name. Empty or 0: `hostname`, the listening port.
    public struct ClientSetupSettings: Sendable, Equatable {
        public var hostname: String = ""
        public var imapPort: Int = 0
        public var imapTLSPort: Int = 0
        public var pop3Port: Int = 0
        public var pop3TLSPort: Int = 0
        public var submissionPort: Int = 0
        public var submissionTLSPort: Int = 0
    }

    public struct DNSSettings: Sendable, Equatable {
        /// Recursive resolvers by IP address; empty: the `nameserver` lines of /etc/resolv.conf.
        public var servers: [String] = []
        /// Their port (53; tests use a private server on a high port).
        public var port: Int = 53
        /// Seconds to wait for one answer.
        public var timeout: Double = 5
    }

    public struct MailSettings: Sendable, Equatable {
        /// Storage quota for each new account, in bytes.
        public var defaultQuota: Int = 10 * 1024 * 1024 * 1024
    }

    /// SMS codes and trusted devices (SPEC A4, A10).
    public struct TwoStepConfig: Sendable, Equatable {
        public var codeLifetime: Int = 300
        public var codeMaxAttempts: Int = 5
        public var codeResendInterval: Int = 60
        public var dailyCodesPerNumber: Int = 10
        public var dailyCodesPerAccount: Int = 20
        public var hourlyCodesPerIP: Int = 30
        public var challengeLifetime: Int = 600
        public var trustedDeviceDays: Int = 7
        /// The name SMS texts start with, e.g. 【Mailward】.
        public var systemName: String = "Mailward"
        /// SMS pumping (B8): country calling codes binding codes may go to (empty: all), and
        /// texts per calendar month (0: no cap).
        public var smsCountries: [String] = []
        public var monthlySMSLimit: Int = 0
    }

    /// Throttling of failed sign-ins at every door (SPEC A1).
    public struct SignInConfig: Sendable, Equatable {
        public var failuresPerAccount: Int = 10
        public var failuresPerIP: Int = 50
        public var failureWindow: Int = 900
    }

    /// The SMS provider (SPEC A11). The keys of the chosen provider are checked at start-up.
    public struct SMSConfig: Sendable, Equatable {
        /// `outbox` (default: `<data>/sms-outbox.jsonl`), `webhook`, `aliyun`, `tencent` or `twilio`.
        public var provider: String = "outbox"
        public var webhookURL: String = ""
        public var webhookSecret: String = ""
        public var timeout: Int = 10
        public var aliyun = AliyunConfig()
        public var tencent = TencentConfig()
        public var twilio = TwilioConfig()
    }

    /// Alibaba Cloud SMS (`SendSms`, ACS3-HMAC-SHA256). Templates are `TemplateCode`s; the
    /// per-purpose ones are optional overrides of `template`.
    public struct AliyunConfig: Sendable, Equatable {
        public var accessKeyID: String = ""
        public var accessKeySecret: String = ""
        public var signName: String = ""
        public var template: String = ""
        public var templateSignIn: String = ""
        public var templateBind: String = ""
        public var templateUnbind: String = ""
    }

    /// Tencent Cloud SMS (`SendSms`, TC3-HMAC-SHA256).
    public struct TencentConfig: Sendable, Equatable {
        public var secretID: String = ""
        public var secretKey: String = ""
        public var sdkAppID: String = ""
        public var signName: String = ""
        public var template: String = ""
        public var templateSignIn: String = ""
        public var templateBind: String = ""
        public var templateUnbind: String = ""
        public var region: String = "ap-guangzhou"
    }

    /// Twilio (Messages API): a `from` number or a messaging service.
    public struct TwilioConfig: Sendable, Equatable {
        public var accountSID: String = ""
        public var authToken: String = ""
        public var from: String = ""
        public var messagingServiceSID: String = ""
    }
}

extension MailwardConfiguration {
    /// Every door on a port the system picks (tests and side-by-side runs never collide).
    public mutating func useEphemeralPorts() {
        http.port = 0
        smtp.port = 0
        smtp.submissionPort = 0
        smtp.submissionTLSPort = 0
        imap.port = 0
        imap.tlsPort = 0
        pop3.port = 0
        pop3.tlsPort = 0
    }

    /// The same as environment overrides, for a `mailward serve` process.
    public static let ephemeralPortEnvironment: [String: String] = [
        "MAILWARD_HTTP_PORT": "0", "MAILWARD_SMTP_PORT": "0", "MAILWARD_SMTP_SUBMISSION_PORT": "0",
        "MAILWARD_SMTP_SUBMISSION_TLS_PORT": "0", "MAILWARD_IMAP_PORT": "0", "MAILWARD_IMAP_TLS_PORT": "0",
        "MAILWARD_POP3_PORT": "0", "MAILWARD_POP3_TLS_PORT": "0",
    ]
    /// Outbound delivery (the queue worker).
    public struct DeliverySettings: Sendable, Equatable {
        /// `delivery.relay-tls`, as written in the file.
        public enum RelayTLS: String, Sendable, Equatable, CaseIterable {
            case opportunistic, starttls, implicit
        }

        /// A smarthost (`host:port`) for every remote domain without its own route; empty means
        /// MX lookup.
        public var relayHost: String = ""
        /// How `relayHost` is reached: `opportunistic` (STARTTLS when offered, the certificate not
        /// checked, as with any MX), `starttls` (STARTTLS required) or `implicit` (TLS from the
        /// first byte, port 465). With `starttls` and `implicit` the certificate must verify for
        /// the relay's name, and nothing is sent otherwise.
        public var relayTLS: RelayTLS = .opportunistic
        /// PEM certificates the relay's chain must end in; empty: the system's trust store.
        public var relayCAFile: String = ""
        /// The relay's own certificate (PEM), pinned: for a relay with a self-signed certificate.
        public var relayCertificate: String = ""
        /// The account at the relay (SMTP AUTH PLAIN, or LOGIN); empty: no AUTH. Sent only over
        /// verified TLS, so it needs `relayTLS` `starttls` or `implicit`.
        public var relayUsername: String = ""
        public var relayPassword: String = ""
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
