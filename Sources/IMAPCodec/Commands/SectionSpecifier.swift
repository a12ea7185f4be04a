/// The `[section]` of `BODY[...]` (RFC 3501 §6.4.5): a part path and what of it.
///
/// `BODY[]` is `SectionSpecifier(part: [], kind: .complete)`; `BODY[1.2.MIME]` is
/// `SectionSpecifier(part: [1, 2], kind: .mime)`.
public struct SectionSpecifier: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The whole part (or message when `part` is empty).
        case complete
        case header
        case headerFields([String])
        case headerFieldsNot([String])
        case text
        /// The MIME header of a part (only with a non-empty part path).
        case mime
    }

    /// Part numbers, 1-based (`1.2.3`).
    public var part: [Int]
    public var kind: Kind

    public init(part: [Int] = [], kind: Kind = .complete) {
        self.part = part
        self.kind = kind
    }

    /// The wire form between the brackets, e.g. `1.HEADER.FIELDS (DATE FROM)`.
    public var description: String {
        var s = part.map(String.init).joined(separator: ".")
        let text: String?
        switch kind {
        case .complete: text = nil
        case .header: text = "HEADER"
        case .headerFields(let f): text = "HEADER.FIELDS (" + f.joined(separator: " ") + ")"
        case .headerFieldsNot(let f): text = "HEADER.FIELDS.NOT (" + f.joined(separator: " ") + ")"
        case .text: text = "TEXT"
        case .mime: text = "MIME"
        }
        if let text {
            if !s.isEmpty { s += "." }
            s += text
        }
        return s
    }
}
