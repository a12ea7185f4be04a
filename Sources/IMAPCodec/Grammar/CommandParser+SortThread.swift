extension CommandParser {
    /// `sort = ["UID" SP] "SORT" [search-return-opts] SP sort-criteria SP search-criteria`
    /// (RFC 5256 §5, RETURN from RFC 5267 §5);
    /// `sort-criteria = "(" sort-criterion *(SP sort-criterion) ")"`;
    /// `sort-criterion = ["REVERSE" SP] sort-key`.
    mutating func parseSort() throws(ParserError) -> SortCommand {
        try space()
        let returnOptions = try parseSearchReturnOptions()
        let criteria = try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
            let reverse = p.consumeKeyword("REVERSE")
            if reverse { try p.space() }
            guard let key = SortKey(rawValue: try p.parseAtom().uppercased()) else {
                throw ParserError("unknown sort key")
            }
            return SortCriterion(key, reverse: reverse)
        }
        guard criteria.count <= SortKey.allCases.count * 2 else { throw ParserError("too many sort keys") }
        try space()
        let (charset, keys) = try parseSearchCriteria()
        return SortCommand(criteria: criteria, charset: charset, keys: keys, returnOptions: returnOptions)
    }

    /// `thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria` (RFC 5256 §5); an
    /// algorithm the server does not know is a syntax error (BAD).
    mutating func parseThread() throws(ParserError) -> ThreadCommand {
        try space()
        guard let algorithm = ThreadAlgorithm(rawValue: try parseAtom().uppercased()) else {
            throw ParserError("unknown threading algorithm")
        }
        try space()
        let (charset, keys) = try parseSearchCriteria()
        return ThreadCommand(algorithm: algorithm, charset: charset, keys: keys)
    }

    /// `search-criteria = charset 1*(SP search-key)` (RFC 5256 §5).
    private mutating func parseSearchCriteria() throws(ParserError) -> (charset: String, keys: [SearchKey]) {
        let charset = try parseAstring()
        var keys: [SearchKey] = []
        while optionalSpace() {
            keys.append(try parseSearchKey(depth: 0))
        }
        guard !keys.isEmpty else { throw ParserError("search keys expected") }
        return (charset, keys)
    }
}
