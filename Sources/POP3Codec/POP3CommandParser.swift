/// Turns one POP3 command line (CRLF removed) into a ``POP3Command``.
///
///     command = keyword *(SP argument)      ; RFC 1939 §3, keywords case-insensitive
///
/// Lenient on spacing (several spaces, trailing spaces) except for PASS, whose argument is the
/// exact rest of the line.
enum POP3CommandParser {
    static func parse(line: [UInt8]) throws(POP3DecodeError) -> POP3Command {
        var keywordEnd = 0
        while keywordEnd < line.count, Self.isAlpha(line[keywordEnd]) || Self.isDigit(line[keywordEnd]) { keywordEnd += 1 }
        let keyword = String(decoding: line[..<keywordEnd], as: UTF8.self).uppercased()
        guard keywordEnd == line.count || line[keywordEnd] == UInt8(ascii: " ") else {
            throw POP3DecodeError(.unknownCommand, "unknown command")
        }
        if keyword == "PASS" {
            return .pass(try Self.parsePassword(line[keywordEnd...]))
        }
        let arguments = try Self.arguments(line[keywordEnd...])
        switch keyword {
        case "USER":
            guard arguments.count >= 1 else { throw POP3DecodeError(.invalidArguments, "USER needs a name") }
            return .user(try Self.restOfLine(line[keywordEnd...]))
        case "APOP":
            // apop = "APOP" SP name SP digest ; digest = 32 HEXDIG
            guard arguments.count == 2 else { throw POP3DecodeError(.invalidArguments, "APOP needs a name and a digest") }
            guard arguments[1].count == 32, arguments[1].allSatisfy(\.isHexDigit) else {
                throw POP3DecodeError(.invalidArguments, "bad APOP digest")
            }
            return .apop(name: arguments[0], digest: arguments[1].lowercased())
        case "STAT": try Self.expect(arguments, count: 0); return .stat
        case "NOOP": try Self.expect(arguments, count: 0); return .noop
        case "RSET": try Self.expect(arguments, count: 0); return .rset
        case "QUIT": try Self.expect(arguments, count: 0); return .quit
        case "CAPA": try Self.expect(arguments, count: 0); return .capa
        case "STLS": try Self.expect(arguments, count: 0); return .stls
        case "UTF8": try Self.expect(arguments, count: 0); return .utf8
        case "LIST":
            guard arguments.count <= 1 else { throw POP3DecodeError(.invalidArguments, "too many arguments") }
            return .list(try arguments.first.map { (argument) throws(POP3DecodeError) in try Self.messageNumber(argument) })
        case "UIDL":
            guard arguments.count <= 1 else { throw POP3DecodeError(.invalidArguments, "too many arguments") }
            return .uidl(try arguments.first.map { (argument) throws(POP3DecodeError) in try Self.messageNumber(argument) })
        case "RETR":
            try Self.expect(arguments, count: 1)
            return .retr(try Self.messageNumber(arguments[0]))
        case "DELE":
            try Self.expect(arguments, count: 1)
            return .dele(try Self.messageNumber(arguments[0]))
        case "TOP":
            // top = "TOP" SP msg SP n ; n non-negative
            try Self.expect(arguments, count: 2)
            return .top(try Self.messageNumber(arguments[0]), lines: try Self.number(arguments[1], minimum: 0))
        case "AUTH":
            return try Self.parseAuth(arguments)
        default:
            throw POP3DecodeError(.unknownCommand, "unknown command")
        }
    }

    /// auth = "AUTH" [SP mechanism [SP initial-response]]   ; RFC 5034 §4 (bare AUTH: RFC 1734)
    /// mechanism = 1*20(ALPHA / DIGIT / "-" / "_"); initial-response = base64 / "="
    static func parseAuth(_ arguments: [String]) throws(POP3DecodeError) -> POP3Command {
        guard let mechanism = arguments.first else { return .auth(mechanism: nil, initialResponse: nil) }
        guard arguments.count <= 2 else { throw POP3DecodeError(.invalidArguments, "too many arguments") }
        guard (1...20).contains(mechanism.utf8.count),
            mechanism.utf8.allSatisfy({ Self.isAlpha($0) || Self.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { throw POP3DecodeError(.invalidArguments, "bad AUTH mechanism") }
        let response = arguments.count == 2 ? arguments[1] : nil
        if let response {
            guard response.utf8.allSatisfy(Self.isBase64Character) else {
                throw POP3DecodeError(.invalidArguments, "bad AUTH initial response")
            }
        }
        return .auth(mechanism: mechanism.uppercased(), initialResponse: response)
    }

    /// msg = 1*DIGIT, a positive decimal that fits in an Int.
    static func messageNumber(_ text: String) throws(POP3DecodeError) -> Int {
        try Self.number(text, minimum: 1)
    }

    static func number(_ text: String, minimum: Int) throws(POP3DecodeError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy(Self.isDigit), let value = Int(text), value >= minimum
        else { throw POP3DecodeError(.invalidArguments, "bad number") }
        return value
    }

    /// Space-separated printable arguments.
    static func arguments(_ bytes: ArraySlice<UInt8>) throws(POP3DecodeError) -> [String] {
        guard bytes.allSatisfy(Self.isPrintableOrUTF8) else {
            throw POP3DecodeError(.invalidArguments, "control character in arguments")
        }
        var result: [String] = []
        for part in bytes.split(separator: UInt8(ascii: " ")) {
            guard let text = String(validating: part, as: UTF8.self) else {
                throw POP3DecodeError(.invalidArguments, "invalid UTF-8")
            }
            result.append(text)
        }
        return result
    }

    /// The rest of the line after the separating space, trailing spaces removed (USER).
    static func restOfLine(_ bytes: ArraySlice<UInt8>) throws(POP3DecodeError) -> String {
        var rest = bytes.drop { $0 == UInt8(ascii: " ") }
        while rest.last == UInt8(ascii: " ") { rest = rest.dropLast() }
        guard !rest.isEmpty, let text = String(validating: rest, as: UTF8.self) else {
            throw POP3DecodeError(.invalidArguments, "bad argument")
        }
        return text
    }

    /// pass = "PASS" SP string ; the string is everything after the single space, spaces included.
    static func parsePassword(_ bytes: ArraySlice<UInt8>) throws(POP3DecodeError) -> String {
        guard bytes.first == UInt8(ascii: " "), bytes.count > 1 else {
            throw POP3DecodeError(.invalidArguments, "PASS needs a password")
        }
        let password = bytes.dropFirst()
        guard password.allSatisfy(Self.isPrintableOrUTF8), let text = String(validating: password, as: UTF8.self) else {
            throw POP3DecodeError(.invalidArguments, "bad password characters")
        }
        return text
    }

    static func expect(_ arguments: [String], count: Int) throws(POP3DecodeError) {
        guard arguments.count == count else {
            throw POP3DecodeError(.invalidArguments, count == 0 ? "command takes no arguments" : "wrong number of arguments")
        }
    }

    static func isAlpha(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isPrintableOrUTF8(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte != 0x7F || byte == 0x09
    }

    static func isBase64Character(_ byte: UInt8) -> Bool {
        Self.isAlpha(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
}
