extension CommandParser {
    /// `date = date-text / DQUOTE date-text DQUOTE`;
    /// `date-text = date-day "-" date-month "-" date-year`
    mutating func parseDate() throws(ParserError) -> IMAPDate {
        let quoted = peek() == UInt8(ascii: "\"")
        if quoted { advance() }
        let text = take(while: { CharacterClasses.isAtomChar($0) && $0 != UInt8(ascii: "\"") })
        if quoted { try expect(UInt8(ascii: "\""), "closing quote of date") }
        guard let date = IMAPDate(String(decoding: text, as: UTF8.self)) else {
            throw ParserError("invalid date")
        }
        return date
    }

    /// `date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
    mutating func parseDateTime() throws(ParserError) -> IMAPDateTime {
        let text = try parseQuoted()
        guard text.count <= 40, let value = IMAPDateTime(String(decoding: text, as: UTF8.self)) else {
            throw ParserError("invalid date-time")
        }
        return value
    }
}
