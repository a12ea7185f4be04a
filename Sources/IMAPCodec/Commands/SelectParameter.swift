/// A parameter of SELECT / EXAMINE (RFC 7162).
public enum SelectParameter: Sendable, Equatable {
    case condstore
    /// `QRESYNC (uidvalidity modseq [known-uids] [(seq-set uid-set)])`.
    case qresync(QResyncParameter)
}
