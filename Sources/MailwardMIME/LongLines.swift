/// Lines longer than RFC 5322 §2.1.1 allows: "Each line of characters MUST be no more than 998
/// characters, excluding the CRLF." A client may still submit longer ones (an HTML editor's
/// one-line paragraph), and a receiving server may refuse them or cut them anywhere. What leaves
/// this server is broken first, as Postfix's `smtp_line_length_limit` does, with the least damage:
///
/// * at the last space or tab the line allows, by a CRLF put before it — in the header that is
///   an ordinary fold, which unfolding undoes exactly; in an HTML body a space was there already;
/// * where a line has no such place, by CRLF and an added space (a new fold in the header),
///   never inside a UTF-8 character.
///
/// Message text has CRLF line ends here (``LineEndings``). Pure.
public enum LongLines {
    /// RFC 5322's limit, without the CRLF.
    public static let limit = 998

    /// Whether some line of `bytes` is longer than `limit` octets.
    public static func exceed(_ bytes: [UInt8], limit: Int = limit) -> Bool {
        var length = 0
        for byte in bytes {
            if byte == ASCII.lf {
                length = 0
            } else if byte != ASCII.cr {
                length += 1
                if length > limit { return true }
            }
        }
        return false
    }

    /// `bytes` with every line longer than `limit` octets broken into lines of at most `limit`;
    /// the same bytes when none is.
    public static func folded(_ bytes: [UInt8], limit: Int = limit) -> [UInt8] {
        guard limit >= 8, exceed(bytes, limit: limit) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / limit * 3 + 3)
        var lineStart = 0
        while lineStart < bytes.count {
            let lf = bytes[lineStart...].firstIndex(of: ASCII.lf) ?? bytes.count
            let contentEnd = lf > lineStart && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
            let ending = bytes[contentEnd..<min(lf + 1, bytes.count)]
            append(bytes[lineStart..<contentEnd], limit: limit, to: &out)
            out.append(contentsOf: ending)
            lineStart = lf + 1
        }
        return out
    }

    /// One line's content, in pieces of at most `limit` octets joined by CRLF; every piece
    /// after the first starts with a space or tab.
    private static func append(_ line: ArraySlice<UInt8>, limit: Int, to out: inout [UInt8]) {
        var start = line.startIndex
        var added = false
        while true {
            // Room left for this piece's own bytes: an added space takes one.
            let room = added ? limit - 1 : limit
            if line.endIndex - start <= room {
                if added { out.append(ASCII.space) }
                out.append(contentsOf: line[start...])
                return
            }
            let windowEnd = start + room
            if added { out.append(ASCII.space) }
            // The last blank that begins a run of blanks, after the piece's first byte.
            var cut = windowEnd
            while cut > start + 1, !(isBlank(line[cut]) && !isBlank(line[cut - 1])) { cut -= 1 }
            if cut > start + 1 {
                out.append(contentsOf: line[start..<cut])
                start = cut
                added = false
            } else {
                // No blank: cut at the window's end, at a UTF-8 character's first byte.
                cut = windowEnd
                while cut > start + 1, line[cut] & 0xC0 == 0x80 { cut -= 1 }
                out.append(contentsOf: line[start..<cut])
                start = cut
                added = true
            }
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == ASCII.space || byte == ASCII.tab
    }
}
