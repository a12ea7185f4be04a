/// `LIST [selection-options] reference patterns [RETURN (options)]` (RFC 3501, RFC 5258).
public struct ListCommand: Sendable, Equatable {
    public var selectionOptions: [ListSelectionOption]
    /// The reference name (often empty).
    public var reference: MailboxName
    /// One or more patterns, raw bytes (may contain `*` and `%`; modified UTF-7 or UTF-8).
    public var patterns: [[UInt8]]
    public var returnOptions: [ListReturnOption]

    public init(selectionOptions: [ListSelectionOption] = [], reference: MailboxName,
                patterns: [[UInt8]], returnOptions: [ListReturnOption] = []) {
        self.selectionOptions = selectionOptions
        self.reference = reference
        self.patterns = patterns
        self.returnOptions = returnOptions
    }
}

/// LIST-EXTENDED selection options (RFC 5258 §3.1, RFC 6154).
public enum ListSelectionOption: Sendable, Hashable {
    case subscribed
    case remote
    case recursiveMatch
    case specialUse
}

/// LIST-EXTENDED return options (RFC 5258 §3.2, RFC 5819, RFC 6154).
public enum ListReturnOption: Sendable, Hashable {
    case subscribed
    case children
    case specialUse
    case status([StatusAttribute])
}
