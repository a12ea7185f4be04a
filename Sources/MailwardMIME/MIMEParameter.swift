/// A `name=value` parameter of Content-Type or Content-Disposition, as written: the value is
/// unquoted but RFC 2231 sections (`name*0*=`) are kept apart and not decoded (IMAP's
/// BODYSTRUCTURE joins them, ``MIMEParameters/joiningSections(_:)``). Use
/// ``MIMEParameters/decodedValue(_:in:)`` for the human value.
public struct MIMEParameter: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Parsing of `value *(";" parameter)` headers (RFC 2045 §5.1, RFC 2183) and the RFC 2231
/// extensions (continuations, `charset'language'percent-encoding`).
public enum MIMEParameters {
    /// Splits a header value into its leading token (`text/plain`, `attachment`) and parameters.
    /// Comments are dropped; a missing closing quote ends at the end of the value; unquoted values
    /// with spaces (a common mistake: `name=my file.pdf`) are kept whole up to the `;`.
    public static func parse(_ headerValue: String) -> (value: String, parameters: [MIMEParameter]) {
        let b = Array(headerValue.utf8)
        var i = 0
        var head: [UInt8] = []
        while i < b.count && b[i] != ASCII.semicolon {
            if b[i] == ASCII.openParen {
                i = skipComment(b, from: i)
                continue
            }
            if !b[i].isWhitespaceOrNewline && b[i] != ASCII.quote { head.append(b[i]) }
            i += 1
        }
        var parameters: [MIMEParameter] = []
        while i < b.count && parameters.count < 1000 {
            // At a ";" (or garbage): skip separators.
            while i < b.count && (b[i] == ASCII.semicolon || b[i].isWhitespaceOrNewline) { i += 1 }
            if i < b.count && b[i] == ASCII.openParen { i = skipComment(b, from: i); continue }
            let nameStart = i
            while i < b.count && b[i] != ASCII.equals && b[i] != ASCII.semicolon { i += 1 }
            var nameEnd = i
            while nameEnd > nameStart && b[nameEnd - 1].isWhitespaceOrNewline { nameEnd -= 1 }
            guard i < b.count, b[i] == ASCII.equals else { continue }  // no "=": not a parameter
            i += 1
            while i < b.count && b[i].isWhitespaceOrNewline { i += 1 }
            var value: [UInt8] = []
            if i < b.count && b[i] == ASCII.quote {
                i += 1
                while i < b.count && b[i] != ASCII.quote {
                    if b[i] == ASCII.backslash && i + 1 < b.count { i += 1 }
                    value.append(b[i])
                    i += 1
                }
                i += 1  // closing quote
                while i < b.count && b[i] != ASCII.semicolon { i += 1 }  // ignore junk after it
            } else {
                var nextParameterStarts = false
                while i < b.count && b[i] != ASCII.semicolon {
                    if b[i] == ASCII.openParen { break }
                    if b[i].isWhitespaceOrNewline && startsParameter(b, at: i) {
                        nextParameterStarts = true
                        break
                    }
                    value.append(b[i])
                    i += 1
                }
                while let last = value.last, last.isWhitespaceOrNewline { value.removeLast() }
                if !nextParameterStarts {
                    while i < b.count && b[i] != ASCII.semicolon { i += 1 }
                }
            }
            guard nameEnd > nameStart else { continue }
            parameters.append(MIMEParameter(
                name: String(decoding: b[nameStart..<nameEnd], as: UTF8.self),
                value: String(decoding: value, as: UTF8.self)))
        }
        return (String(decoding: head, as: UTF8.self), parameters)
    }

    /// Whether blanks at `start` are followed by `token=`: a parameter whose `;` the sender left
    /// out, as in `access-type=mail-server` folded onto ` server="…"` (RFC 2045 §5.1 allows no
    /// blank inside an unquoted value, so the value ended). `name=my file.pdf` stays one value.
    private static func startsParameter(_ b: [UInt8], at start: Int) -> Bool {
        var i = start
        while i < b.count && b[i].isWhitespaceOrNewline { i += 1 }
        let nameStart = i
        while i < b.count, b[i] > 0x20, b[i] < 0x7F, !tokenSpecials.contains(b[i]) { i += 1 }
        guard i > nameStart else { return false }
        while i < b.count && b[i].isWhitespaceOrNewline { i += 1 }
        return i < b.count && b[i] == ASCII.equals
    }

    /// RFC 2045 §5.1's tspecials, which end a token.
    private static let tokenSpecials: Set<UInt8> = Set("()<>@,;:\\\"/[]?=".utf8)

    /// Index after the comment starting at `start` (nested comments and quoted pairs honoured;
    /// the end of `b` when it is never closed). Every header reader skips comments with it.
    public static func skipComment(_ b: [UInt8], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < b.count {
            switch b[i] {
            case ASCII.backslash: i += 1
            case ASCII.openParen: depth += 1
            case ASCII.closeParen:
                depth -= 1
                if depth == 0 { return i + 1 }
            default: break
            }
            i += 1
        }
        return b.count
    }

