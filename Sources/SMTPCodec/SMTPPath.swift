/// A reverse-path or forward-path of MAIL FROM / RCPT TO (RFC 5321 §4.1.2), with any source
/// route already stripped.
public struct SMTPPath: Hashable, Sendable, CustomStringConvertible {
    /// The local part, unquoted (`"a b"@x` gives `a b`); empty for the null path.
    public var localPart: String
    /// The domain; nil for the null path and for the bare `<postmaster>` recipient.
    public var domain: SMTPHost?
    /// The text between the angle brackets as received (source route included), for logs.
    public var raw: String

    /// The null reverse-path `<>`.
    public static let null = SMTPPath(localPart: "", domain: nil, raw: "")

    public init(localPart: String, domain: SMTPHost?, raw: String) {
        self.localPart = localPart
        self.domain = domain
        self.raw = raw
    }

    /// Parses a bare address such as `user@example.org` (no angle brackets), e.g. for
    /// building outbound commands. Returns nil if it is not a valid mailbox.
    public init?(address: String, allowsUTF8: Bool = false) {
        var cursor = SMTPByteCursor(Array(address.utf8))
        guard let path = try? SMTPAddressGrammar.parseMailbox(&cursor, raw: address), cursor.isAtEnd,
            allowsUTF8 || !path.isInternationalized
        else { return nil }
        self = path
    }

    /// `<>`
    public var isNull: Bool { self.domain == nil && self.localPart.isEmpty }

    /// `<postmaster>` without a domain (RFC 5321 §4.5.1), matched case-insensitively.
    public var isPostmaster: Bool { self.domain == nil && self.localPart.lowercased() == "postmaster" }

    /// True if the local part or domain contains non-ASCII characters (needs SMTPUTF8).
    public var isInternationalized: Bool {
        !self.localPart.utf8.allSatisfy { $0 < 0x80 } || !(self.domain?.description.utf8.allSatisfy { $0 < 0x80 } ?? true)
    }

    /// The normalised address `local@domain` (domain lowercased, local part re-quoted only if it
    /// needs quoting); empty for the null path, `postmaster` for the bare postmaster.
    public var address: String {
        guard let domain = self.domain else { return self.localPart }
        return "\(SMTPAddressGrammar.quotedIfNeeded(self.localPart))@\(domain)"
    }

    /// The wire form inside a command: `<address>`.
    public var description: String { "<\(self.address)>" }
}
