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
