/// Turns one command line (CRLF removed) into an ``SMTPCommand``. Pure and total: every input
/// yields a command or an ``SMTPDecodeError``.
enum SMTPCommandParser {
    /// command = verb [SP arguments]; verbs are case-insensitive (RFC 5321 §2.4).
    static func parse(line: [UInt8], allowsUTF8Addresses: Bool) throws(SMTPDecodeError) -> SMTPCommand {
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: " ") || line[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        var cursor = SMTPByteCursor(Array(line[..<end]))
        let verb = String(decoding: cursor.read(while: isASCIIAlpha), as: UTF8.self).uppercased()
        guard cursor.isAtEnd || cursor.peek == UInt8(ascii: " ") else {
            throw SMTPDecodeError(.unrecognizedCommand, "unrecognized command")
        }
        switch verb {
        case "EHLO": return .ehlo(try Self.parseHelloArgument(&cursor, allowsUTF8: allowsUTF8Addresses))
        case "HELO": return .helo(try Self.parseHelloArgument(&cursor, allowsUTF8: allowsUTF8Addresses))
        case "MAIL": return try Self.parseMail(&cursor, allowsUTF8Addresses: allowsUTF8Addresses)
        case "RCPT": return try Self.parseRecipient(&cursor, allowsUTF8Addresses: allowsUTF8Addresses)
        case "DATA": try Self.expectNoArguments(cursor); return .data
        case "RSET": try Self.expectNoArguments(cursor); return .rset
        case "QUIT": try Self.expectNoArguments(cursor); return .quit
        case "STARTTLS": try Self.expectNoArguments(cursor); return .startTLS
        case "NOOP": _ = try Self.parseOptionalText(&cursor); return .noop
        case "HELP": return .help(try Self.parseOptionalText(&cursor))
        case "VRFY":
            guard let text = try Self.parseOptionalText(&cursor) else { throw SMTPDecodeError(.invalidArguments, "VRFY needs an argument") }
            return .vrfy(text)
        case "EXPN":
            guard let text = try Self.parseOptionalText(&cursor) else { throw SMTPDecodeError(.invalidArguments, "EXPN needs an argument") }
            return .expn(text)
        case "AUTH": return try Self.parseAuth(&cursor)
        case "BDAT": return try Self.parseBDAT(&cursor)
        default: throw SMTPDecodeError(.unrecognizedCommand, "unrecognized command")
        }
    }

