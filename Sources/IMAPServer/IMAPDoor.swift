import IMAPCodec
import Logging
import MailwardCore
import MailwardNet
import NIOCore
import NIOSSL

/// The IMAP door (SPEC M4): serves one connection per call of ``serve(_:)`` — plug it into a
/// `TCPListener` for port 143 (STARTTLS) and 993 (implicit TLS).
public struct IMAPDoor: Sendable {
    public struct Settings: Sendable {
        /// Named in the greeting.
        public var hostname: String
        /// Autologout of an authenticated session without a command (RFC 3501 §5.4: at least 30 min).
        public var idleTimeout: TimeAmount
        /// Autologout before a successful login.
        public var preAuthTimeout: TimeAmount
        /// How long a connection may stay without logging in, however often it sends commands
        /// (a connection slot held by `NOOP` every minute is not a user's).
        public var loginDeadline: TimeAmount
        /// How long a literal under way (an APPEND's message) may pause before the session ends,
        /// as SMTP's `smtp.data-timeout`: its bytes so far hold a share of the message memory.
        public var literalTimeout: TimeAmount
        /// The longest a literal may take to arrive, however steadily it trickles in (SMTP's
        /// whole-message limit is 30 minutes): the APPEND limit's 50 MiB at 15 KB/s fits.
        public var maximumLiteralTransferTime: TimeAmount
        /// While a client idles, `* OK Still here` this often (Dovecot's `imap_idle_notify_interval`,
        /// 2 minutes): a NAT or a phone network that drops connections silent for a few minutes
        /// would otherwise end the push without either side knowing.
        public var idleKeepalive: TimeAmount
        public var limits: IMAPDecoderLimits
        /// STARTTLS is offered when set (and the connection is not TLS already).
        public var tlsContext: NIOSSLContext?

        public init(hostname: String = "localhost", idleTimeout: TimeAmount = .minutes(30),
                    preAuthTimeout: TimeAmount = .seconds(120), loginDeadline: TimeAmount = .minutes(5),
                    literalTimeout: TimeAmount = .seconds(180), maximumLiteralTransferTime: TimeAmount = .hours(1),
                    idleKeepalive: TimeAmount = .minutes(2),
                    limits: IMAPDecoderLimits = .default, tlsContext: NIOSSLContext? = nil) {
            self.hostname = hostname
            self.idleTimeout = idleTimeout
            self.preAuthTimeout = preAuthTimeout
            self.loginDeadline = loginDeadline
            self.literalTimeout = literalTimeout
            self.maximumLiteralTransferTime = maximumLiteralTransferTime
            self.idleKeepalive = idleKeepalive
            self.limits = limits
            self.tlsContext = tlsContext
        }
    }

    public let mail: MailService
    /// Asked on every command that touches a colleague's mailbox (`Shared/<owner>/…`).
    public let shares: ShareService
    public let authenticator: ProtocolAuthenticator
    public let settings: Settings
    /// Memory for APPEND literals being received, shared with the server's other doors.
    public let budget: MessageMemoryBudget
    public let logger: Logger

    public init(mail: MailService, shares: ShareService, authenticator: ProtocolAuthenticator, settings: Settings,
                budget: MessageMemoryBudget = MessageMemoryBudget(), logger: Logger) {
        self.mail = mail
        self.shares = shares
        self.authenticator = authenticator
        self.settings = settings
        self.budget = budget
        self.logger = logger
    }

    /// Runs one session until the client logs out, the connection drops, it times out, or the
    /// server shuts down.
    public func serve(_ connection: MailConnection) async {
        let session = IMAPSession(door: self, connection: connection)
        await session.run()
    }

    /// The reply sent to connections over the listener's limits.
    public static let overLimitReply = "* BYE [UNAVAILABLE] Too many connections, try again later\r\n"
}
