/// The parameters of `RCPT TO:<path> [params]`; unknown ones are kept in ``unrecognized``.
public struct SMTPRecipientParameters: Hashable, Sendable {
    /// RFC 3461 `NOTIFY=` as sent (uppercased); tolerated.
    public var notify: String?
    /// RFC 3461 `ORCPT=` as sent; tolerated.
    public var originalRecipient: String?
    public var unrecognized: [SMTPParameter]

    public init(notify: String? = nil, originalRecipient: String? = nil, unrecognized: [SMTPParameter] = []) {
        self.notify = notify
        self.originalRecipient = originalRecipient
        self.unrecognized = unrecognized
    }
}
