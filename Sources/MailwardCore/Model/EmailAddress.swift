import MailwardMIME

/// A mailbox address `local@domain`, normalized to lower case (local parts are treated as
/// case-insensitive, as every large mail system does in practice).
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let localPart: String
    public let domain: String

    public var description: String { "\(localPart)@\(domain)" }

    /// Parses and validates an address typed by a person or sent by a client. Surrounding
    /// angle brackets and blanks are tolerated; anything else malformed is refused.
    ///
    /// Every SMTP RCPT and MAIL parses one, so the usual all-ASCII address is looked at as bytes
    /// (the `@` found, cased and checked) rather than through String's Unicode-aware searching,
    /// lower-casing and scalar properties — together 1 % of the MX door's CPU per message.
    public init(_ raw: String) throws {
        var text = Self.trimmingBlanks(raw)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        // The last `@` byte: where an `@` is not a Character of its own (a combining mark after
        // it), either part is then invalid, as the Character search would have found it.
        guard let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) else { throw MailwardError.invalidAddress(raw) }
        // Cut on the bytes: String's own subscript would round the index to a Character boundary.
        let localText = String(decoding: text.utf8[..<at], as: UTF8.self)
        let local = localText.lowercasedIfNeeded
        let domainPart = String(decoding: text.utf8[text.utf8.index(after: at)...], as: UTF8.self)
        guard Self.isValidLocalPart(local), let domain = try? DomainName.normalize(domainPart) else {
            throw MailwardError.invalidAddress(raw)
        }
        self.localPart = local
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

    /// RFC 5322 dot-atom (plus UTF-8 letters, RFC 6531), at most 64 octets. The dots' places are
    /// checked on the bytes, an ASCII character by ``localPartASCII``.
    static func isValidLocalPart(_ local: String) -> Bool {
        let bytes = local.utf8
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 64,
              first != UInt8(ascii: "."), last != UInt8(ascii: "."), !Self.hasDoubleDot(local) else { return false }
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.allSatisfy { localPartASCII[Int($0)] } }
        return local.unicodeScalars.allSatisfy { scalar in
            if scalar.value > 0x7F { return scalar.properties.isAlphabetic || scalar.properties.numericType != nil }
            return localPartASCII[Int(scalar.value)]
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
        // An ASCII end byte that is not blank ends the question without scalar properties.
        if let first = text.utf8.first, let last = text.utf8.last, first < 0x80, last < 0x80,
           !isASCIIBlank(first), !isASCIIBlank(last) {
            return text
        }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Per ASCII byte: allowed in a local part (a letter, a digit, or one of RFC 5322's atext
    /// specials, and the dot, whose places ``isValidLocalPart(_:)`` checks).
    static let localPartASCII: [Bool] = {
        let specials = Set("!#$%&'*+-/=?^_`{|}~.".utf8)
        return (0..<128).map { isASCIILetterOrDigit(Unicode.Scalar(UInt8($0))) || specials.contains(UInt8($0)) }
    }()

    /// The ASCII characters whose `properties.isWhitespace` is true: tab to carriage return, space.
    private static func isASCIIBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte)
    }

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
