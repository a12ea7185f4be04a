extension CommandParser {
    /// `fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
    ///  "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]`;
    /// `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"`
    mutating func parseFetch(uid: Bool) throws(ParserError) -> Command {
        try space()
        let set = try parseSequenceSet()
        try space()
        var attributes: [FetchAttribute]
        if peek() == UInt8(ascii: "(") {
            attributes = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
                try p.parseFetchAttribute()
            }
        } else if consumeKeyword("ALL") {
            attributes = FetchAttribute.allMacro
        } else if consumeKeyword("FAST") {
            attributes = FetchAttribute.fastMacro
        } else if consumeKeyword("FULL") {
            attributes = FetchAttribute.fullMacro
        } else {
            attributes = [try parseFetchAttribute()]
        }
        var modifiers: [FetchModifier] = []
        if optionalSpace() {
            modifiers = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
                switch try p.parseAtom().uppercased() {
                case "CHANGEDSINCE":
                    try p.space()
                    return .changedSince(try p.parseNumber64())
                case "VANISHED":
                    return .vanished
                default:
                    throw ParserError("unknown fetch modifier")
                }
            }
        }
        if uid, !attributes.contains(.uid) {
            // RFC 3501 §6.4.8: UID FETCH always returns UID.
            attributes.insert(.uid, at: 0)
        }
        return .fetch(set, attributes, modifiers: modifiers, uid: uid)
    }

    /// `fetch-att = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
    ///  "BODY" ["STRUCTURE"] / "UID" / "BODY" section [partial] / "BODY.PEEK" section [partial] /
    ///  "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary / "MODSEQ"`
    mutating func parseFetchAttribute() throws(ParserError) -> FetchAttribute {
        let word = take(while: { CharacterClasses.isAtomChar($0) && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "<") })
        let name = String(decoding: word, as: UTF8.self).uppercased()
        switch name {
        case "ENVELOPE": return .envelope
        case "FLAGS": return .flags
        case "INTERNALDATE": return .internalDate
        case "UID": return .uid
        case "RFC822": return .rfc822
        case "RFC822.HEADER": return .rfc822Header
        case "RFC822.SIZE": return .rfc822Size
        case "RFC822.TEXT": return .rfc822Text
        case "BODYSTRUCTURE": return .bodyStructure(extensible: true)
        case "MODSEQ": return .modSequence
        case "BODY", "BODY.PEEK":
            guard peek() == UInt8(ascii: "[") else {
                guard name == "BODY" else { throw ParserError("expected section after BODY.PEEK") }
                return .bodyStructure(extensible: false)
            }
            let section = try parseSection()
            return .bodySection(section, partial: try parsePartial(), peek: name == "BODY.PEEK")
        case "BINARY", "BINARY.PEEK":
            let part = try parseSectionBinary()
            return .binary(part: part, partial: try parsePartial(), peek: name == "BINARY.PEEK")
        case "BINARY.SIZE":
            return .binarySize(part: try parseSectionBinary())
        default:
            throw ParserError("unknown fetch attribute")
        }
    }

    /// `section = "[" [section-spec] "]"`;
    /// `section-spec = section-msgtext / (section-part ["." section-text])`;
    /// `section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"`;
    /// `section-text = section-msgtext / "MIME"`; `section-part = nz-number *("." nz-number)`
    mutating func parseSection() throws(ParserError) -> SectionSpecifier {
        try expect(UInt8(ascii: "["), "[")
        var part: [Int] = []
        while let b = peek(), CharacterClasses.isDigit(b) {
            part.append(Int(try parseNZNumber()))
            guard part.count <= 64 else { throw ParserError("section part too deep") }
            guard peek() == UInt8(ascii: ".") else { break }
            advance()
            if let next = peek(), !CharacterClasses.isDigit(next) { break }
        }
        var kind = SectionSpecifier.Kind.complete
        if peek() != UInt8(ascii: "]") {
            let word = take(while: { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: ".") })
            switch String(decoding: word, as: UTF8.self).uppercased() {
            case "HEADER": kind = .header
            case "TEXT": kind = .text
            case "MIME" where !part.isEmpty: kind = .mime
            case "HEADER.FIELDS":
                try space()
                kind = .headerFields(try parseHeaderList())
            case "HEADER.FIELDS.NOT":
                try space()
                kind = .headerFieldsNot(try parseHeaderList())
            default:
                throw ParserError("invalid section")
            }
        }
        try expect(UInt8(ascii: "]"), "]")
        return SectionSpecifier(part: part, kind: kind)
    }

    /// `header-list = "(" header-fld-name *(SP header-fld-name) ")"`; `header-fld-name = astring`
    private mutating func parseHeaderList() throws(ParserError) -> [String] {
        try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
            try p.parseAstring()
        }
    }

    /// `section-binary = "[" [section-part] "]"`
    mutating func parseSectionBinary() throws(ParserError) -> [Int] {
        try expect(UInt8(ascii: "["), "[")
        var part: [Int] = []
        if peek() != UInt8(ascii: "]") {
            while true {
                part.append(Int(try parseNZNumber()))
                guard part.count <= 64 else { throw ParserError("section part too deep") }
                guard peek() == UInt8(ascii: ".") else { break }
                advance()
            }
        }
        try expect(UInt8(ascii: "]"), "]")
        return part
    }

    /// `partial = "<" number64 "." nz-number64 ">"` — returned as the range of octets asked for.
    mutating func parsePartial() throws(ParserError) -> ClosedRange<UInt32>? {
        guard peek() == UInt8(ascii: "<") else { return nil }
        advance()
        let start = try parseNumber()
        try expect(UInt8(ascii: "."), ". in partial")
        let length = try parseNZNumber()
        try expect(UInt8(ascii: ">"), ">")
        let end = UInt64(start) + UInt64(length) - 1
        return start...UInt32(min(end, UInt64(UInt32.max)))
    }
}
