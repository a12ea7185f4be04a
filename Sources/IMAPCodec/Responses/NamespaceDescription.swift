/// `"(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) ")"` — a namespace prefix and its delimiter.
public struct NamespaceDescription: Sendable, Hashable {
    public var prefix: String
    public var delimiter: Character?
    public init(prefix: String, delimiter: Character?) {
        self.prefix = prefix
        self.delimiter = delimiter
    }
}
