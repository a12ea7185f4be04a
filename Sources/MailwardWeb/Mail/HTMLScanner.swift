import MailwardMIME

/// A forgiving HTML tokenizer for the sanitizer: start tags (lower-cased names, attributes
/// with entity-encoded values as written), end tags, text (entities decoded); comments,
/// doctypes and processing instructions are skipped. Works on Unicode scalars and always moves
/// forward, so any input ends in linear time.
struct HTMLScanner {
    enum Token: Equatable {
        case text(String)
        case startTag(String, [(String, String)], selfClosing: Bool)
        case endTag(String)

        static func == (lhs: Token, rhs: Token) -> Bool {
            switch (lhs, rhs) {
            case (.text(let a), .text(let b)): a == b
            case (.endTag(let a), .endTag(let b)): a == b
            case (.startTag(let a, let x, let s), .startTag(let b, let y, let t)):
                a == b && s == t && x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            default: false
            }
        }
    }

    /// At most this many attributes per tag are kept (the rest is skipped).
    static let maxAttributes = 64

    private let s: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) {
        s = Array(text.unicodeScalars)
    }

    mutating func next() -> Token? {
        while i < s.count {
            if s[i] == "<" {
                if let token = tag() { return token }
                continue
            }
            let start = i
            while i < s.count && s[i] != "<" { i += 1 }
            return .text(HTMLEntities.decode(string(start, i)))
        }
        return nil
    }

    /// Skips the raw text of `<script>`-like elements up to and including `</name…>`.
    mutating func skipRawText(until name: String) {
        let closing = Array(("</" + name).unicodeScalars)
        while i < s.count {
            if s[i] == "<", i + closing.count <= s.count,
               zip(s[i..<(i + closing.count)], closing).allSatisfy({ Self.lower($0) == $1 }) {
                let after = i + closing.count
                if after == s.count || !Self.isNameCharacter(s[after]) {
                    i = after
                    while i < s.count && s[i] != ">" { i += 1 }
                    i = min(i + 1, s.count)
                    return
                }
            }
            i += 1
        }
    }

    /// Skips everything up to the end tag matching an element (`<svg>` … `</svg>`), counting
    /// nested elements of the same name.
    mutating func skipElement(_ name: String) {
        var depth = 1
        while let token = next() {
            switch token {
            case .startTag(let n, _, let selfClosing):
                if HTMLSanitizer.rawText.contains(n) { skipRawText(until: n) } else if n == name && !selfClosing { depth += 1 }
            case .endTag(let n) where n == name:
                depth -= 1
                if depth == 0 { return }
            default:
                break
            }
        }
    }

    /// Skips a `<head>` as a browser ends it: at `</head>`, or — when the sender left it open —
    /// at the first thing that belongs to the body (`<body>`, an element the sanitizer keeps,
    /// text that is not blank), which is returned to be shown. Mail with `<html><head><title>…`
    /// and no `</head>` showed nothing at all.
    mutating func skipHead() -> Token? {
        while let token = next() {
            switch token {
            case .endTag("head"):
                return nil
            case .startTag(let n, _, _):
                if HTMLSanitizer.rawText.contains(n) {
                    skipRawText(until: n)
                } else if n == "body" || HTMLSanitizer.allowedElements.contains(n) {
                    return token
                }
            case .text(let text):
                if text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) { return token }
            case .endTag:
                continue
            }
        }
        return nil
    }

    // MARK: - Tags

    /// At `<`: a tag token, nil after skipping a comment/doctype, or the `<` as text.
    private mutating func tag() -> Token? {
        let start = i
        i += 1
        guard i < s.count else { return .text("<") }
        if s[i] == "!" {
            if i + 2 < s.count && s[i + 1] == "-" && s[i + 2] == "-" {
                i += 3
                while i < s.count {
                    if s[i] == ">" && i >= 2 && s[i - 1] == "-" && s[i - 2] == "-" { break }
                    i += 1
                }
                i = min(i + 1, s.count)
                return nil
            }
            skipTo(">")
            return nil
        }
        if s[i] == "?" {
            skipTo(">")
            return nil
        }
        let isEnd = s[i] == "/"
        if isEnd { i += 1 }
        guard i < s.count, Self.isLetter(s[i]) else {
            if isEnd { skipTo(">"); return nil }
            i = start + 1
            return .text("<")
        }
        let nameStart = i
        while i < s.count && Self.isNameCharacter(s[i]) { i += 1 }
        let name = string(nameStart, i).lowercased()
        if isEnd {
            skipTo(">")
            return .endTag(name)
        }
        var attributes: [(String, String)] = []
        var selfClosing = false
        while i < s.count {
            skipSpaces()
            guard i < s.count else { break }
            if s[i] == ">" { i += 1; break }
            if s[i] == "/" {
                i += 1
                if i < s.count && s[i] == ">" { selfClosing = true; i += 1; break }
                continue
            }
            let keyStart = i
            while i < s.count && !Self.isSpace(s[i]) && s[i] != ">" && s[i] != "/" && s[i] != "=" { i += 1 }
            if keyStart == i { i += 1; continue }  // a stray "=": skip it
            let key = string(keyStart, i).lowercased()
            skipSpaces()
            var value = ""
            if i < s.count && s[i] == "=" {
                i += 1
                skipSpaces()
                if i < s.count && (s[i] == "\"" || s[i] == "'") {
                    let quote = s[i]
                    i += 1
                    let valueStart = i
                    while i < s.count && s[i] != quote { i += 1 }
                    value = string(valueStart, i)
                    i = min(i + 1, s.count)
                } else {
                    let valueStart = i
                    while i < s.count && !Self.isSpace(s[i]) && s[i] != ">" { i += 1 }
                    value = string(valueStart, i)
                }
            }
            // The first of duplicate attributes wins, as in browsers.
            if attributes.count < Self.maxAttributes && !attributes.contains(where: { $0.0 == key }) {
                attributes.append((key, value))
            }
        }
        return .startTag(name, attributes, selfClosing: selfClosing)
    }

    private mutating func skipTo(_ scalar: Unicode.Scalar) {
        while i < s.count && s[i] != scalar { i += 1 }
        i = min(i + 1, s.count)
    }

    private mutating func skipSpaces() {
        while i < s.count && Self.isSpace(s[i]) { i += 1 }
    }

    private func string(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: s[from..<to])
        return String(view)
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        isLetter(c) || (c >= "0" && c <= "9") || c == "-" || c == ":" || c == "_"
    }
    static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        c >= "A" && c <= "Z" ? Unicode.Scalar(c.value + 32)! : c
    }
}

