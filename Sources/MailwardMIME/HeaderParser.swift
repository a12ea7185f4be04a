/// Splits a header block (RFC 5322 §2.2) into fields.
///
/// Tolerant of what real mail contains: bare LF line ends, obsolete `Name :` spacing, lines
/// without a colon (ignored), an mbox `From ` line, continuation lines before any field (ignored),
/// and a missing blank line (the whole entity is then header). Bounded by `maxFields`.
enum HeaderParser {
    static let maxFields = 5_000

    /// A field located in the raw bytes; the value may span several physical lines.
    struct RawField {
        var name: Range<Int>
        /// Value ranges, one per physical line, without line ends (first one starts after the colon).
        var valueLines: [Range<Int>]
    }

    struct Block {
        var fields: [RawField]
        /// First byte of the body (after the blank line), or the end of the entity.
        var bodyStart: Int
    }

    static func scan(_ bytes: [UInt8], in range: Range<Int>) -> Block {
        var fields: [RawField] = []
        var i = range.lowerBound
        let end = range.upperBound
        var current: RawField?
        while i < end {
            let (contentEnd, next) = ByteScan.line(in: bytes, from: i, end: end)
            if contentEnd == i {
                if let field = current { append(field, to: &fields) }
                return Block(fields: fields, bodyStart: next)
            }
            if bytes[i].isWSP {
                if current != nil { current!.valueLines.append(i..<contentEnd) }
                i = next
                continue
            }
            if let field = current { append(field, to: &fields) }
            current = nil
            var colon = i
            while colon < contentEnd && bytes[colon] != ASCII.colon { colon += 1 }
            if colon < contentEnd {
                var nameEnd = colon
                while nameEnd > i && bytes[nameEnd - 1].isWSP { nameEnd -= 1 }
                if nameEnd > i && !bytes[i..<nameEnd].contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
                    current = RawField(name: i..<nameEnd, valueLines: [(colon + 1)..<contentEnd])
                }
            }  // A line without a colon (an mbox "From " line, garbage) is skipped.
            i = next
        }
        if let field = current { append(field, to: &fields) }
        return Block(fields: fields, bodyStart: end)
    }

    private static func append(_ field: RawField, to fields: inout [RawField]) {
        if fields.count < maxFields { fields.append(field) }
    }

    /// The unfolded, trimmed value bytes of a field.
    static func valueBytes(_ field: RawField, in bytes: [UInt8]) -> ArraySlice<UInt8> {
        if field.valueLines.count == 1 {
            return trimmed(bytes[field.valueLines[0]])
        }
        var joined: [UInt8] = []
        for line in field.valueLines { joined.append(contentsOf: bytes[line]) }
        return trimmed(joined[...])
    }

    private static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = slice.startIndex, hi = slice.endIndex
        while lo < hi && slice[lo].isWhitespaceOrNewline { lo += 1 }
        while hi > lo && slice[hi - 1].isWhitespaceOrNewline { hi -= 1 }
        return slice[lo..<hi]
    }

    static func name(_ field: RawField, in bytes: [UInt8]) -> String {
        String(decoding: bytes[field.name], as: UTF8.self)
    }

    static func nameEquals(_ field: RawField, _ lowercasedName: String, in bytes: [UInt8]) -> Bool {
        let name = bytes[field.name]
        let target = lowercasedName.utf8
        guard name.count == target.count else { return false }
        return zip(name, target).allSatisfy { $0.asciiLowercased == $1 }
    }

    /// Decoded value string of a raw field. Raw 8-bit bytes that are not UTF-8: inside a "Q"
    /// encoded word they belong to the word's charset (escaped, left for ``EncodedWord``);
    /// elsewhere they are read in `declaredCharset` (the message's, see ``EntityParser``) when it
    /// fits, else GB18030 (``Charset/decodeHeaderBytes(_:declaredCharset:)``).
    static func value(_ field: RawField, in bytes: [UInt8], declaredCharset: String?) -> String {
        let raw = valueBytes(field, in: bytes)
        if !raw.contains(where: { $0 >= 0x80 }) { return String(decoding: raw, as: UTF8.self) }
        if let utf8 = String(validating: raw, as: UTF8.self) { return utf8 }
        let escaped = EncodedWord.escapingRawBytesInQWords(raw)
        return Charset.decodeHeaderBytes(escaped[...], declaredCharset: declaredCharset)
    }
}
