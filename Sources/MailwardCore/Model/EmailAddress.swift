/// A mailbox address `local@domain`, normalized to lower case (local parts are treated as
/// case-insensitive, as every large mail system does in practice).
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let localPart: String
    public let domain: String

    public var description: String { "\(localPart)@\(domain)" }

    /// Parses and validates an address typed by a person or sent by a client. Surrounding
    /// angle brackets and blanks are tolerated; anything else malformed is refused.
    public init(_ raw: String) throws {
        if let simple = Self.parsedASCII(raw) {
            self = simple
        } else {
            try self.init(parsing: raw)
        }
    }

    /// The general path of ``init(_:)``: any address, Unicode and IDNA included.
    init(parsing raw: String) throws {
        var text = Self.trimmingBlanks(raw)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        guard let at = text.lastIndex(of: "@") else { throw MailwardError.invalidAddress(raw) }
        let local = String(text[..<at]).lowercased()
        let domainPart = String(text[text.index(after: at)...])
        guard Self.isValidLocalPart(local), let domain = try? DomainName.normalize(domainPart) else {
            throw MailwardError.invalidAddress(raw)
        }
        self.localPart = local
        self.domain = domain
    }

    /// Parts already checked and normalized (``parsedASCII(_:)``).
    init(checkedLocalPart localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain
    }

    /// An address as a store wrote it (the ``description`` of an address validated on its way
    /// in): split, not validated again — accounts are read back at every IMAP command.
    public init(stored text: String) throws {
        guard let at = text.lastIndex(of: "@") else { throw MailwardError.invalidAddress(text) }
        localPart = String(text[..<at])
        domain = String(text[text.index(after: at)...])
    }

    public static func < (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        (lhs.domain, lhs.localPart) < (rhs.domain, rhs.localPart)
    }

    /// RFC 5322 dot-atom (plus UTF-8 letters, RFC 6531), at most 64 octets.
    static func isValidLocalPart(_ local: String) -> Bool {
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."),
              !Self.hasDoubleDot(local) else { return false }
        return local.unicodeScalars.allSatisfy { scalar in
            if scalar.value > 0x7F { return scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
            return isASCIILetterOrDigit(scalar) || localPartSpecials.contains(UInt8(scalar.value))
        }
    }

    /// `local.contains("..")` on the bytes (String's `contains` of a string goes through Foundation).
    private static func hasDoubleDot(_ local: String) -> Bool {
        var previous: UInt8 = 0
        for byte in local.utf8 {
            if byte == UInt8(ascii: "."), previous == byte { return true }
            previous = byte
        }
        return false
    }

    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's cost when there is nothing
    /// to trim (the usual case: addresses from SMTP commands and the directory).
    static func trimmingBlanks(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static let localPartSpecials = Set("!#$%&'*+-/=?^_`{|}~.".utf8)

    static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}

extension EmailAddress {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
