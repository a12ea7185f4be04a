/// What a server needs to know about a message once its end marker arrived.
public struct SMTPDataSummary: Hashable, Sendable {
    /// Size of the message after dot-unstuffing, in octets (including any part discarded
    /// because the limit was exceeded).
    public var byteCount: Int
    /// A bare CR or bare LF occurred. Such messages can be part of an SMTP smuggling attempt;
    /// a strict server rejects them with ``SMTPReply/bareLineEndingRejected`` (550 5.6.11).
    public var sawBareLineEnding: Bool
    /// A NUL octet occurred (it was passed through; the server decides).
    public var sawNUL: Bool

    public init(byteCount: Int, sawBareLineEnding: Bool, sawNUL: Bool) {
        self.byteCount = byteCount
        self.sawBareLineEnding = sawBareLineEnding
        self.sawNUL = sawNUL
    }
}
