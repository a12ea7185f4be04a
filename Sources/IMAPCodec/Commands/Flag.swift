/// A message flag: a system flag, a keyword, or an unknown `\Extension`.
public enum Flag: Sendable, Hashable, CustomStringConvertible {
    case answered
    case flagged
    case deleted
    case seen
    case draft
    /// `\Recent` — only ever sent by the server.
    case recent
    /// A keyword such as `$Forwarded` or `NonJunk` (an atom, case-insensitive per RFC).
    case keyword(String)
    /// `\Something` not defined by RFC 3501; stored without the backslash.
    case `extension`(String)

    /// Parses a flag's wire spelling (`\Seen`, `$Junk`), case-insensitively for system flags.
    public init(wire: String) {
        if wire.hasPrefix("\\") {
            let name = String(wire.dropFirst())
            switch name.uppercased() {
            case "ANSWERED": self = .answered
            case "FLAGGED": self = .flagged
            case "DELETED": self = .deleted
            case "SEEN": self = .seen
            case "DRAFT": self = .draft
            case "RECENT": self = .recent
            default: self = .extension(name)
            }
        } else {
            self = .keyword(wire)
        }
    }

    /// The wire spelling.
    public var description: String {
        switch self {
        case .answered: return "\\Answered"
        case .flagged: return "\\Flagged"
        case .deleted: return "\\Deleted"
        case .seen: return "\\Seen"
        case .draft: return "\\Draft"
        case .recent: return "\\Recent"
        case .keyword(let k): return k
        case .extension(let e): return "\\" + e
        }
    }
}
