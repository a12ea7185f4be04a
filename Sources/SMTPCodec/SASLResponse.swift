/// A client's answer in a SASL exchange, as carried by SMTP AUTH (RFC 4954), POP3 AUTH
/// (RFC 5034) and IMAP AUTHENTICATE (RFC 3501): base64 data, `=` for an empty initial
/// response, or `*` to cancel.
public enum SASLResponse: Hashable, Sendable {
    /// The decoded bytes (empty for `=` or an empty line).
    case data([UInt8])
    /// The client sent `*`: the server answers 501 (SMTP) / -ERR (POP3) / BAD (IMAP).
    case cancel

    /// Interprets one line (without CRLF); nil if it is not valid base64.
    public init?(line: some StringProtocol) {
        switch line {
        case "*": self = .cancel
        case "=", "": self = .data([])
        default:
            guard let bytes = SASLBase64.decode(line) else { return nil }
            self = .data(bytes)
        }
    }
}
