/// A sequence set (RFC 3501 §9 `sequence-set`, RFC 5182 `$`), as message sequence numbers or UIDs.
///
/// Ranges keep the order the client wrote them in (`5:2` is the same as `2:5`); use
/// ``SequenceRange/resolved(largest:)`` to get a closed range once `*` is known.
public enum SequenceSet: Sendable, Hashable {
    case ranges([SequenceRange])
    /// `$`: the result saved by a previous `SEARCH RETURN (SAVE)`.
    case lastSearchResult
}
