/// A mailbox attribute (`\Noselect`, `\HasChildren`) or special-use flag (`\Drafts`, RFC 6154).
/// Stored without the backslash, spelled as on the wire (`Drafts`); compared case-insensitively.
public struct MailboxAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The name without the leading backslash.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { "\\" + name }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name.lowercased() == rhs.name.lowercased()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name.lowercased())
    }

    public static let noInferiors = MailboxAttribute("Noinferiors")
    public static let noSelect = MailboxAttribute("Noselect")
    public static let marked = MailboxAttribute("Marked")
    public static let unmarked = MailboxAttribute("Unmarked")
    public static let nonExistent = MailboxAttribute("NonExistent")
    public static let subscribed = MailboxAttribute("Subscribed")
    public static let remote = MailboxAttribute("Remote")
    public static let hasChildren = MailboxAttribute("HasChildren")
    public static let hasNoChildren = MailboxAttribute("HasNoChildren")
    public static let all = MailboxAttribute("All")
    public static let archive = MailboxAttribute("Archive")
    public static let drafts = MailboxAttribute("Drafts")
    public static let flagged = MailboxAttribute("Flagged")
    public static let junk = MailboxAttribute("Junk")
    public static let sent = MailboxAttribute("Sent")
    public static let trash = MailboxAttribute("Trash")
}
