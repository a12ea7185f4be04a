/// How many keywords (flags that are not system flags: `$Forwarded`, a Thunderbird tag) the
/// messages of one mailbox may use between them. Every SELECT sends them all in FLAGS and
/// PERMANENTFLAGS, and a client that stored ever new ones made those lines grow without end (5 000
/// keywords were 71 KB on each SELECT). 128, as Cyrus IMAP's limit of user flags per mailbox.
///
/// A client that asks for a new keyword past the limit (STORE, APPEND) is refused; messages
/// copied or moved in keep the keywords that fit and lose the others (``excess(of:into:)``):
/// a message moved to Trash must not stay where it was for a tag.
public enum KeywordLimit {
    public static let perMailbox = 128

    /// Whether `flags` may be stored in a mailbox whose messages use the keywords `existing`:
    /// keywords it already has always; new ones as long as the mailbox stays within the limit.
    public static func admits(_ flags: MessageFlags, into existing: MessageFlags) -> Bool {
        let known = existing.keywords
        let new = flags.keywords.subtracting(known).count
        return new == 0 || known.count + new <= perMailbox
    }

    /// Whether the mailbox can take a keyword it does not have yet (IMAP's `\*` in
    /// PERMANENTFLAGS).
    public static func allowsNewKeywords(_ existing: MessageFlags) -> Bool {
        existing.keywords.count < perMailbox
    }

    /// The keywords of `carried` that do not fit into a mailbox using `existing`: the new ones
    /// past the limit, the last in alphabetical order first to go.
    public static func excess(of carried: MessageFlags, into existing: MessageFlags) -> MessageFlags {
        let known = existing.keywords
        let room = max(0, perMailbox - known.count)
        return MessageFlags(carried.keywords.subtracting(known).sorted.dropFirst(room))
    }
}
