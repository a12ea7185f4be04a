/// `address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"` (RFC 3501 §7.4.2).
///
/// Group syntax: a start is `mailbox: group name, host: nil`; an end is `mailbox: nil, host: nil`.
/// Strings are the header's text as it is (RFC 2047 encoded words stay encoded).
public struct IMAPAddress: Sendable, Hashable {
    public var name: String?
    /// Source route (obsolete; nearly always nil).
    public var adl: String?
    public var mailbox: String?
    public var host: String?

    public init(name: String?, adl: String? = nil, mailbox: String?, host: String?) {
        self.name = name
        self.adl = adl
        self.mailbox = mailbox
        self.host = host
    }
}
