/// uuencode (`Content-Transfer-Encoding: x-uuencode`): never standardised, but old mailers
/// (Outlook Express, Eudora, scripts) sent attachments this way. Decoded leniently, like the
/// other encodings: the lines between `begin <mode> <name>` and `end`, each starting with a
/// character that gives its length; a body without a `begin` line is not uuencoded and stays as is.
public enum UUEncoding {
    public static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var lines = input.split(separator: ASCII.lf, omittingEmptySubsequences: false).lazy.map { line in
            line.last == ASCII.cr ? line.dropLast() : line
        }.makeIterator()
        var begun = false
        while let line = lines.next() {
            if line.starts(with: "begin ".utf8) {
                begun = true
                break
            }
        }
        guard begun else { return Array(input) }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        while let line = lines.next() {
            guard let first = line.first, !line.starts(with: "end".utf8) else { break }
            let length = Int(value(first))
            // A zero-length line (`` ` `` or a space) ends the data; `end` follows.
            guard length > 0 else { break }
            let body = line.dropFirst()
            var index = body.startIndex
            // A line cut short (trailing blanks stripped in transit) reads as blanks.
            func next() -> UInt8 {
                guard index < body.endIndex else { return 0 }
                defer { index += 1 }
                return value(body[index])
            }
            var left = length
            while left > 0 {
                let (a, b, c, d) = (next(), next(), next(), next())
                out.append(a << 2 | b >> 4)
                if left > 1 { out.append(b << 4 | c >> 2) }
                if left > 2 { out.append(c << 6 | d) }
                left -= 3
            }
        }
        return out
    }

    /// A character's six bits: (c − 32) mod 64, so both a space and a backquote are 0.
    private static func value(_ character: UInt8) -> UInt8 {
        (character &- 0x20) & 0x3F
    }
}
