/// The RFC 5321 §4.1.2 address grammar (with the RFC 6531 UTF-8 extensions).
///
/// The grammar itself accepts UTF-8 (validated) wherever RFC 6531 allows it; whether non-ASCII
/// is *permitted* is policy, decided by the callers from ``SMTPPath/isInternationalized``.
enum SMTPAddressGrammar {
    /// Longest local part accepted. RFC 5321 §4.5.3.1.1 says 64, but SRS/VERP senders exceed it
    /// in practice, so (like Postfix) we are lenient up to a still-bounded size.
    static let maximumLocalPartLength = 255
    /// RFC 5321 §4.5.3.1.2
    static let maximumDomainLength = 255
    static let maximumLabelLength = 63

    /// Path = "<" [ A-d-l ":" ] Mailbox ">"
    /// A-d-l = At-domain *( "," At-domain )   ; source route, parsed and discarded
    /// At-domain = "@" Domain
    /// Reverse-path = Path / "<>"
    /// Forward-path = Path / "<Postmaster>"   (bare postmaster only when `allowsPostmaster`)
    static func parsePath(
        _ cursor: inout SMTPByteCursor, allowsNull: Bool, allowsPostmaster: Bool
    ) throws(SMTPDecodeError) -> SMTPPath {
        guard cursor.consume(UInt8(ascii: "<")) else { throw SMTPDecodeError(.invalidAddress, "path must be in angle brackets") }
        let contentStart = cursor.index
        if cursor.consume(UInt8(ascii: ">")) {
            guard allowsNull else { throw SMTPDecodeError(.invalidAddress, "null path not allowed here") }
            return .null
        }
        if allowsPostmaster {
            var lookahead = cursor
            if lookahead.consumeCaseInsensitive("postmaster"), lookahead.consume(UInt8(ascii: ">")) {
                cursor = lookahead
                let raw = String(decoding: cursor.bytes[contentStart..<(cursor.index - 1)], as: UTF8.self)
                return SMTPPath(localPart: raw, domain: nil, raw: raw)
            }
        }
        if cursor.peek == UInt8(ascii: "@") {
            try Self.skipSourceRoute(&cursor)
        }
        var path = try Self.parseMailbox(&cursor, raw: "")
        guard cursor.consume(UInt8(ascii: ">")) else { throw SMTPDecodeError(.invalidAddress, "unexpected character in path") }
        path.raw = String(decoding: cursor.bytes[contentStart..<(cursor.index - 1)], as: UTF8.self)
        return path
    }

    /// A-d-l ":"
    static func skipSourceRoute(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) {
        repeat {
            guard cursor.consume(UInt8(ascii: "@")) else { throw SMTPDecodeError(.invalidAddress, "bad source route") }
            _ = try Self.parseDomain(&cursor, allowsUnderscore: false)
        } while cursor.consume(UInt8(ascii: ","))
        guard cursor.consume(UInt8(ascii: ":")) else { throw SMTPDecodeError(.invalidAddress, "bad source route") }
    }

    /// Mailbox = Local-part "@" ( Domain / address-literal )
    static func parseMailbox(_ cursor: inout SMTPByteCursor, raw: String) throws(SMTPDecodeError) -> SMTPPath {
        let localPart = try Self.parseLocalPart(&cursor)
        guard cursor.consume(UInt8(ascii: "@")) else { throw SMTPDecodeError(.invalidAddress, "missing '@domain'") }
        let host = try Self.parseHost(&cursor, allowsUnderscore: false)
        return SMTPPath(localPart: localPart, domain: host, raw: raw)
    }

