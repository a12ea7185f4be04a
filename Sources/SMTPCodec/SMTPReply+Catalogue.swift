/// The replies a Mailward SMTP server commonly sends, with the codes and enhanced codes of
/// RFC 5321, RFC 3463, RFC 4954, RFC 3207, RFC 6531 and RFC 1870.
extension SMTPReply {
    // MARK: 2yz

    /// 220 greeting, e.g. `220 mx.example.org ESMTP Mailward`.
    public static func greeting(hostname: String, text: String = "ESMTP Mailward") -> SMTPReply {
        SMTPReply(code: 220, nil, "\(hostname) \(text)")
    }
    /// 220 2.0.0 after STARTTLS (RFC 3207).
    public static let readyToStartTLS = SMTPReply(code: 220, .init(2, 0, 0), "Ready to start TLS")
    /// 221 2.0.0 after QUIT.
    public static func closing(hostname: String) -> SMTPReply {
        SMTPReply(code: 221, .init(2, 0, 0), "\(hostname) closing connection")
    }
    /// 235 2.7.0 (RFC 4954).
    public static let authenticationSucceeded = SMTPReply(code: 235, .init(2, 7, 0), "Authentication successful")
    /// 250 2.0.0 (NOOP, RSET, end of DATA).
    public static let ok = SMTPReply(code: 250, .init(2, 0, 0), "OK")
    /// 250 2.0.0 after the message was durably stored; `queueID` is shown to the client.
    public static func messageAccepted(queueID: String) -> SMTPReply {
        SMTPReply(code: 250, .init(2, 0, 0), "OK: queued as \(queueID)")
    }
    /// 250 2.1.0 after MAIL FROM.
    public static let senderOK = SMTPReply(code: 250, .init(2, 1, 0), "Sender OK")
    /// 250 2.1.5 after RCPT TO.
    public static let recipientOK = SMTPReply(code: 250, .init(2, 1, 5), "Recipient OK")
    /// 252 2.5.0: the answer to VRFY when the server does not disclose users.
    public static let cannotVerify = SMTPReply(
        code: 252, .init(2, 5, 0), "Cannot VRFY user, but will accept message and attempt delivery")
    /// 214 2.0.0 answer to HELP.
    public static let help = SMTPReply(code: 214, .init(2, 0, 0), "See RFC 5321")

    // MARK: 3yz

    /// 334 SASL challenge (`base64` already encoded; may be empty).
    public static func authenticationChallenge(_ base64: String) -> SMTPReply {
        SMTPReply(code: 334, nil, base64)
    }
    /// 354 after DATA.
    public static let startMailInput = SMTPReply(code: 354, nil, "End data with <CR><LF>.<CR><LF>")

    // MARK: 4yz

