/// Rewrites one header field of a raw message without touching anything else: every other
/// header line and the body stay byte for byte as they came (signatures over them keep holding).
///
/// Used where the server must decide a field itself whatever the client wrote — `Sender:` on
/// mail sent on behalf of a shared mailbox's owner (SPEC S5).
public enum HeaderEditor {
    /// `raw` with every `name` field (folded continuation lines included) removed and, when
    /// `addresses` is not empty, one new field inserted right after the first `From:` field
    /// (or at the top when there is none). Line ends follow the message (CRLF or bare LF).
    public static func settingAddressField(_ name: String, to addresses: [MailAddress], in raw: [UInt8]) -> [UInt8] {
        let headerEnd = headerSectionEnd(raw)
        let lineEnd: [UInt8] = raw[..<headerEnd].contains(ASCII.cr) ? [ASCII.cr, ASCII.lf] : [ASCII.lf]
        var fields = fieldRanges(raw[..<headerEnd])
        fields.removeAll { fieldName(raw[$0]).caseInsensitiveEquals(name) }

        var inserted: [UInt8] = []
        if !addresses.isEmpty {
            var writer = HeaderWriter()
            writer.addresses(name, addresses)
            inserted = writer.bytes
            if lineEnd == [ASCII.lf] { inserted.removeAll { $0 == ASCII.cr } }
        }
        let insertAt = fields.firstIndex { fieldName(raw[$0]).caseInsensitiveEquals("From") }.map { $0 + 1 } ?? 0

        var out: [UInt8] = []
        out.reserveCapacity(raw.count + inserted.count)
        for (index, range) in fields.enumerated() {
            if index == insertAt { out += inserted }
            out += raw[range]
            if index + 1 == insertAt, !inserted.isEmpty, raw[range].last != ASCII.lf { out += lineEnd }
        }
        if insertAt >= fields.count { out += inserted }
        out += raw[headerEnd...]
        return out
    }

    /// `raw` without any `name` field (folded continuation lines included); the rest byte for byte.
    /// Without such a field, `raw` itself — no copy: the SMTP door asks this of every message.
    public static func removingFields(named name: String, in raw: [UInt8]) -> [UInt8] {
        let headerEnd = headerSectionEnd(raw)
        let fields = fieldRanges(raw[..<headerEnd])
        guard fields.contains(where: { fieldName(raw[$0]).caseInsensitiveEquals(name) }) else { return raw }
        return settingAddressField(name, to: [], in: raw)
    }

    /// `raw` without the fields `remove` picks (given the name as written and the raw value,
    /// folding included); the rest byte for byte.
    public static func removingFields(in raw: [UInt8], where remove: (String, String) -> Bool) -> [UInt8] {
        let headerEnd = headerSectionEnd(raw)
        let fields = fieldRanges(raw[..<headerEnd])
        let removed = fields.filter { range in
            let name = fieldName(raw[range])
            let valueStart = raw[range].firstIndex(of: ASCII.colon).map { $0 + 1 } ?? range.upperBound
            return remove(String(decoding: name, as: UTF8.self), String(decoding: raw[valueStart..<range.upperBound], as: UTF8.self))
        }
        guard !removed.isEmpty else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        for range in fields where !removed.contains(range) { out += raw[range] }
        out += raw[headerEnd...]
        return out
    }

    /// Whether the header section has a `name` field.
    public static func hasField(named name: String, in raw: [UInt8]) -> Bool {
        let headerEnd = headerSectionEnd(raw)
        return fieldRanges(raw[..<headerEnd]).contains { fieldName(raw[$0]).caseInsensitiveEquals(name) }
    }

    /// `raw` with `fields` (name, ASCII value) added at the end of the header section, each only
    /// when the message has no field of that name yet. Line ends follow the message.
    public static func addingMissingFields(_ fields: [(name: String, value: String)], in raw: [UInt8]) -> [UInt8] {
        var writer = HeaderWriter()
        for field in fields where !hasField(named: field.name, in: raw) { writer.field(field.name, field.value) }
        var added = writer.bytes
        guard !added.isEmpty else { return raw }
        let headerEnd = headerSectionEnd(raw)
        let crlf = raw[..<headerEnd].contains(ASCII.cr) || headerEnd == 0
        if !crlf { added.removeAll { $0 == ASCII.cr } }
        // A header section that ends without a line end (a message of headers only) gets one.
        if headerEnd > 0, raw[headerEnd - 1] != ASCII.lf { added = (crlf ? [ASCII.cr, ASCII.lf] : [ASCII.lf]) + added }
        return Array(raw[..<headerEnd]) + added + raw[headerEnd...]
    }

    /// Index of the blank line that ends the header section (its first byte), or `raw.count`
    /// when the message has no body.
    public static func headerSectionEnd(_ raw: [UInt8]) -> Int {
        var lineStart = 0
        while lineStart < raw.count {
            if raw[lineStart] == ASCII.lf { return lineStart }
            if raw[lineStart] == ASCII.cr, lineStart + 1 < raw.count, raw[lineStart + 1] == ASCII.lf { return lineStart }
            guard let newline = raw[lineStart...].firstIndex(of: ASCII.lf) else { return raw.count }
            lineStart = newline + 1
        }
        return raw.count
    }

    /// The byte ranges of whole fields: a line plus the continuation lines that follow it.
    static func fieldRanges(_ header: ArraySlice<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var lineStart = header.startIndex
        while lineStart < header.endIndex {
            let lineEnd = header[lineStart...].firstIndex(of: ASCII.lf).map { $0 + 1 } ?? header.endIndex
            let first = header[lineStart]
            if first.isWSP, let last = ranges.indices.last {
                ranges[last] = ranges[last].lowerBound..<lineEnd
            } else {
                ranges.append(lineStart..<lineEnd)
            }
            lineStart = lineEnd
        }
        return ranges
    }

    static func fieldName(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let colon = field.firstIndex(of: ASCII.colon) ?? field.endIndex
        var end = colon
        while end > field.startIndex, field[end - 1].isWSP { end -= 1 }
        return field[field.startIndex..<end]
    }
}

private extension ArraySlice where Element == UInt8 {
    func caseInsensitiveEquals(_ name: String) -> Bool {
        let other = Array(name.utf8)
        guard count == other.count else { return false }
        return zip(self, other).allSatisfy { $0.asciiLowercased == $1.asciiLowercased }
    }
}
