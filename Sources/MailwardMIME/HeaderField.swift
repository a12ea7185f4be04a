/// One header field as it appeared in the message: the name as written and the value unfolded
/// (CRLF before whitespace removed, RFC 5322 §2.2.3) and trimmed, but otherwise raw: encoded
/// words are *not* decoded. Raw 8-bit bytes are read as UTF-8 (RFC 6532); otherwise inside a "Q"
/// encoded word as that word's charset (escaped `=XX`), elsewhere as the charset the message
/// declares (top-level `charset`, else its first text part's) when that decodes them cleanly, and
/// as GB18030 when nothing else fits.
public struct HeaderField: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HeaderField {
    /// The value of the first field named `name` (case-insensitive).
    public func first(named name: String) -> String? {
        first(where: { $0.name.equalsIgnoringASCIICase(name) })?.value
    }

    /// The values of every field named `name`, in order.
    public func all(named name: String) -> [String] {
        filter { $0.name.equalsIgnoringASCIICase(name) }.map(\.value)
    }
}