    /// Local-part = Dot-string / Quoted-string
    /// Dot-string = Atom *("." Atom)
    /// Atom = 1*atext
    static func parseLocalPart(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> String {
        let bytes: [UInt8]
        if cursor.peek == UInt8(ascii: "\"") {
            bytes = try Self.parseQuotedString(&cursor)
        } else {
            var collected: [UInt8] = []
            repeat {
                let atom = cursor.read(while: Self.isAtext)
                guard !atom.isEmpty else { throw SMTPDecodeError(.invalidAddress, "bad local part") }
                if !collected.isEmpty { collected.append(UInt8(ascii: ".")) }
                collected.append(contentsOf: atom)
            } while cursor.consume(UInt8(ascii: "."))
            bytes = collected
        }
        guard bytes.count <= Self.maximumLocalPartLength else { throw SMTPDecodeError(.invalidAddress, "local part too long") }
        guard let string = validUTF8String(bytes) else { throw SMTPDecodeError(.invalidAddress, "invalid UTF-8") }
        return string
    }

    /// Quoted-string = DQUOTE *QcontentSMTP DQUOTE
    /// QcontentSMTP = qtextSMTP / quoted-pairSMTP
    /// quoted-pairSMTP = %d92 %d32-126
    /// qtextSMTP = %d32-33 / %d35-91 / %d93-126 / UTF8-non-ascii
    /// Returns the unescaped content.
    static func parseQuotedString(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> [UInt8] {
        guard cursor.consume(UInt8(ascii: "\"")) else { throw SMTPDecodeError(.invalidAddress, "expected quote") }
        var content: [UInt8] = []
        while true {
            guard let byte = cursor.next() else { throw SMTPDecodeError(.invalidAddress, "unterminated quoted string") }
            switch byte {
            case UInt8(ascii: "\""):
                return content
            case UInt8(ascii: "\\"):
                guard let escaped = cursor.next(), (32...126).contains(escaped) else {
                    throw SMTPDecodeError(.invalidAddress, "bad quoted pair")
                }
                content.append(escaped)
            case 32...126, 0x80...:
                content.append(byte)
            default:
                throw SMTPDecodeError(.invalidAddress, "control character in quoted string")
            }
        }
    }

    /// Domain / address-literal
    static func parseHost(_ cursor: inout SMTPByteCursor, allowsUnderscore: Bool) throws(SMTPDecodeError) -> SMTPHost {
        if cursor.peek == UInt8(ascii: "[") {
            return try Self.parseAddressLiteral(&cursor)
        }
        return .domain(try Self.parseDomain(&cursor, allowsUnderscore: allowsUnderscore))
    }

    /// Domain = sub-domain *("." sub-domain)
    /// sub-domain = Let-dig [Ldh-str] / U-label
    /// Let-dig = ALPHA / DIGIT
    /// Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
    /// Returns the domain lowercased. `allowsUnderscore` is a leniency for EHLO arguments
    /// (Windows host names).
    static func parseDomain(_ cursor: inout SMTPByteCursor, allowsUnderscore: Bool) throws(SMTPDecodeError) -> String {
        let start = cursor.index
        repeat {
            let label = cursor.read { byte in
                isASCIIAlpha(byte) || isASCIIDigit(byte) || byte == UInt8(ascii: "-") || byte >= 0x80
                    || (allowsUnderscore && byte == UInt8(ascii: "_"))
            }
            guard let first = label.first, let last = label.last,
                first != UInt8(ascii: "-"), last != UInt8(ascii: "-"), label.count <= Self.maximumLabelLength
            else { throw SMTPDecodeError(.invalidAddress, "bad domain") }
        } while cursor.consume(UInt8(ascii: "."))
        let bytes = cursor.bytes[start..<cursor.index]
        guard bytes.count <= Self.maximumDomainLength else { throw SMTPDecodeError(.invalidAddress, "domain too long") }
        guard let domain = validUTF8String(bytes) else { throw SMTPDecodeError(.invalidAddress, "invalid UTF-8") }
        return domain.lowercased()
    }

    /// address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]"
    /// IPv4-address-literal = Snum 3("." Snum)
    /// IPv6-address-literal = "IPv6:" IPv6-addr
    /// General-address-literal = Standardized-tag ":" 1*dcontent
    /// dcontent = %d33-90 / %d94-126
    static func parseAddressLiteral(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> SMTPHost {
        guard cursor.consume(UInt8(ascii: "[")) else { throw SMTPDecodeError(.invalidAddress, "expected '['") }
        let content = cursor.read { (33...90).contains($0) || (94...126).contains($0) }
        guard cursor.consume(UInt8(ascii: "]")) else { throw SMTPDecodeError(.invalidAddress, "bad address literal") }
        let text = String(decoding: content, as: UTF8.self)
        if let ipv4 = Self.ipv4(text) {
            return .ipv4(ipv4)
        }
        guard let colon = text.firstIndex(of: ":") else { throw SMTPDecodeError(.invalidAddress, "bad address literal") }
        let tag = text[..<colon]
        let rest = String(text[text.index(after: colon)...])
        if tag.lowercased() == "ipv6" {
            guard Self.isIPv6(rest) else { throw SMTPDecodeError(.invalidAddress, "bad IPv6 literal") }
            return .ipv6(rest.lowercased())
        }
        guard let first = tag.utf8.first, let last = tag.utf8.last, isASCIIAlpha(first) || isASCIIDigit(first),
            isASCIIAlpha(last) || isASCIIDigit(last),
            tag.utf8.allSatisfy({ isASCIIAlpha($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") }), !rest.isEmpty
        else { throw SMTPDecodeError(.invalidAddress, "bad address literal") }
        return .general(tag: String(tag), content: rest)
    }

    /// Snum 3("." Snum); Snum = 1*3DIGIT representing 0-255. Returns the canonical text.
    static func ipv4(_ text: some StringProtocol) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), let value = Int(part), value <= 255 else {
                return nil
            }
            numbers.append(value)
        }
        return numbers.map(String.init).joined(separator: ".")
    }

    /// IPv6-addr = IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp (RFC 5321 §4.1.3)
    /// IPv6-hex = 1*4HEXDIG; at most one "::"; a trailing IPv4 address counts as two groups.
    static func isIPv6(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        // A lone ":" at either end is never valid; only "::" may touch an end.
        if text.hasPrefix(":") && !text.hasPrefix("::") || text.hasSuffix(":") && !text.hasSuffix("::") { return false }
        var groups = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var groupBudget = 8
        if let last = groups.last, last.contains(".") {
            guard Self.ipv4(last) != nil else { return false }
            groups[groups.count - 1] = "0"  // placeholder for the two groups of the IPv4 part
            groupBudget = 7
        }
        let isHexGroup = { (group: String) in (1...4).contains(group.count) && group.allSatisfy(\.isHexDigit) }
        // Locate "::" as an empty group between two separators (or at either end).
        let emptyPositions = groups.indices.filter { groups[$0].isEmpty }
        if emptyPositions.isEmpty {
            return groups.count == groupBudget && groups.allSatisfy(isHexGroup)
        }
        // Allowed empties: "::" in the middle gives one empty group; at the start or end two
        // ("::1" splits into "", "", "1"); "::" alone gives three.
        var rest = groups
        if rest.count >= 2, rest[0].isEmpty, rest[1].isEmpty { rest.removeFirst() }
        if rest.count >= 2, rest[rest.count - 1].isEmpty, rest[rest.count - 2].isEmpty { rest.removeLast() }
        let empties = rest.indices.filter { rest[$0].isEmpty }
        guard empties.count == 1 else { return false }
        let nonEmpty = rest.filter { !$0.isEmpty }
        return nonEmpty.count < groupBudget && nonEmpty.allSatisfy(isHexGroup)
    }

    /// atext (RFC 5322) plus UTF8-non-ascii (RFC 6531)
    static func isAtext(_ byte: UInt8) -> Bool {
        if isASCIIAlpha(byte) || isASCIIDigit(byte) || byte >= 0x80 { return true }
        return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
    }

    /// The local part as it must be written on the wire: unchanged if it is a Dot-string,
    /// otherwise a Quoted-string.
    static func quotedIfNeeded(_ localPart: String) -> String {
        let bytes = Array(localPart.utf8)
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if !bytes.isEmpty, atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isAtext) }) {
            return localPart
        }
        // Scalar by scalar: a quote followed by a combining mark is one Character, unlike `"`.
        var quoted = "\""
        for scalar in localPart.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}
