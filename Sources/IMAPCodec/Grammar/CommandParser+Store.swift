extension CommandParser {
    /// `store = "STORE" SP sequence-set [store-modifiers] SP store-att-flags`;
    /// `store-modifiers = SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"` (RFC 7162);
    /// `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`
    mutating func parseStore(uid: Bool) throws(ParserError) -> Command {
        try space()
        let set = try parseSequenceSet()
        try space()
        var unchangedSince: UInt64?
        if peek() == UInt8(ascii: "(") {
            advance()
            try expectKeyword("UNCHANGEDSINCE")
            try space()
            unchangedSince = try parseNumber64()
            try expect(UInt8(ascii: ")"), ")")
            try space()
        }
        let kind: StoreOperation.Kind
        switch peek() {
        case UInt8(ascii: "+"):
            kind = .add
            advance()
        case UInt8(ascii: "-"):
            kind = .remove
            advance()
        default:
            kind = .replace
        }
        let name = try parseAtom().uppercased()
        guard name == "FLAGS" || name == "FLAGS.SILENT" else { throw ParserError("expected FLAGS") }
        try space()
        let flags: [Flag]
        if peek() == UInt8(ascii: "(") {
            flags = try parseFlagList()
        } else {
            var list = [try parseFlag()]
            while optionalSpace() { list.append(try parseFlag()) }
            flags = list
        }
        return .store(set, StoreOperation(kind: kind, silent: name == "FLAGS.SILENT", flags: flags),
                      unchangedSince: unchangedSince, uid: uid)
    }
}
