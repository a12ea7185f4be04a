/// A FETCH modifier (RFC 7162).
public enum FetchModifier: Sendable, Hashable {
    /// `CHANGEDSINCE modseq`
    case changedSince(UInt64)
    /// `VANISHED` (UID FETCH with QRESYNC)
    case vanished
}