    /// 421 4.3.2 when shutting down.
    public static func serviceNotAvailable(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, .init(4, 3, 2), "\(hostname) Service not available, closing transmission channel")
    }
    /// 421 4.4.2 idle timeout.
    public static func timeout(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, .init(4, 4, 2), "\(hostname) Error: timeout exceeded")
    }
    /// 421 4.7.0 too many errors / connections.
    public static func tooManyErrors(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, .init(4, 7, 0), "\(hostname) Error: too many errors")
    }
    /// 421 4.7.0 the authentication no longer holds (`why`: the account was disabled, its
    /// password changed, the client-specific password deleted or expired since AUTH).
    public static func loginRevoked(_ why: String) -> SMTPReply {
        SMTPReply(code: 421, .init(4, 7, 0), "Authentication no longer valid (\(why)), closing connection")
    }
    /// 451 4.3.0 local error (storage failed, internal error).
    public static let localError = SMTPReply(code: 451, .init(4, 3, 0), "Requested action aborted: local error in processing")
    /// 452 4.2.2 mailbox full (transient).
    public static let mailboxFull = SMTPReply(code: 452, .init(4, 2, 2), "Mailbox full")
    /// 452 4.3.1 insufficient system storage.
    public static let insufficientStorage = SMTPReply(code: 452, .init(4, 3, 1), "Insufficient system storage")
    /// 452 4.5.3 too many recipients.
    public static let tooManyRecipients = SMTPReply(code: 452, .init(4, 5, 3), "Too many recipients")
    /// 454 4.7.0 TLS not available (RFC 3207).
    public static let tlsNotAvailable = SMTPReply(code: 454, .init(4, 7, 0), "TLS not available due to temporary reason")
    /// 454 4.7.0 temporary authentication failure (RFC 4954).
    public static let temporaryAuthenticationFailure = SMTPReply(
        code: 454, .init(4, 7, 0), "Temporary authentication failure")

    // MARK: 5yz

    /// 500 5.5.2 unrecognised command.
    public static let syntaxError = SMTPReply(code: 500, .init(5, 5, 2), "Syntax error, command unrecognized")
    /// 500 5.5.2 a command line over the limit (RFC 5321 §4.2.2: "command line too long" is a
    /// syntax error).
    public static let lineTooLong = SMTPReply(code: 500, .init(5, 5, 2), "Line too long")
    /// 500 5.5.6 a SASL response over the limit (RFC 4954 §4).
    public static let authenticationLineTooLong = SMTPReply(code: 500, .init(5, 5, 6), "Authentication Exchange line is too long")
    /// 501 5.5.4 bad arguments.
    public static let badArguments = SMTPReply(code: 501, .init(5, 5, 4), "Syntax error in parameters or arguments")
    /// 501 5.7.0 the client cancelled AUTH with `*` (RFC 4954 §4).
    public static let authenticationCancelled = SMTPReply(code: 501, .init(5, 7, 0), "Authentication cancelled")
    /// 502 5.5.1 command not implemented.
    public static let notImplemented = SMTPReply(code: 502, .init(5, 5, 1), "Command not implemented")
    /// 503 5.5.1 bad sequence of commands.
    public static let badSequence = SMTPReply(code: 503, .init(5, 5, 1), "Bad sequence of commands")
    /// 504 5.5.4 unrecognised AUTH mechanism.
    public static let unrecognizedAuthenticationMechanism = SMTPReply(
        code: 504, .init(5, 5, 4), "Unrecognized authentication mechanism")
    /// 530 5.7.0 authentication required.
    public static let authenticationRequired = SMTPReply(code: 530, .init(5, 7, 0), "Authentication required")
    /// 530 5.7.0 must issue STARTTLS first.
    public static let startTLSRequired = SMTPReply(code: 530, .init(5, 7, 0), "Must issue a STARTTLS command first")
    /// 535 5.7.8 bad credentials; `text` lets the server say a client-specific password is needed (SPEC A8).
    public static func authenticationFailed(_ text: String = "Authentication credentials invalid") -> SMTPReply {
        SMTPReply(code: 535, .init(5, 7, 8), text)
    }
    /// 538 5.7.11 the mechanism needs an encrypted connection.
    public static let encryptionRequired = SMTPReply(
        code: 538, .init(5, 7, 11), "Encryption required for requested authentication mechanism")
    /// 550 5.1.1 unknown recipient.
    public static let noSuchUser = SMTPReply(code: 550, .init(5, 1, 1), "Recipient address rejected: user unknown")
    /// 550 5.2.1 the recipient's account is disabled.
    public static let mailboxDisabled = SMTPReply(code: 550, .init(5, 2, 1), "Mailbox disabled, not accepting messages")
    /// 550 5.7.1 relay denied / policy rejection.
    public static let relayDenied = SMTPReply(code: 550, .init(5, 7, 1), "Relay access denied")
    /// 550 5.7.1 sender not allowed (submission: not the user's own address).
    public static let senderNotAllowed = SMTPReply(code: 550, .init(5, 7, 1), "Sender address not owned by user")
    /// 550 5.6.11 the message contained bare CR or LF (SMTP smuggling defence).
    public static let bareLineEndingRejected = SMTPReply(
        code: 550, .init(5, 6, 11), "Message contains bare CR or LF; use CRLF line endings")
    /// 552 5.3.4 message too big.
    public static let messageTooLarge = SMTPReply(code: 552, .init(5, 3, 4), "Message size exceeds fixed maximum message size")
    /// A BDAT chunk larger than the whole message may be: refused before it is read, and the
    /// connection closed (the chunk's bytes follow on the wire).
    public static let chunkTooLarge = SMTPReply(code: 552, .init(5, 3, 4), "Message size exceeds fixed maximum message size; closing connection")
    /// 552 5.2.2 mailbox full (permanent).
    public static let mailboxFullPermanent = SMTPReply(code: 552, .init(5, 2, 2), "Mailbox full")
    /// 553 5.1.3 bad address syntax.
    public static let badAddressSyntax = SMTPReply(code: 553, .init(5, 1, 3), "Bad address syntax")
    /// 553 5.6.7 non-ASCII address without SMTPUTF8 (RFC 6531 §3.7.4.2).
    public static let utf8AddressNotPermitted = SMTPReply(code: 553, .init(5, 6, 7), "Non-ASCII address requires SMTPUTF8")
    /// 554 5.5.1 DATA with no valid recipient.
    public static let noValidRecipients = SMTPReply(code: 554, .init(5, 5, 1), "No valid recipients")
    /// 554 5.7.1 transaction refused by policy.
    public static let transactionRefused = SMTPReply(code: 554, .init(5, 7, 1), "Transaction failed: rejected by policy")
    /// 554 5.6.11 variant used by some servers for bare line endings.
    public static let bareLineEndingTransactionFailed = SMTPReply(
        code: 554, .init(5, 6, 11), "Message contains bare CR or LF; use CRLF line endings")
    /// 555 5.5.4 MAIL/RCPT parameter not recognised (RFC 5321 §4.1.1.11).
    public static let parameterNotRecognized = SMTPReply(
        code: 555, .init(5, 5, 4), "MAIL FROM/RCPT TO parameters not recognized or not implemented")
}
