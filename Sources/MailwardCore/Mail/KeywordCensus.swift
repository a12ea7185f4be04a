/// Which keywords a mailbox's messages use, for ``KeywordLimit``: an IMAP session answers from
/// the snapshot it holds anyway; otherwise ``MailService`` reads the messages' flags from the store
/// (an array of ``MessageState``), and only when keywords are being stored, copied or moved.
public protocol KeywordCensus: Sendable {
    /// The keywords of the messages whose UID `counts` accepts.
    func keywords(where counts: (MessageUID) -> Bool) -> MessageFlags
}

extension KeywordCensus {
    /// The keywords all of the messages use.
    public var allKeywords: MessageFlags { keywords { _ in true } }
}

extension Array: KeywordCensus where Element == MessageState {
    public func keywords(where counts: (MessageUID) -> Bool) -> MessageFlags {
        var keywords = MessageFlags()
        // Most messages share a handful of flag sets: each distinct one is looked at once.
        var seen = Set<MessageFlags>()
        for state in self where counts(state.uid) && seen.insert(state.flags).inserted {
            keywords = keywords.union(state.flags.keywords)
        }
        return keywords
    }
}
