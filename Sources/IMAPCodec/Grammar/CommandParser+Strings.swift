import NIOCore

extension CommandParser {
    /// `atom = 1*ATOM-CHAR`
    mutating func parseAtom() throws(ParserError) -> String {
        let bytes = take(while: CharacterClasses.isAtomChar)
        guard !bytes.isEmpty else { throw ParserError("expected atom") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `astring = 1*ASTRING-CHAR / string`
    mutating func parseAstringBytes() throws(ParserError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "{"):
            return try parseStringBytes()
        default:
            let bytes = take(while: CharacterClasses.isAstringChar)
            guard !bytes.isEmpty else { throw ParserError("expected astring") }
            return bytes
        }
    }

    mutating func parseAstring() throws(ParserError) -> String {
        String(decoding: try parseAstringBytes(), as: UTF8.self)
    }

    /// `string = quoted / literal`
    mutating func parseStringBytes() throws(ParserError) -> [UInt8] {
        if peek() == UInt8(ascii: "\"") {
            return try parseQuoted()
        }
        var literal = try parseLiteral(allowBinary: false).data
        return literal.readBytes(length: literal.readableBytes) ?? []
    }

    mutating func parseString() throws(ParserError) -> String {
        String(decoding: try parseStringBytes(), as: UTF8.self)
    }

    /// `nstring = string / nil`
    mutating func parseNString() throws(ParserError) -> String? {
        if consumeKeyword("NIL") { return nil }
        return try parseString()
    }

    /// `quoted = DQUOTE *QUOTED-CHAR DQUOTE`;
    /// `QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> / "\" quoted-specials / UTF8-2/3/4`
    mutating func parseQuoted() throws(ParserError) -> [UInt8] {
        try expect(UInt8(ascii: "\""), "quoted string")
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw ParserError("unterminated quoted string") }
            advance()
            switch b {
            case UInt8(ascii: "\""):
                return out
            case UInt8(ascii: "\\"):
                guard let escaped = peek(), escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else {
                    throw ParserError("invalid escape in quoted string")
                }
                out.append(escaped)
                advance()
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0:
                throw ParserError("line break in quoted string")
            default:
                out.append(b)
            }
        }
    }

    /// `literal = "{" number64 ["+"] "}" CRLF *CHAR8` and
    /// `literal8 = "~{" number64 ["+"] "}" CRLF *OCTET` (RFC 3516, RFC 7888).
    /// Returns a slice of the command buffer, without copying. `literal8` only where `allowBinary`.
    mutating func parseLiteral(allowBinary: Bool) throws(ParserError) -> (data: ByteBuffer, isBinary: Bool) {
        var isBinary = false
        if allowBinary, peek() == UInt8(ascii: "~") {
            isBinary = true
            advance()
        }
        try expect(UInt8(ascii: "{"), "literal")
        let count = try parseNumber64()
        if peek() == UInt8(ascii: "+") { advance() }
        try expect(UInt8(ascii: "}"), "} of literal")
        if peek() == UInt8(ascii: "\r") { advance() }
        try expect(UInt8(ascii: "\n"), "line end after literal")
        guard count <= UInt64(buffer.readableBytes), let data = buffer.readSlice(length: Int(count)) else {
            throw ParserError("literal shorter than announced")
        }
        if !isBinary, data.readableBytesView.contains(0) {
            throw ParserError("NUL in literal")
        }
        return (data, isBinary)
    }

    /// `number = 1*DIGIT` (32-bit)
    mutating func parseNumber() throws(ParserError) -> UInt32 {
        let n = try parseNumber64()
        guard n <= UInt64(UInt32.max) else { throw ParserError("number too large") }
        return UInt32(n)
    }

    /// `nz-number = digit-nz *DIGIT`
    mutating func parseNZNumber() throws(ParserError) -> UInt32 {
        let n = try parseNumber()
        guard n > 0 else { throw ParserError("zero is not allowed here") }
        return n
    }

    /// `number64 = 1*DIGIT` (up to 2^63-1, RFC 9051)
    mutating func parseNumber64() throws(ParserError) -> UInt64 {
        var value: UInt64 = 0
        var digits = 0
        while let b = peek(), CharacterClasses.isDigit(b) {
            digits += 1
            guard digits <= 19 else { throw ParserError("number too large") }
            value = value * 10 + UInt64(b - UInt8(ascii: "0"))
            advance()
        }
        guard digits > 0 else { throw ParserError("expected number") }
        guard value <= UInt64(Int64.max) else { throw ParserError("number too large") }
        return value
    }

    /// `mailbox = "INBOX" / astring` (INBOX normalised case-insensitively by ``MailboxName``)
    mutating func parseMailbox() throws(ParserError) -> MailboxName {
        MailboxName(bytes: try parseAstringBytes())
    }

    /// `list-mailbox = 1*list-char / string`
    mutating func parseListMailbox() throws(ParserError) -> [UInt8] {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "{"):
            return try parseStringBytes()
        default:
            // RFC 6855: raw UTF-8 is allowed too.
            let bytes = take(while: { CharacterClasses.isListChar($0) || $0 >= 0x80 })
            guard !bytes.isEmpty else { throw ParserError("expected mailbox pattern") }
            return bytes
        }
    }

    /// Parses `"(" [item *(SP item)] ")"`; `allowEmpty` controls `()`.
    mutating func parseParenthesizedList<T>(allowEmpty: Bool = true,
                                            _ item: (inout CommandParser) throws(ParserError) -> T) throws(ParserError) -> [T] {
        try expect(UInt8(ascii: "("), "(")
        var items: [T] = []
        if peek() == UInt8(ascii: ")") {
            advance()
            guard allowEmpty else { throw ParserError("empty list") }
            return items
        }
        while true {
            items.append(try item(&self))
            if peek() == UInt8(ascii: ")") {
                advance()
                return items
            }
            try space()
        }
    }
}
