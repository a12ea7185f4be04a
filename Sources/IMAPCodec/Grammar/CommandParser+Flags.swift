extension CommandParser {
    /// `flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension`;
    /// `flag-keyword = "$MDNSent" / "$Forwarded" / ... / atom`; `flag-extension = "\" atom`
    mutating func parseFlag() throws(ParserError) -> Flag {
        if peek() == UInt8(ascii: "\\") {
            advance()
            let name = try parseAtom()
            let flag = Flag(wire: "\\" + name)
            if flag == .recent { throw ParserError("\\Recent cannot be set") }
            // A flag-extension no standard defines cannot be stored: refused (as Dovecot does)
            // rather than dropped while the command says OK.
            if case .extension = flag { throw ParserError("Invalid system flag \\\(name)") }
            return flag
        }
        return .keyword(try parseAtom())
    }

    /// `flag-list = "(" [flag *(SP flag)] ")"`
    mutating func parseFlagList() throws(ParserError) -> [Flag] {
        try parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in try p.parseFlag() }
    }
}
