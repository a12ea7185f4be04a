extension CommandParser {
    /// `sequence-set = (seq-number / seq-range) ["," sequence-set]` / `"$"` (RFC 5182);
    /// `seq-range = seq-number ":" seq-number`
    mutating func parseSequenceSet() throws(ParserError) -> SequenceSet {
        if peek() == UInt8(ascii: "$") {
            advance()
            return .lastSearchResult
        }
        var ranges: [SequenceRange] = []
        while true {
            let first = try parseSequenceNumber()
            var last = first
            if peek() == UInt8(ascii: ":") {
                advance()
                last = try parseSequenceNumber()
            }
            ranges.append(SequenceRange(first, last))
            guard peek() == UInt8(ascii: ",") else { break }
            advance()
        }
        return .ranges(ranges)
    }

    /// `seq-number = nz-number / "*"`
    mutating func parseSequenceNumber() throws(ParserError) -> SequenceNumber {
        if peek() == UInt8(ascii: "*") {
            advance()
            return .last
        }
        return .number(try parseNZNumber())
    }

    /// Whether a sequence set starts here (for search keys).
    var atSequenceSet: Bool {
        guard let b = peek() else { return false }
        return CharacterClasses.isDigit(b) || b == UInt8(ascii: "*") || b == UInt8(ascii: "$")
    }
}
