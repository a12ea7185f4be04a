/// `* LIST (attributes) "delimiter" mailbox [extended items]` (RFC 3501 §7.2.2, RFC 5258, RFC 5819).
public struct ListResponse: Sendable, Equatable {
    public var attributes: [MailboxAttribute]
    /// Hierarchy delimiter; nil is written as `NIL` (flat namespace).
    public var delimiter: Character?
    /// The Unicode name; the encoder writes modified UTF-7 or UTF-8 per its mode.
    public var mailbox: String
    /// `CHILDINFO ("SUBSCRIBED")` for RECURSIVEMATCH (RFC 5258 §3.5).
    public var childInfoSubscribed: Bool

    public init(attributes: [MailboxAttribute], delimiter: Character? = "/", mailbox: String, childInfoSubscribed: Bool = false) {
        self.attributes = attributes
        self.delimiter = delimiter
        self.mailbox = mailbox
        self.childInfoSubscribed = childInfoSubscribed
    }
}
