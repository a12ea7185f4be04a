import NIOCore

/// `APPEND mailbox message+` (RFC 3501 §6.3.11; several messages with MULTIAPPEND, RFC 3502).
public struct AppendCommand: Sendable, Equatable {
    public var mailbox: MailboxName
    public var messages: [AppendMessage]

    public init(mailbox: MailboxName, messages: [AppendMessage]) {
        self.mailbox = mailbox
        self.messages = messages
    }
}

/// One message of an APPEND: optional flags and date, and the message bytes (no copy: a slice
/// of the received buffer).
public struct AppendMessage: Sendable, Equatable {
    public var flags: [Flag]
    public var internalDate: IMAPDateTime?
    public var data: ByteBuffer
    /// Sent as `literal8` (`~{n}`, RFC 3516) or inside `UTF8 (...)` (RFC 6855).
    public var isBinary: Bool

    public init(flags: [Flag] = [], internalDate: IMAPDateTime? = nil, data: ByteBuffer, isBinary: Bool = false) {
        self.flags = flags
        self.internalDate = internalDate
        self.data = data
        self.isBinary = isBinary
    }
}
