/// `[+|-]FLAGS[.SILENT] (flags)` of STORE (RFC 3501 §6.4.6).
public struct StoreOperation: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        case replace
        case add
        case remove
    }

    public var kind: Kind
    /// `.SILENT`: do not send the resulting FETCH FLAGS.
    public var silent: Bool
    public var flags: [Flag]

    public init(kind: Kind, silent: Bool, flags: [Flag]) {
        self.kind = kind
        self.silent = silent
        self.flags = flags
    }
}
