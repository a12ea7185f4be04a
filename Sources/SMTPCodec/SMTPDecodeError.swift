/// Why a line (or reply) could not be decoded, and what a server should answer.
///
/// ``reason`` is a fixed text chosen by the codec; it never echoes peer input, so it is safe to
/// log and to put in a reply.
public struct SMTPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure; it decides the reply code.
    public enum Kind: Hashable, Sendable {
        /// The line exceeded the configured bound (it was discarded up to its end).
        case lineTooLong
        /// The line ended with a bare LF while only CRLF is accepted.
        case bareLineFeed
        /// The verb is unknown or the line is not a command at all.
        case unrecognizedCommand
        /// The verb is known but its arguments are malformed.
        case invalidArguments
        /// A SASL response (AUTH's initial response) that is not base64: 501 5.5.2 (RFC 4954 §4).
        case invalidBase64
        /// A mailbox or path is syntactically wrong.
        case invalidAddress
        /// A non-ASCII address was used without SMTPUTF8 in effect (RFC 6531).
        case utf8NotPermitted
        /// A BDAT size beyond what can be represented (its chunk cannot be read or skipped).
        case sizeTooLarge
        /// A BDAT line that does not say how many octets follow it (`BDAT x`, `BDAT 10 FIRST`):
        /// the chunk cannot be delimited, so a server cannot stay in step with the client — the
        /// octets would otherwise be read, and obeyed, as commands.
        case invalidChunkCommand
        /// Client side: the server's reply is not valid RFC 5321 reply syntax.
        case malformedReply
        /// Client side: the server's reply has too many lines or too long a line.
        case replyTooLong
    }

    public var kind: Kind
    /// A short fixed explanation, e.g. "bad SIZE value".
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The reply a server should send for this error.
    public var reply: SMTPReply {
        switch self.kind {
        case .lineTooLong:
            return .lineTooLong
        case .bareLineFeed:
            return SMTPReply(code: 500, .init(5, 5, 2), "Bare LF in command line; use CRLF")
        case .unrecognizedCommand:
            return SMTPReply(code: 500, .init(5, 5, 2), "Syntax error, command unrecognized")
        case .invalidBase64:
            return SMTPReply(code: 501, .init(5, 5, 2), "Syntax error: \(self.reason)")
        case .invalidArguments, .invalidChunkCommand:
            return SMTPReply(code: 501, .init(5, 5, 4), "Syntax error: \(self.reason)")
        case .invalidAddress:
            return SMTPReply(code: 553, .init(5, 1, 3), "Bad address syntax: \(self.reason)")
        case .utf8NotPermitted:
            return SMTPReply(code: 553, .init(5, 6, 7), "Non-ASCII address requires SMTPUTF8")
        case .sizeTooLarge:
            return SMTPReply(code: 552, .init(5, 3, 4), "Message size exceeds fixed maximum message size")
        case .malformedReply, .replyTooLong:
            return SMTPReply(code: 500, .init(5, 5, 2), "Syntax error: \(self.reason)")
        }
    }

    public var description: String {
        "SMTPDecodeError(\(self.kind): \(self.reason))"
    }
}
