/// Content-Transfer-Encoding (RFC 2045 §6): decoding is lenient (Dovecot-like: garbage is skipped,
/// never an error); encoding produces lines of at most 76 characters with CRLF.
public enum TransferEncoding: Sendable, Equatable {
    case sevenBit, eightBit, binary, base64, quotedPrintable
    /// `x-uuencode` (``UUEncoding``): decoded for people (the webmail's views and downloads);
    /// IMAP's BINARY answers `UNKNOWN-CTE` for it, as Dovecot does.
    case uuencode
    /// An unknown token (garbage...). Its body is passed through undecoded.
    case other(String)

    /// Parses a Content-Transfer-Encoding value (case-insensitive; absent means 7bit).
    public init(headerValue: String?) {
        guard let raw = headerValue?.trimmingMailWhitespace, !raw.isEmpty else {
            self = .sevenBit
            return
        }
        let token = raw.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == ";" }).first.map(String.init)?.asciiLowercased ?? ""
        switch token {
        case "7bit", "7-bit": self = .sevenBit
        case "8bit", "8-bit": self = .eightBit
        case "binary": self = .binary
        case "base64", "base-64": self = .base64
        case "quoted-printable", "quoted_printable", "qp": self = .quotedPrintable
        case "x-uuencode", "uuencode", "x-uue", "uue": self = .uuencode
        default: self = .other(raw)
        }
    }

    /// Decodes a body in this encoding.
    public func decode(_ body: ArraySlice<UInt8>) -> [UInt8] {
        switch self {
        case .base64: return Base64.decode(body)
        case .quotedPrintable: return QuotedPrintable.decode(body)
        case .uuencode: return UUEncoding.decode(body)
        case .sevenBit, .eightBit, .binary, .other: return Array(body)
        }
    }
}

/// Lenient Base64 (RFC 2045 §6.8).
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0...63 for alphabet bytes, 0xFF otherwise.
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes, skipping every byte outside the alphabet. `=` ends the current quantum (so
    /// concatenated Base64 blocks decode too); a dangling partial quantum keeps its whole bytes.
    public static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var bits = 0
        table.withUnsafeBufferPointer { table in
            for byte in input {
                let v = table[Int(byte)]
                if v == 0xFF {
                    if byte == ASCII.equals {
                        accumulator = 0
                        bits = 0
                    }
                    continue
                }
                accumulator = (accumulator << 6) | UInt32(v)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
        }
        return out
    }

    /// Number of bytes ``decode(_:)`` would produce, without allocating.
    public static func decodedCount(_ input: ArraySlice<UInt8>) -> Int {
        var count = 0
        var bits = 0
        for byte in input {
            if table[Int(byte)] == 0xFF {
                if byte == ASCII.equals { bits = 0 }
                continue
            }
            bits += 6
            if bits >= 8 { bits -= 8; count += 1 }
        }
        return count
    }

    /// Encodes with CRLF after every `lineLength` characters (0: one line, no CRLF).
    public static func encode(_ input: some Collection<UInt8>, lineLength: Int = 76) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4 / 3 + bytes.count / 38 + 8)
        var column = 0
        var i = 0
        func emit(_ c: UInt8) {
            if lineLength > 0 && column == lineLength {
                out.append(ASCII.cr); out.append(ASCII.lf)
                column = 0
            }
            out.append(c)
            column += 1
        }
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = (b0 << 16) | (b1 << 8) | b2
            emit(alphabet[Int((n >> 18) & 63)])
            emit(alphabet[Int((n >> 12) & 63)])
            emit(i + 1 < bytes.count ? alphabet[Int((n >> 6) & 63)] : ASCII.equals)
            emit(i + 2 < bytes.count ? alphabet[Int(n & 63)] : ASCII.equals)
            i += 3
        }
        if lineLength > 0 && !out.isEmpty { out.append(ASCII.cr); out.append(ASCII.lf) }
        return out
    }
}

/// Quoted-Printable (RFC 2045 §6.7).
public enum QuotedPrintable {
    /// Decodes leniently: `=XX` (either case) is a byte, `=` before optional blanks and a line break
    /// is a soft break, any other `=` is kept literally. Line breaks (CRLF or LF) are preserved.
    public static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = input.startIndex
        let end = input.endIndex
        while i < end {
            let byte = input[i]
            if byte != ASCII.equals {
                out.append(byte)
                i += 1
                continue
            }
            // Hex escape.
            if i + 2 < end, let hi = ASCII.hexValue(input[i + 1]), let lo = ASCII.hexValue(input[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            // Soft line break: "=" WSP* (CRLF | LF | end of input).
            var j = i + 1
            while j < end && input[j].isWSP { j += 1 }
            if j == end {
                i = end
                continue
            }
            if input[j] == ASCII.lf {
                i = j + 1
                continue
            }
            if input[j] == ASCII.cr && j + 1 < end && input[j + 1] == ASCII.lf {
                i = j + 2
                continue
            }
            out.append(ASCII.equals)
            i += 1
        }
        return out
    }

    /// Encodes text (line breaks in `input` must be CRLF; they are kept as hard breaks) with soft
    /// breaks so no line exceeds 76 characters. Trailing blanks before a break are encoded.
    public static func encode(_ input: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var column = 0
        var i = 0
        func softBreak() {
            out.append(ASCII.equals); out.append(ASCII.cr); out.append(ASCII.lf)
            column = 0
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == ASCII.cr && i + 1 < bytes.count && bytes[i + 1] == ASCII.lf {
                out.append(ASCII.cr); out.append(ASCII.lf)
                column = 0
                i += 2
                continue
            }
            let atLineEnd = i + 1 == bytes.count || (bytes[i + 1] == ASCII.cr && i + 2 < bytes.count && bytes[i + 2] == ASCII.lf)
            let literal = (b >= 33 && b <= 126 && b != ASCII.equals) || (b.isWSP && !atLineEnd)
            // A literal "." or "From " at the start of a line is harmless for us; keep it simple.
            let width = literal ? 1 : 3
            if column + width > 75 { softBreak() }
            if literal {
                out.append(b)
            } else {
                out.append(ASCII.equals)
                out.append(ASCII.upperHexDigits[Int(b >> 4)])
                out.append(ASCII.upperHexDigits[Int(b & 15)])
            }
            column += width
            i += 1
        }
        return out
    }
}
