import SMTPCodec

/// What the session asks its connection glue to do, in order.
public enum SMTPSessionAction: Sendable, Equatable {
    case reply(SMTPReply)
    /// Send this reply in clear, then upgrade the connection to TLS and drop any bytes already
    /// received after the command (RFC 3207 §4.2).
    case startTLS(SMTPReply)
    /// Ask Core about a recipient, for a message of the size MAIL declared (RFC 1870, when it did);
    /// feed the answer back as ``SMTPSessionEvent/recipientResolved(_:)`` — after `delay` when
    /// the session is being slowed down (too many unknown recipients).
    case resolveRecipient(SMTPPath, declaredSize: Int? = nil, delay: Duration = .zero)
    /// Ask Core whether the authenticated account may use this envelope sender; answer with
    /// ``SMTPSessionEvent/senderChecked(_:)``.
    case checkSender(SMTPPath)
    /// Check credentials; answer with ``SMTPSessionEvent/authenticated(_:)``. The password is
    /// never logged (see `description`).
    case authenticate(username: String, password: String)
    /// Store / queue the message; answer with ``SMTPSessionEvent/delivered(_:)``.
    case deliver(SMTPTransaction)
    /// Close the connection (after the replies before it were written).
    case close(SMTPCloseReason)
}

/// Why the session ends, which decides how its connection closes.
public enum SMTPCloseReason: Sendable, Equatable {
    /// The client said QUIT and was answered: it sends nothing more, so the connection closes
    /// at once.
    case quit
    /// The server ends the session itself (421, a chunk it cannot skip, too many errors, a
    /// revoked login): the client may still be sending, so the connection closes in order
    /// (see `SMTPChannelHandler`).
    case serverEnded
}

extension SMTPSessionAction: CustomStringConvertible {
    public var description: String {
        switch self {
        case .reply(let reply): "reply(\(reply))"
        case .startTLS: "startTLS"
        case .resolveRecipient(let path, let size, let delay):
            "resolveRecipient(\(path)\(size.map { ", SIZE=\($0)" } ?? "")\(delay == .zero ? "" : ", after \(delay)"))"
        case .checkSender(let path): "checkSender(\(path))"
        case .authenticate(let username, _): "authenticate(\(username), <redacted>)"
        case .deliver(let transaction): "deliver(\(transaction.recipients.count) recipients)"
        case .close(let reason): "close(\(reason))"
        }
    }
}

/// What happened to the session: input from the client and Core's answers.
public enum SMTPSessionEvent: Sendable {
    /// The connection is open: send the greeting.
    case connected
    case command(SMTPCommand)
    /// A command line that could not be decoded.
    case malformedCommand(SMTPDecodeError)
    /// One client line of a SASL exchange (after a 334).
    case authenticationLine(String)
    case malformedAuthenticationLine(SMTPDecodeError)
    /// The DATA (or last BDAT) message is complete.
    case messageComplete(SMTPDataSummary)
    /// The message exceeded the size limit (it was read to its end and discarded).
    case messageTooLarge
    /// The server had no memory left for the message (the doors' ``MessageMemoryBudget``); it
    /// was read to its end and discarded, and the client should try again later.
    case messageOverMemoryBudget
    /// STARTTLS finished: the session starts over (RFC 3207 §4.2).
    case tlsStarted
    case recipientResolved(RecipientVerdict)
    case senderChecked(SenderVerdict)
    case authenticated(AuthenticationOutcome)
    case delivered(DeliveryOutcome)
    case timeout
    case shutdown
}

/// How the glue must read the next input.
public enum SMTPInputMode: Hashable, Sendable {
    /// Command lines with ``SMTPCommandDecoder/next(_:)``.
    case command
    /// A SASL response line with ``SMTPCommandDecoder/nextAuthenticationLine(_:)``.
    case authenticationLine
    /// Message text with a fresh ``SMTPDataDecoder`` (limit: the session's maximum size).
    case data
    /// `size` octets of a BDAT chunk with ``SMTPChunkReader``; the chunk is discarded when
    /// `discard` is true (the transaction already failed or the size is exceeded). `first`:
    /// the first chunk of a message (start a new one).
    case chunk(size: Int, last: Bool, discard: Bool, first: Bool)
    /// Waiting for Core (an action is outstanding) or closed: read nothing.
    case none
}
