/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header text.
public enum EncodedWord {
    /// Decodes every encoded word in `text`.
    ///
    /// Lenient like real clients: words glued to surrounding text are decoded too, whitespace
    /// between two adjacent encoded words is dropped, and adjacent words in the same charset are
    /// joined *before* charset decoding (mailers split multi-byte characters across words).
    /// `charset*language` (RFC 2231 §5) is accepted. Malformed words are left as they are.
    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, containsMarker(bytes) else { return text }
        var out = ""
        var pendingBytes: [UInt8] = []
        var pendingCharset: String?
        var literalStart = 0
        var sawWord = false
        var i = 0
        var deadUntil = 0  // see match(_:at:deadUntil:)

        func flushPending() {
            if let charset = pendingCharset {
                out += Charset.decode(pendingBytes, charset: charset)
                pendingBytes.removeAll(keepingCapacity: true)
                pendingCharset = nil
            }
        }

        while i + 1 < bytes.count {
            guard bytes[i] == ASCII.equals, bytes[i + 1] == ASCII.question, let word = match(bytes, at: i, deadUntil: &deadUntil) else {
                i += 1
                continue
            }
            let literal = bytes[literalStart..<i]
            if !(sawWord && literal.allSatisfy(\.isWhitespaceOrNewline)) {
                flushPending()
                out += String(decoding: literal, as: UTF8.self)
            }
            let decoded = word.isBase64 ? Base64.decode(bytes[word.text]) : decodeQ(bytes[word.text])
            if let charset = pendingCharset, charset.equalsIgnoringASCIICase(word.charset) {
                pendingBytes.append(contentsOf: decoded)
            } else {
                flushPending()
                pendingCharset = word.charset
                pendingBytes = decoded
            }
            sawWord = true
            i = word.end
            literalStart = i
        }
        flushPending()
        out += String(decoding: bytes[literalStart...], as: UTF8.self)
        return out
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == ASCII.equals && bytes[i + 1] == ASCII.question { return true }
            i += 1
        }
        return false
    }

    private struct Match {
        var charset: String
        var isBase64: Bool
        var text: Range<Int>
        var end: Int
    }

    /// Matches `=?charset?E?text?=` at `start`.
    ///
    /// When the scan for the closing `?=` fails at position `e` (whitespace or end of input), no
    /// word whose text starts before `e` can succeed either; `deadUntil` remembers that, which keeps
    /// hostile input such as `=?a?q?=?a?q?…` linear instead of quadratic.
    private static func match(_ b: [UInt8], at start: Int, deadUntil: inout Int) -> Match? {
        var j = start + 2
        while j < b.count, b[j] != ASCII.question, !b[j].isWhitespaceOrNewline, j - start < 80 { j += 1 }
        guard j < b.count, b[j] == ASCII.question, j > start + 2, j + 2 < b.count, b[j + 2] == ASCII.question else { return nil }
        let encoding = b[j + 1].asciiLowercased
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let textStart = j + 3
        guard textStart >= deadUntil else { return nil }
        var k = textStart
        while k + 1 < b.count {
            if b[k] == ASCII.question && b[k + 1] == ASCII.equals { break }
            if b[k].isWhitespaceOrNewline { deadUntil = k; return nil }
            k += 1
        }
        guard k + 1 < b.count else { deadUntil = b.count; return nil }
        var charset = String(decoding: b[(start + 2)..<j], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        return Match(charset: charset, isBase64: encoding == UInt8(ascii: "b"), text: textStart..<k, end: k + 2)
    }

    /// The "Q" encoding: `_` is a space, `=XX` a byte.
    private static func decodeQ(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == ASCII.underscore {
                out.append(ASCII.space)
            } else if c == ASCII.equals, i + 2 < text.endIndex, let hi = ASCII.hexValue(text[i + 1]), let lo = ASCII.hexValue(text[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    // MARK: - Encoding

    /// Whether `text` must be encoded to appear in a header: non-ASCII, control characters, or
    /// something that would be mistaken for an encoded word.
    public static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains(where: { $0 >= 0x7F || ($0 < 0x20 && $0 != ASCII.tab) }) || hasMarker(text)
    }

    /// Whether `text` has the `=?` an encoded word begins with: a scan of its bytes (Foundation's
    /// `String.contains` of a string goes through `CFStringFind`, many times slower on the short
    /// values of every header and parameter).
    public static func hasMarker(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == ASCII.equals, byte == ASCII.question { return true }
            previous = byte
        }
        return false
    }

    /// Encodes `text` as UTF-8 "B" encoded words of at most 75 characters each, never splitting a
    /// character between words. The words are separated by a single space; the caller folds.
    public static func encodeWords(_ text: String) -> [String] {
        let prefix = "=?UTF-8?B?"
        let maxPayload = 39  // 39 bytes -> 52 Base64 characters; 10 + 52 + 2 = 64, leaving room for "Subject: " or `name="`
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            if chunk.count + encoded.count > maxPayload, !chunk.isEmpty {
                words.append(prefix + String(decoding: Base64.encode(chunk, lineLength: 0), as: UTF8.self) + "?=")
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(contentsOf: encoded)
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append(prefix + String(decoding: Base64.encode(chunk, lineLength: 0), as: UTF8.self) + "?=")
        }
        return words
    }
}