    /// The decoded value of parameter `name`: RFC 2231 forms (`name*`, `name*0`, `name*0*`...)
    /// win over the plain one; RFC 2047 encoded words in a plain value (non-standard but what
    /// Outlook and Foxmail send) are decoded too.
    public static func decodedValue(_ name: String, in parameters: [MIMEParameter]) -> String? {
        let lower = name.asciiLowercased
        var sections: [Int: (value: String, extended: Bool)] = [:]
        var single: (value: String, extended: Bool)?
        var plain: String?
        for p in parameters {
            let pname = p.name.asciiLowercased
            if pname == lower {
                if plain == nil { plain = p.value }
                continue
            }
            guard let part = RFC2231Name(pname), part.base == lower else { continue }
            if let n = part.section {
                if sections[n] == nil { sections[n] = (p.value, part.extended) }
            } else if single == nil {
                single = (p.value, true)
            }
        }
        if let single { return decodeExtended([single]) }
        if !sections.isEmpty {
            var ordered: [(value: String, extended: Bool)] = []
            var n = 0
            while let s = sections[n] { ordered.append(s); n += 1 }
            if !ordered.isEmpty { return decodeExtended(ordered) }
        }
        guard let plain else { return nil }
        return EncodedWord.hasMarker(plain) ? EncodedWord.decode(plain) : plain
    }

    /// The parameters as Dovecot reports them in IMAP's BODYSTRUCTURE: RFC 2231 sections of one
    /// name (`name*0*`, `name*1*`…) joined into one `name*` (`name` when none is extended),
    /// still percent-encoded with their `charset'language'`, after the other parameters. A name
    /// whose sections do not run 0, 1, 2… keeps them apart, as sent.
    public static func joiningSections(_ parameters: [MIMEParameter]) -> [MIMEParameter] {
        struct Section {
            let name: String
            let index: Int
            let extended: Bool
            let value: String
        }
        var plain: [MIMEParameter] = []
        var sections: [Section] = []
        for parameter in parameters {
            // `name*` alone is one extended value, joined as the only section.
            guard let part = RFC2231Name(parameter.name) else {
                plain.append(parameter)
                continue
            }
            sections.append(Section(name: String(part.base), index: part.section ?? 0, extended: part.extended, value: parameter.value))
        }
        guard !sections.isEmpty else { return parameters }
        let ordered = sections.enumerated().sorted {
            let (a, b) = ($0.element, $1.element)
            let (x, y) = (a.name.asciiLowercased, b.name.asciiLowercased)
            return x != y ? x < y : a.index != b.index ? a.index < b.index : $0.offset < $1.offset
        }.map(\.element)
        var joined = plain
        var start = 0
        while start < ordered.count {
            var end = start
            while end < ordered.count, ordered[end].name.equalsIgnoringASCIICase(ordered[start].name) { end += 1 }
            let group = ordered[start..<end]
            start = end
            guard group.enumerated().allSatisfy({ $0.offset == $0.element.index }) else {
                joined += group.map { MIMEParameter(name: "\($0.name)*\($0.index)\($0.extended ? "*" : "")", value: $0.value) }
                continue
            }
            let anyExtended = group.contains(where: \.extended)
            var value = anyExtended && !group.first!.extended ? "''" : ""
            for section in group {
                // A plain section among extended ones: its `%` must not read as an escape.
                value += anyExtended && !section.extended ? section.value.replacingOccurrences(of: "%", with: "%25") : section.value
            }
            joined.append(MIMEParameter(name: group.first!.name + (anyExtended ? "*" : ""), value: value))
        }
        return joined
    }

    /// Joins RFC 2231 sections: the first extended one may carry `charset'language'`; extended
    /// sections are percent-decoded; bytes are joined before charset decoding.
    private static func decodeExtended(_ sections: [(value: String, extended: Bool)]) -> String {
        var charset: String?
        var bytes: [UInt8] = []
        for (index, section) in sections.enumerated() {
            var value = Array(section.value.utf8)[...]
            if index == 0 && section.extended {
                let parts = value.split(separator: ASCII.apostrophe, maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charset = String(decoding: parts[0], as: UTF8.self)
                    value = parts[2]
                }
            }
            if section.extended {
                bytes.append(contentsOf: percentDecode(value))
            } else {
                bytes.append(contentsOf: value)
            }
        }
        if let charset, !charset.isEmpty { return Charset.decode(bytes, charset: charset) }
        let text = Charset.decode(bytes, charset: "utf-8")
        return EncodedWord.hasMarker(text) ? EncodedWord.decode(text) : text
    }

    private static func percentDecode(_ value: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var i = value.startIndex
        while i < value.endIndex {
            if value[i] == ASCII.percent, i + 2 < value.endIndex, let hi = ASCII.hexValue(value[i + 1]), let lo = ASCII.hexValue(value[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(value[i])
                i += 1
            }
        }
        return out
    }

    /// Percent-encodes a UTF-8 value for `name*=UTF-8''...` (RFC 2231 attribute-char set).
    static func percentEncode(_ value: String) -> String {
        var out: [UInt8] = []
        for b in value.utf8 {
            let safe = b.isASCIILetter || b.isASCIIDigit || "!#$&+-.^_`|~".utf8.contains(b)
            if safe {
                out.append(b)
            } else {
                out.append(ASCII.percent)
                out.append(ASCII.upperHexDigits[Int(b >> 4)])
                out.append(ASCII.upperHexDigits[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An RFC 2231 parameter name taken apart: `title*` (one extended value: `section` nil),
/// `title*2` and `title*2*` (section 2, plain or extended). Nil for a plain name, or one that is
/// neither (`title*x`). The one reading of these names, for decoding and for IMAP's joining.
struct RFC2231Name {
    let base: Substring
    let section: Int?
    let extended: Bool

    init?(_ name: String) {
        guard let star = name.firstIndex(of: "*") else { return nil }
        var rest = name[name.index(after: star)...]
        base = name[..<star]
        if rest.isEmpty {
            section = nil
            extended = true
            return
        }
        extended = rest.hasSuffix("*")
        if extended { rest = rest.dropLast() }
        guard !rest.isEmpty, rest.utf8.allSatisfy(\.isASCIIDigit), let n = Int(rest), n < 1000 else { return nil }
        section = n
    }
}
