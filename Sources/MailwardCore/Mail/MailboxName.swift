/// Rules for folder names, the same in every door: full paths with `/` between levels,
/// `INBOX` in any case means the inbox, no empty levels, no IMAP wildcards, no control characters,
/// no level `.` or `..` (clients that keep folders as directories — mbsync, offlineimap — would
/// turn a shared `Shared/boss/../../x` into a path outside their mail folder).
public enum MailboxName {
    public static let maximumLength = 512
    /// The first level under which doors show mailboxes shared with the account
    /// (`Shared/<owner>/<folder>` in IMAP): no personal folder may live there.
    public static let sharedRoot = "Shared"

    /// Whether a (normalized) name falls under the reserved shared root, in any case.
    public static func isReserved(_ name: String) -> Bool {
        let first = name.split(separator: Mailbox.delimiter, maxSplits: 1).first.map(String.init) ?? name
        return first.caseInsensitiveCompare(sharedRoot) == .orderedSame
    }

    /// The canonical form of a name a user or client gave, or `MailError.invalidMailboxName`.
    public static func normalize(_ raw: String) throws -> String {
        let levels = raw.split(separator: Mailbox.delimiter, omittingEmptySubsequences: false)
        guard !raw.isEmpty, raw.utf8.count <= maximumLength, levels.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "*" || $0 == "%" })
        else { throw MailError.invalidMailboxName(raw) }
        var result = levels.map(String.init)
        if result[0].uppercased() == Mailbox.inbox { result[0] = Mailbox.inbox }
        return result.joined(separator: String(Mailbox.delimiter))
    }

    /// `a/b/c` → [`a`, `a/b`]: the parents a new folder needs.
    public static func ancestors(of name: String) -> [String] {
        let levels = name.split(separator: Mailbox.delimiter)
        guard levels.count > 1 else { return [] }
        return (1..<levels.count).map { levels[0..<$0].joined(separator: String(Mailbox.delimiter)) }
    }
}
