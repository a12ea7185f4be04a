extension CommandParser {
    /// `list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]`;
    /// `list-select-opts = "(" [list-select-option *(SP list-select-option)] ")"`;
    /// `mbox-or-pat = list-mailbox / patterns`; `patterns = "(" list-mailbox *(SP list-mailbox) ")"`;
    /// `list-return-opts = "RETURN" SP "(" [return-option *(SP return-option)] ")"`
    mutating func parseList() throws(ParserError) -> ListCommand {
        try space()
        var selection: [ListSelectionOption] = []
        if peek() == UInt8(ascii: "(") {
            selection = try parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in
                switch try p.parseAtom().uppercased() {
                case "SUBSCRIBED": return .subscribed
                case "REMOTE": return .remote
                case "RECURSIVEMATCH": return .recursiveMatch
                case "SPECIAL-USE": return .specialUse
                default: throw ParserError("unknown LIST selection option")
                }
            }
            // RFC 5258 §3: RECURSIVEMATCH alone (or with only REMOTE) is an error.
            if selection.contains(.recursiveMatch), !selection.contains(where: { $0 != .recursiveMatch && $0 != .remote }) {
                throw ParserError("RECURSIVEMATCH needs another selection option")
            }
            try space()
        }
        let reference = try parseMailbox()
        try space()
        let patterns: [[UInt8]]
        if peek() == UInt8(ascii: "(") {
            patterns = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
                try p.parseListMailbox()
            }
        } else {
            patterns = [try parseListMailbox()]
        }
        var returns: [ListReturnOption] = []
        if optionalSpace() {
            try expectKeyword("RETURN")
            try space()
            returns = try parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in
                switch try p.parseAtom().uppercased() {
                case "SUBSCRIBED": return .subscribed
                case "CHILDREN": return .children
                case "SPECIAL-USE": return .specialUse
                case "STATUS":
                    try p.space()
                    return .status(try p.parseStatusAttributes())
                default: throw ParserError("unknown LIST return option")
                }
            }
        }
        return ListCommand(selectionOptions: selection, reference: reference, patterns: patterns, returnOptions: returns)
    }
}
