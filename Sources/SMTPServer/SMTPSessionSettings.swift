/// Which SMTP door a session serves: it decides relaying, AUTH and the sender rule.
public enum SMTPDoorMode: String, Sendable {
    /// Port 25: mail *for* local domains from anyone; never relays, never uses AUTH.
    case inbound
    /// Ports 587/465: mail *from* authenticated users to anyone.
    case submission
}

/// The fixed settings of one session (from the configuration and the connection).
public struct SMTPSessionSettings: Sendable {
    public var mode: SMTPDoorMode
    /// The name in the greeting, EHLO reply and `Received:` lines.
    public var hostname: String
    public var maximumMessageSize: Int
    public var maximumRecipients: Int
    /// STARTTLS can be offered (a TLS context exists and the connection is not TLS yet).
    public var startTLSAvailable: Bool
    /// The connection is TLS from the first byte (port 465).
    public var implicitTLS: Bool
    /// Loopback clients may authenticate without TLS (SPEC M2).
    public var isLoopback: Bool
    /// Remote recipients can be queued (submission with an outbound queue wired).
    public var outboundAvailable: Bool
    /// RFC 5321 §4.5.3.2.7: at least 5 minutes waiting for a command.
    public var commandTimeout: Duration
    /// RFC 5321 §4.5.3.2.6 (client side 3 minutes per data block): the longest pause mid-DATA.
    public var dataTimeout: Duration
    /// The longest a whole message (DATA, or all BDAT chunks) may take to arrive, however
    /// steadily it trickles in: a client sending a byte every few minutes is cut off here.
    public var maximumMessageTransferTime: Duration = .seconds(1800)
    /// Protocol errors tolerated before 421 (Postfix's hard error limit is 20).
    public var maximumErrors: Int
    /// Commands that move no mail (NOOP, RSET, VRFY, EXPN, HELP, HELO/EHLO) allowed between two
    /// accepted messages before each further one counts as an error (Postfix's
    /// `smtpd_junk_command_limit`, 100).
    public var junkCommandLimit: Int = 100
    /// Failed AUTH attempts tolerated on one connection before 421.
    public var maximumAuthenticationFailures: Int
    /// Recipients refused as unknown on one connection before every further RCPT is answered
    /// only after ``recipientTarpitDelay`` (Postfix's `smtpd_soft_error_limit`, 10, and
    /// `smtpd_error_sleep_time`, 1 s): guessing addresses is slowed to one a second per
    /// connection. The session is not ended — a mailing list with many departed members still
    /// reaches the others.
    public var recipientTarpitThreshold: Int = 10
    /// DSN (RFC 3461) is offered and its parameters taken (`smtp.mx-dsn` for the MX door).
    public var offersDSN: Bool = true
    public var recipientTarpitDelay: Duration = .seconds(1)

    public init(mode: SMTPDoorMode, hostname: String, maximumMessageSize: Int = 50 << 20, maximumRecipients: Int = 1000,
                startTLSAvailable: Bool = true, implicitTLS: Bool = false, isLoopback: Bool = false,
                outboundAvailable: Bool = false, commandTimeout: Duration = .seconds(300),
                dataTimeout: Duration = .seconds(180), maximumErrors: Int = 10, maximumAuthenticationFailures: Int = 3) {
        self.mode = mode
        self.hostname = hostname
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.startTLSAvailable = startTLSAvailable
        self.implicitTLS = implicitTLS
        self.isLoopback = isLoopback
        self.outboundAvailable = outboundAvailable
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.maximumErrors = maximumErrors
        self.maximumAuthenticationFailures = maximumAuthenticationFailures
    }
}