    /// ehlo = "EHLO" SP ( Domain / address-literal ) CRLF
    /// helo = "HELO" SP Domain CRLF
    /// Lenient: "_" is accepted in the domain (common Windows host names).
    static func parseHelloArgument(_ cursor: inout SMTPByteCursor, allowsUTF8: Bool) throws(SMTPDecodeError) -> SMTPHost {
        guard cursor.consumeSpaces(), !cursor.isAtEnd else { throw SMTPDecodeError(.invalidArguments, "domain required") }
        let host: SMTPHost
        do throws(SMTPDecodeError) {
            host = try SMTPAddressGrammar.parseHost(&cursor, allowsUnderscore: true)
        } catch {
            throw SMTPDecodeError(.invalidArguments, "bad domain")
        }
        guard cursor.isAtEnd else { throw SMTPDecodeError(.invalidArguments, "unexpected text after domain") }
        guard allowsUTF8 || host.description.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw SMTPDecodeError(.invalidArguments, "bad domain")
        }
        return host
    }

    /// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
    /// Lenient like Postfix: spaces are allowed after the colon.
    static func parseMail(_ cursor: inout SMTPByteCursor, allowsUTF8Addresses: Bool) throws(SMTPDecodeError) -> SMTPCommand {
        guard cursor.consume(UInt8(ascii: " ")), cursor.consumeCaseInsensitive("FROM:") else {
            throw SMTPDecodeError(.invalidArguments, "expected MAIL FROM:<address>")
        }
        _ = cursor.consumeSpaces()
        let path = try SMTPAddressGrammar.parsePath(&cursor, allowsNull: true, allowsPostmaster: false)
        let parameters = try Self.parseMailParameters(try Self.parseParameters(&cursor))
        if path.isInternationalized && !(allowsUTF8Addresses && parameters.smtpUTF8) {
            throw SMTPDecodeError(.utf8NotPermitted, "non-ASCII address without SMTPUTF8")
        }
        return .mail(reversePath: path, parameters: parameters)
    }

    /// rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) [SP Rcpt-parameters] CRLF
    static func parseRecipient(_ cursor: inout SMTPByteCursor, allowsUTF8Addresses: Bool) throws(SMTPDecodeError) -> SMTPCommand {
        guard cursor.consume(UInt8(ascii: " ")), cursor.consumeCaseInsensitive("TO:") else {
            throw SMTPDecodeError(.invalidArguments, "expected RCPT TO:<address>")
        }
        _ = cursor.consumeSpaces()
        let path = try SMTPAddressGrammar.parsePath(&cursor, allowsNull: false, allowsPostmaster: true)
        let parameters = try Self.parseRecipientParameters(try Self.parseParameters(&cursor))
        if path.isInternationalized && !allowsUTF8Addresses {
            throw SMTPDecodeError(.utf8NotPermitted, "non-ASCII address without SMTPUTF8")
        }
        return .rcpt(forwardPath: path, parameters: parameters)
    }

    /// Mail-parameters = esmtp-param *(SP esmtp-param)
    /// esmtp-param = esmtp-keyword ["=" esmtp-value]
    /// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    /// esmtp-value = 1*(%d33-60 / %d62-126 / UTF8-non-ascii)
    /// (Lenient: several spaces may separate parameters.)
    static func parseParameters(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> [SMTPParameter] {
        var parameters: [SMTPParameter] = []
        while !cursor.isAtEnd {
            guard cursor.consumeSpaces() else { throw SMTPDecodeError(.invalidArguments, "unexpected text after address") }
            let keyword = cursor.read { isASCIIAlpha($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") }
            guard let first = keyword.first, first != UInt8(ascii: "-") else {
                throw SMTPDecodeError(.invalidArguments, "bad parameter")
            }
            var value: String?
            if cursor.consume(UInt8(ascii: "=")) {
                let bytes = cursor.read { (33...60).contains($0) || (62...126).contains($0) || $0 >= 0x80 }
                guard !bytes.isEmpty, let text = validUTF8String(bytes) else {
                    throw SMTPDecodeError(.invalidArguments, "bad parameter value")
                }
                value = text
            }
            guard cursor.isAtEnd || cursor.peek == UInt8(ascii: " ") else {
                throw SMTPDecodeError(.invalidArguments, "bad parameter")
            }
            let parameter = SMTPParameter(keyword: String(decoding: keyword, as: UTF8.self), value: value)
            guard !parameters.contains(where: { $0.keyword == parameter.keyword }) else {
                throw SMTPDecodeError(.invalidArguments, "duplicate parameter")
            }
            parameters.append(parameter)
        }
        return parameters
    }

    /// size-param = "SIZE=" 1*20DIGIT (RFC 1870); body-param = "BODY=" ("7BIT" / "8BITMIME" / "BINARYMIME");
    /// "SMTPUTF8" (RFC 6531); "AUTH=" (xtext / "<>") (RFC 4954); "RET=" ("FULL" / "HDRS"), "ENVID=" xtext (RFC 3461).
    static func parseMailParameters(_ parameters: [SMTPParameter]) throws(SMTPDecodeError) -> SMTPMailParameters {
        var result = SMTPMailParameters()
        for parameter in parameters {
            switch parameter.keyword {
            case "SIZE":
                guard let value = parameter.value, (1...20).contains(value.utf8.count), value.utf8.allSatisfy(isASCIIDigit) else {
                    throw SMTPDecodeError(.invalidArguments, "bad SIZE value")
                }
                result.size = Int(value) ?? Int.max
            case "BODY":
                guard let value = parameter.value, let body = SMTPBodyType(rawValue: value.uppercased()) else {
                    throw SMTPDecodeError(.invalidArguments, "bad BODY value")
                }
                result.body = body
            case "SMTPUTF8":
                guard parameter.value == nil else { throw SMTPDecodeError(.invalidArguments, "SMTPUTF8 takes no value") }
                result.smtpUTF8 = true
            case "AUTH":
                guard let value = parameter.value else { throw SMTPDecodeError(.invalidArguments, "bad AUTH value") }
                result.auth = value
            case "RET":
                guard let value = parameter.value?.uppercased(), value == "FULL" || value == "HDRS" else {
                    throw SMTPDecodeError(.invalidArguments, "bad RET value")
                }
                result.ret = value
            case "ENVID":
                // At most 100 characters of xtext (RFC 3461 §4.4).
                guard let value = parameter.value, value.utf8.count <= 100, SMTPXText.isValid(value) else {
                    throw SMTPDecodeError(.invalidArguments, "bad ENVID value")
                }
                result.envelopeID = value
            default:
                result.unrecognized.append(parameter)
            }
        }
        return result
    }

    /// "NOTIFY=" ("NEVER" / 1#("SUCCESS" / "FAILURE" / "DELAY")), "ORCPT=" addr-type ";" xtext (RFC 3461).
    static func parseRecipientParameters(_ parameters: [SMTPParameter]) throws(SMTPDecodeError) -> SMTPRecipientParameters {
        var result = SMTPRecipientParameters()
        for parameter in parameters {
            switch parameter.keyword {
            case "NOTIFY":
                guard let value = parameter.value?.uppercased(), isNotifyList(value) else {
                    throw SMTPDecodeError(.invalidArguments, "bad NOTIFY value (NEVER, or SUCCESS, FAILURE and DELAY)")
                }
                result.notify = value
            case "ORCPT":
                // addr-type ";" xtext, at most 500 characters (RFC 3461 §4.2).
                guard let value = parameter.value, value.utf8.count <= 500, SMTPXText.isOriginalRecipient(value) else {
                    throw SMTPDecodeError(.invalidArguments, "bad ORCPT value")
                }
                result.originalRecipient = value
            default:
                result.unrecognized.append(parameter)
            }
        }
        return result
    }

    /// NOTIFY's value: "NEVER" alone, or a comma-separated list of SUCCESS, FAILURE and DELAY.
    static func isNotifyList(_ value: String) -> Bool {
        let events = value.split(separator: ",", omittingEmptySubsequences: false)
        if events == ["NEVER"] { return true }
        return !events.isEmpty && events.allSatisfy { $0 == "SUCCESS" || $0 == "FAILURE" || $0 == "DELAY" }
    }

    /// auth = "AUTH" SP sasl-mech [SP initial-response]
    /// sasl-mech = 1*20(UPPER-ALPHA / DIGIT / "-" / "_")
    /// initial-response = base64 / "="
    static func parseAuth(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> SMTPCommand {
        guard cursor.consumeSpaces() else { throw SMTPDecodeError(.invalidArguments, "AUTH needs a mechanism") }
        let mechanism = cursor.read { isASCIIAlpha($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        guard (1...20).contains(mechanism.count) else { throw SMTPDecodeError(.invalidArguments, "bad AUTH mechanism") }
        var initialResponse: String?
        if !cursor.isAtEnd {
            guard cursor.consumeSpaces() else { throw SMTPDecodeError(.invalidArguments, "bad AUTH mechanism") }
            let response = cursor.readRest()
            guard !response.isEmpty, response.allSatisfy(SASLBase64.isBase64Character) else {
                throw SMTPDecodeError(.invalidBase64, "AUTH initial response is not base64")
            }
            initialResponse = String(decoding: response, as: UTF8.self)
        }
        return .auth(mechanism: String(decoding: mechanism, as: UTF8.self).uppercased(), initialResponse: initialResponse)
    }

    /// bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF
    /// chunk-size = 1*DIGIT ; end-marker = "LAST"
    static func parseBDAT(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> SMTPCommand {
        guard cursor.consume(UInt8(ascii: " ")) else { throw SMTPDecodeError(.invalidChunkCommand, "BDAT needs a size") }
        let digits = cursor.read(while: isASCIIDigit)
        guard !digits.isEmpty else { throw SMTPDecodeError(.invalidChunkCommand, "bad BDAT size") }
        guard digits.count <= 18, let size = Int(String(decoding: digits, as: UTF8.self)) else {
            throw SMTPDecodeError(.sizeTooLarge, "BDAT size too large")
        }
        var last = false
        if !cursor.isAtEnd {
            guard cursor.consume(UInt8(ascii: " ")), cursor.consumeCaseInsensitive("LAST"), cursor.isAtEnd else {
                throw SMTPDecodeError(.invalidChunkCommand, "bad BDAT arguments")
            }
            last = true
        }
        return .bdat(size: size, last: last)
    }

    /// [SP String] for NOOP, HELP, VRFY, EXPN: any printable text.
    static func parseOptionalText(_ cursor: inout SMTPByteCursor) throws(SMTPDecodeError) -> String? {
        guard !cursor.isAtEnd else { return nil }
        guard cursor.consumeSpaces() else { throw SMTPDecodeError(.unrecognizedCommand, "unrecognized command") }
        let rest = cursor.readRest()
        if rest.isEmpty { return nil }
        guard let text = freeText(rest) else { throw SMTPDecodeError(.invalidArguments, "bad characters in argument") }
        return text
    }

    static func expectNoArguments(_ cursor: SMTPByteCursor) throws(SMTPDecodeError) {
        guard cursor.isAtEnd else { throw SMTPDecodeError(.invalidArguments, "command takes no arguments") }
    }
}
