extension CommandParser {
    /// `select-params = SP "(" select-param *(SP select-param) ")"`;
    /// `select-param = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP mod-sequence-value
    ///  [SP known-uids] [SP seq-match-data] ")"`; `seq-match-data = "(" known-sequence-set SP known-uid-set ")"`
    mutating func parseSelectParameters() throws(ParserError) -> [SelectParameter] {
        guard optionalSpace() else { return [] }
        return try parseParenthesizedList(allowEmpty: false) { (p: inout CommandParser) throws(ParserError) in
            let name = try p.parseAtom().uppercased()
            switch name {
            case "CONDSTORE":
                return .condstore
            case "QRESYNC":
                try p.space()
                try p.expect(UInt8(ascii: "("), "(")
                let uidValidity = try p.parseNZNumber()
                try p.space()
                var parameter = QResyncParameter(uidValidity: uidValidity, modSequence: try p.parseNumber64())
                if p.optionalSpace() {
                    if p.peek() != UInt8(ascii: "(") {
                        parameter.knownUIDs = try p.parseSequenceSet()
                        if p.optionalSpace() {
                            parameter.sequenceMatch = try p.parseSequenceMatch()
                        }
                    } else {
                        parameter.sequenceMatch = try p.parseSequenceMatch()
                    }
                }
                try p.expect(UInt8(ascii: ")"), ")")
                return .qresync(parameter)
            default:
                throw ParserError("unsupported select parameter")
            }
        }
    }

    private mutating func parseSequenceMatch() throws(ParserError) -> (sequences: SequenceSet, uids: SequenceSet) {
        try expect(UInt8(ascii: "("), "(")
        let sequences = try parseSequenceSet()
        try space()
        let uids = try parseSequenceSet()
        try expect(UInt8(ascii: ")"), ")")
        return (sequences, uids)
    }
}
