extension EncodedWord {
    /// Raw 8-bit bytes written *inside* a "Q" encoded word (`=?iso-8859-1?Q?Fr\xF6sche?=`, a
    /// common mailer bug) escaped as `=XX`, so that they are read in the word's own charset — as
    /// Python's `email` and most clients read them — and the header value stays ASCII for IMAP
    /// ENVELOPE. Bytes outside encoded words, and "B" words (where raw bytes are no Base64
    /// anyway), are left alone. Word boundaries follow ``decode(_:)``: no whitespace inside, at
    /// most 80 bytes of charset. Linear, with ``decode(_:)``'s dead-end bound.
    static func escapingRawBytesInQWords(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = bytes.startIndex
        let end = bytes.endIndex
        var deadUntil = i
        while i < end {
            guard bytes[i] == ASCII.equals, i + 1 < end, bytes[i + 1] == ASCII.question,
                  let text = qWordText(bytes, at: i, deadUntil: &deadUntil) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            out.append(contentsOf: bytes[i..<text.lowerBound])
            for byte in bytes[text] {
                if byte >= 0x80 {
                    out.append(ASCII.equals)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                } else {
                    out.append(byte)
                }
            }
            i = text.upperBound
        }
        return out
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// The text range of a "Q" word `=?charset?Q?text?=` starting at `start`, or nil. A scan for
    /// the closing `?=` that fails at `e` means no word whose text starts before `e` can close.
    private static func qWordText(_ b: ArraySlice<UInt8>, at start: Int, deadUntil: inout Int) -> Range<Int>? {
        var j = start + 2
        while j < b.endIndex, b[j] != ASCII.question, !b[j].isWhitespaceOrNewline, j - start < 80 { j += 1 }
        guard j > start + 2, j + 2 < b.endIndex, b[j] == ASCII.question, b[j + 1].asciiLowercased == UInt8(ascii: "q"),
              b[j + 2] == ASCII.question else { return nil }
        let textStart = j + 3
        guard textStart >= deadUntil else { return nil }
        var k = textStart
        while k + 1 < b.endIndex {
            if b[k] == ASCII.question && b[k + 1] == ASCII.equals { return textStart..<k }
            if b[k].isWhitespaceOrNewline { deadUntil = k; return nil }
            k += 1
        }
        deadUntil = b.endIndex
        return nil
    }
}
