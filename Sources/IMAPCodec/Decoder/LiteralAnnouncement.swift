/// A literal announced at the end of a line: `{n}`, `{n+}`, `~{n}` or `~{n+}` (RFC 3501, RFC 7888, RFC 3516).
struct LiteralAnnouncement: Equatable {
    var size: UInt64
    /// `{n}`: the client waits for a `+` continuation before sending the bytes.
    var isSynchronizing: Bool

    /// Looks for an announcement at the end of `line` (without its CRLF / LF).
    init?<C: BidirectionalCollection>(lineEnding line: C) where C.Element == UInt8 {
        var index = line.endIndex
        guard index != line.startIndex else { return nil }
        index = line.index(before: index)
        guard line[index] == UInt8(ascii: "}") else { return nil }
        var synchronizing = true
        guard index != line.startIndex else { return nil }
        index = line.index(before: index)
        if line[index] == UInt8(ascii: "+") {
            synchronizing = false
            guard index != line.startIndex else { return nil }
            index = line.index(before: index)
        }
        var digits: [UInt8] = []
        while CharacterClasses.isDigit(line[index]) {
            digits.append(line[index])
            guard digits.count <= 19, index != line.startIndex else { return nil }
            index = line.index(before: index)
        }
        guard !digits.isEmpty, line[index] == UInt8(ascii: "{") else { return nil }
        var size: UInt64 = 0
        for d in digits.reversed() {
            size = size * 10 + UInt64(d - UInt8(ascii: "0"))
        }
        self.size = size
        self.isSynchronizing = synchronizing
    }
}
