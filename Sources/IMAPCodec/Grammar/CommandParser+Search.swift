extension CommandParser {
    /// Deepest nesting of `NOT` / `OR` / parentheses accepted, so hostile input cannot
    /// exhaust the stack. Clients chain `OR` for "any of": Thunderbird's saved search over a
    /// hundred senders is `OR OR … FROM a FROM b …`, nested 99 deep.
    static let maxSearchDepth = 128
    /// Most search keys in one command, nested ones included: each is evaluated against every
    /// message of the folder (a text key against the full-text index), and a 1 MiB command could
    /// otherwise hold a hundred thousand of them.
    static let maxSearchKeys = 1000

    /// `search = "SEARCH" [search-return-opts] [SP "CHARSET" SP charset] 1*(SP search-key)`;
    /// `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`
    mutating func parseSearch() throws(ParserError) -> SearchCommand {
        try space()
        let returnOptions = try parseSearchReturnOptions()
        var charset: String?
        if consumeKeyword("CHARSET") {
            try space()
            charset = try parseAstring()
            try space()
        }
        var keys = [try parseSearchKey(depth: 0)]
        while optionalSpace() {
            keys.append(try parseSearchKey(depth: 0))
        }
        return SearchCommand(charset: charset, keys: keys, returnOptions: returnOptions)
    }

    /// `"RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")" SP`, when the next word is
    /// RETURN (SEARCH and SORT); `nil` when it is not.
    mutating func parseSearchReturnOptions() throws(ParserError) -> [SearchReturnOption]? {
        guard consumeKeyword("RETURN") else { return nil }
        try space()
        let options = try parseParenthesizedList { (p: inout CommandParser) throws(ParserError) in
            guard let option = SearchReturnOption(rawValue: try p.parseAtom().uppercased()) else {
                throw ParserError("unknown search return option")
            }
            return option
        }
        try space()
        return options
    }

    /// `search-key = "ALL" / "ANSWERED" / "BCC" SP astring / "BEFORE" SP date / ... /
    ///  "NOT" SP search-key / "OR" SP search-key SP search-key / sequence-set /
    ///  "(" search-key *(SP search-key) ")" / "MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer`
    mutating func parseSearchKey(depth: Int) throws(ParserError) -> SearchKey {
        guard depth < Self.maxSearchDepth else { throw ParserError("search nested too deeply") }
        searchKeys += 1
        guard searchKeys <= Self.maxSearchKeys else { throw ParserError("more than \(Self.maxSearchKeys) search keys") }
        if peek() == UInt8(ascii: "(") {
            let keys = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
                try p.parseSearchKey(depth: depth + 1)
            }
            return keys.count == 1 ? keys[0] : .and(keys)
        }
        if atSequenceSet {
            return .sequenceNumbers(try parseSequenceSet())
        }
        let name = try parseAtom().uppercased()
        switch name {
        case "ALL": return .all
        case "ANSWERED": return .answered
        case "DELETED": return .deleted
        case "DRAFT": return .draft
        case "FLAGGED": return .flagged
        case "NEW": return .new
        case "OLD": return .old
        case "RECENT": return .recent
        case "SEEN": return .seen
        case "UNANSWERED": return .unanswered
        case "UNDELETED": return .undeleted
        case "UNDRAFT": return .undraft
        case "UNFLAGGED": return .unflagged
        case "UNSEEN": return .unseen
        case "KEYWORD", "UNKEYWORD":
            try space()
            let keyword = try parseAtom()
            return name == "KEYWORD" ? .keyword(keyword) : .unkeyword(keyword)
        case "BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO":
            try space()
            let value = try parseAstring()
            switch name {
            case "BCC": return .bcc(value)
            case "BODY": return .body(value)
            case "CC": return .cc(value)
            case "FROM": return .from(value)
            case "SUBJECT": return .subject(value)
            case "TEXT": return .text(value)
            default: return .to(value)
            }
        case "HEADER":
            try space()
            let field = try parseAstring()
            try space()
            return .header(field: field, value: try parseAstring())
        case "BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE":
            try space()
            let date = try parseDate()
            switch name {
            case "BEFORE": return .before(date)
            case "ON": return .on(date)
            case "SINCE": return .since(date)
            case "SENTBEFORE": return .sentBefore(date)
            case "SENTON": return .sentOn(date)
            default: return .sentSince(date)
            }
        case "LARGER", "SMALLER":
            try space()
            let size = try parseNumber64()
            return name == "LARGER" ? .larger(size) : .smaller(size)
        case "OLDER", "YOUNGER":
            try space()
            let seconds = try parseNZNumber()
            return name == "OLDER" ? .older(seconds) : .younger(seconds)
        case "UID":
            try space()
            return .uid(try parseSequenceSet())
        case "NOT":
            try space()
            return .not(try parseSearchKey(depth: depth + 1))
        case "OR":
            try space()
            let a = try parseSearchKey(depth: depth + 1)
            try space()
            return .or(a, try parseSearchKey(depth: depth + 1))
        case "MODSEQ":
            try space()
            if peek() == UInt8(ascii: "\"") {
                // entry-name SP entry-type-req: metadata item, ignored.
                _ = try parseQuoted()
                try space()
                let type = try parseAtom().lowercased()
                guard type == "priv" || type == "shared" || type == "all" else { throw ParserError("invalid entry type") }
                try space()
            }
            return .modSequence(try parseNumber64())
        default:
            throw ParserError("unknown search key")
        }
    }
}
