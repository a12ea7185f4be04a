/// DKIM's "relaxed" canonicalization (RFC 6376 §3.4.2, §3.4.4) of a raw message: what a signer
/// hashes and a verifier recomputes. Lines end in CRLF on the wire; a bare LF here is taken as
/// one (the SMTP client sends it as CRLF).
public enum DKIMCanonicalization {
    /// A header field as the message has it (name as written, whole field with its folding).
    public struct Field: Sendable {
        /// The field name in lower case.
        public var name: String
        public var bytes: ArraySlice<UInt8>
    }

    /// The header fields, top to bottom.
    public static func fields(of raw: [UInt8]) -> [Field] {
        let end = HeaderEditor.headerSectionEnd(raw)
        return HeaderEditor.fieldRanges(raw[..<end]).map { range in
            let name = HeaderEditor.fieldName(raw[range])
            return Field(name: String(decoding: name.map(\.asciiLowercased), as: UTF8.self), bytes: raw[range])
        }
    }

    /// The body: what follows the blank line after the header section (empty when none).
    public static func body(of raw: [UInt8]) -> ArraySlice<UInt8> {
        let end = HeaderEditor.headerSectionEnd(raw)
        guard end < raw.count else { return [] }
        // Skip the blank line itself (CRLF or LF).
        let start = raw[end] == ASCII.cr ? end + 2 : end + 1
        return raw[min(start, raw.count)...]
    }

    /// `name:value` + CRLF: name in lower case, the value unfolded, runs of spaces and tabs as
    /// one space, none around the colon or at the end. Without `lineEnd`, no CRLF (the
    /// signature's own field, hashed last).
    public static func relaxedHeader(_ field: ArraySlice<UInt8>, lineEnd: Bool = true) -> [UInt8] {
        let colon = field.firstIndex(of: ASCII.colon) ?? field.endIndex
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        for byte in field[field.startIndex..<colon] where !byte.isWSP && byte != ASCII.cr && byte != ASCII.lf {
            out.append(byte.asciiLowercased)
        }
        out.append(ASCII.colon)
        var pendingSpace = false
        var started = false
        if colon < field.endIndex {
            for byte in field[(colon + 1)...] {
                if byte == ASCII.cr || byte == ASCII.lf { continue }
                if byte.isWSP {
                    pendingSpace = started
                    continue
                }
                if pendingSpace { out.append(ASCII.space) }
                pendingSpace = false
                started = true
                out.append(byte)
            }
        }
        if lineEnd { out += [ASCII.cr, ASCII.lf] }
        return out
    }

    /// Each line without trailing spaces and tabs and with inner runs of them as one space,
    /// lines ending in CRLF, empty lines at the end removed; an empty body stays empty.
    public static func relaxedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var line: [UInt8] = []
        var pendingSpace = false
        var emptyLinesPending = 0
        func endLine() {
            if line.isEmpty {
                emptyLinesPending += 1
            } else {
                for _ in 0..<emptyLinesPending { out += [ASCII.cr, ASCII.lf] }
                emptyLinesPending = 0
                out += line
                out += [ASCII.cr, ASCII.lf]
            }
            line.removeAll(keepingCapacity: true)
            pendingSpace = false
        }
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == ASCII.lf {
                endLine()
            } else if byte == ASCII.cr, index + 1 < body.endIndex, body[index + 1] == ASCII.lf {
                // The LF ends the line.
            } else if byte.isWSP {
                pendingSpace = true
            } else {
                if pendingSpace { line.append(ASCII.space) }
                pendingSpace = false
                line.append(byte)
            }
            index += 1
        }
        // A last line without its line end still counts (and gets a CRLF).
        if !line.isEmpty { endLine() }
        return out
    }
}
