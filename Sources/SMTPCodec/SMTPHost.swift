/// The domain part of a mailbox or the argument of EHLO/HELO: a domain name or an address literal.
public enum SMTPHost: Hashable, Sendable, CustomStringConvertible {
    /// A domain name, lowercased (U-labels are kept as UTF-8 when SMTPUTF8 allowed them).
    case domain(String)
    /// `[1.2.3.4]`, stored without brackets.
    case ipv4(String)
    /// `[IPv6:2001:db8::1]`, stored without brackets and tag, lowercased.
    case ipv6(String)
    /// `[tag:content]` (RFC 5321 General-address-literal), stored without brackets.
    case general(tag: String, content: String)

    /// The wire form: `example.org`, `[1.2.3.4]`, `[IPv6:::1]`.
    public var description: String {
        switch self {
        case .domain(let name): return name
        case .ipv4(let address): return "[\(address)]"
        case .ipv6(let address): return "[IPv6:\(address)]"
        case .general(let tag, let content): return "[\(tag):\(content)]"
        }
    }

    /// The domain name, or nil for address literals.
    public var domainName: String? {
        if case .domain(let name) = self { return name }
        return nil
    }

    /// Parses a domain or address literal, e.g. `Example.ORG` or `[IPv6:::1]`.
    public init?(parsing text: String, allowsUTF8: Bool = false) {
        var cursor = SMTPByteCursor(Array(text.utf8))
        guard let host = try? SMTPAddressGrammar.parseHost(&cursor, allowsUnderscore: false), cursor.isAtEnd,
            allowsUTF8 || host.description.utf8.allSatisfy({ $0 < 0x80 })
        else { return nil }
        self = host
    }
}