/// Character references: numeric (`&#106;`, `&#x6A;`, with or without `;`) and the named ones
/// (``HTMLNamedEntities``). Unknown names stay as written.
enum HTMLEntities {
    static let named = HTMLNamedEntities.table

    static func decode(_ text: String) -> String {
        guard text.unicodeScalars.contains("&") else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            guard s[i] == "&" else { out.append(s[i]); i += 1; continue }
            var j = i + 1
            if j < s.count && s[j] == "#" {
                j += 1
                let hex = j < s.count && (s[j] == "x" || s[j] == "X")
                if hex { j += 1 }
                let digitsStart = j
                var value: UInt32 = 0
                while j < s.count, j - digitsStart < 8, let d = digit(s[j], hex: hex) {
                    value = value * (hex ? 16 : 10) + d
                    j += 1
                }
                if j > digitsStart {
                    if j < s.count && s[j] == ";" { j += 1 }
                    let scalar = value == 0 ? nil : Unicode.Scalar(value)
                    out.append(scalar ?? "\u{FFFD}")
                    i = j
                    continue
                }
            } else {
                while j < s.count, j - i <= 10, HTMLScanner.isLetter(s[j]) || (s[j] >= "0" && s[j] <= "9") { j += 1 }
                var nameView = String.UnicodeScalarView()
                nameView.append(contentsOf: s[(i + 1)..<j])
                let name = String(nameView)
                if let replacement = named[name] ?? named[name.lowercased()] {
                    if j < s.count && s[j] == ";" { j += 1 }
                    out.append(contentsOf: replacement.unicodeScalars)
                    i = j
                    continue
                }
            }
            out.append("&")
            i += 1
        }
        return String(out)
    }

    private static func digit(_ c: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f" where hex: c.value - 87
        case "A"..."F" where hex: c.value - 55
        default: nil
        }
    }
}
