/// How many keywords (flags that are not system flags: `$Forwarded`, a Thunderbird tag) the
/// messages of one mailbox may use between them. Every SELECT sends them all in FLAGS and
/// PERMANENTFLAGS, and a client that stored ever new ones made those lines grow without end (5 000
/// keywords were 71 KB on each SELECT). 128, as Cyrus IMAP's limit of user flags per mailbox.
public enum KeywordLimit {
    public static let perMailbox = 128

    /// The keywords among `flags`.
    public static func keywords(of flags: MessageFlags) -> [String] {
        flags.filter { !$0.hasPrefix("\\") }
    }

    /// Whether `flags` may be stored in a mailbox whose messages use the keywords `existing`:
    /// keywords it already has always; new ones as long as the mailbox stays within the limit.
    public static func admits(_ flags: MessageFlags, into existing: MessageFlags) -> Bool {
        let new = keywords(of: flags).filter { !existing.contains($0) }.count
        return new == 0 || keywords(of: existing).count + new <= perMailbox
    }

    /// Whether the mailbox can take a keyword it does not have yet (IMAP's `\*` in
    /// PERMANENTFLAGS).
    public static func allowsNewKeywords(_ existing: MessageFlags) -> Bool {
        keywords(of: existing).count < perMailbox
    }
}
