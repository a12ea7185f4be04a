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
