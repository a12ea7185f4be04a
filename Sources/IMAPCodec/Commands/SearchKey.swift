/// A search criterion (RFC 3501 §6.4.4, RFC 7162 MODSEQ, RFC 5032 OLDER/YOUNGER).
/// Strings are decoded as UTF-8 (invalid bytes replaced).
public indirect enum SearchKey: Sendable, Hashable {
    case all
    case answered, deleted, draft, flagged, new, old, recent, seen
    case unanswered, undeleted, undraft, unflagged, unseen
    case keyword(String)
    case unkeyword(String)
    case bcc(String), body(String), cc(String), from(String), subject(String), text(String), to(String)
    case header(field: String, value: String)
    /// Internal date (day granularity, the server's zone).
    case before(IMAPDate), on(IMAPDate), since(IMAPDate)
    /// The `Date:` header.
    case sentBefore(IMAPDate), sentOn(IMAPDate), sentSince(IMAPDate)
    case larger(UInt64), smaller(UInt64)
    /// Seconds relative to now (RFC 5032).
    case older(UInt32), younger(UInt32)
    case uid(SequenceSet)
    case sequenceNumbers(SequenceSet)
    case modSequence(UInt64)
    case not(SearchKey)
    case or(SearchKey, SearchKey)
    /// A parenthesised list: all must match.
    case and([SearchKey])
}
