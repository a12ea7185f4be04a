/// Log-friendly text: the wire form with passwords, APOP digests and AUTH data redacted
/// (DESIGN principle 6).
extension POP3Command: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        switch self {
        case .user(let name): return "USER \(name)"
        case .pass: return "PASS <redacted>"
        case .apop(let name, _): return "APOP \(name) <redacted>"
        case .stat: return "STAT"
        case .list(let number): return number.map { "LIST \($0)" } ?? "LIST"
        case .retr(let number): return "RETR \(number)"
        case .dele(let number): return "DELE \(number)"
        case .noop: return "NOOP"
        case .rset: return "RSET"
        case .quit: return "QUIT"
        case .top(let number, let lines): return "TOP \(number) \(lines)"
        case .uidl(let number): return number.map { "UIDL \($0)" } ?? "UIDL"
        case .capa: return "CAPA"
        case .stls: return "STLS"
        case .auth(let mechanism, let initialResponse):
            guard let mechanism else { return "AUTH" }
            return initialResponse == nil ? "AUTH \(mechanism)" : "AUTH \(mechanism) <redacted>"
        case .utf8: return "UTF8"
        }
    }

    public var debugDescription: String { self.description }
}
