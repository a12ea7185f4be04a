/// Turns HTML into plain text for previews and search: tags removed, `script`/`style`/`head`
/// content dropped, block elements become line breaks, named and numeric character references decoded. Not a renderer.
public enum HTMLText {
    public static func plainText(from html: String, limit: Int = 4 * 1024 * 1024) -> String {
        let b = Array(html.utf8.prefix(limit))
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == ASCII.lessThan {
                // Comment.
                if b[i...].starts(with: "<!--".utf8) {
                    i = find(b, "-->".utf8, from: i + 4).map { $0 + 3 } ?? b.count
                    continue
                }
                var j = i + 1
                while j < b.count && b[j] != ASCII.greaterThan {
                    if b[j] == ASCII.quote || b[j] == ASCII.apostrophe {  // attribute value may contain ">"
                        let q = b[j]
                        j += 1
                        while j < b.count && b[j] != q { j += 1 }
                    }
                    j += 1
                }
                let name = tagName(b, from: i + 1)
                if name == "script" || name == "style" || name == "head" || name == "title" {
                    let close = Array("</\(name)".utf8)
                    i = findIgnoringCase(b, close, from: j).map { idx in
                        var k = idx
                        while k < b.count && b[k] != ASCII.greaterThan { k += 1 }
                        return k + 1
                    } ?? b.count
                    continue
                }
                if blockTags.contains(name) { out.append(ASCII.lf) }
                i = j + 1
                continue
            }
            if c == ASCII.ampersand, let (decoded, next) = entity(b, at: i) {
                out.append(contentsOf: decoded)
                i = next
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let blockTags: Set<String> = [
        "br", "p", "/p", "div", "/div", "tr", "/tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3",
        "blockquote", "/blockquote", "table", "/table", "hr", "ul", "/ul", "ol", "/ol", "td", "th",
    ]

    private static func tagName(_ b: [UInt8], from start: Int) -> String {
        var j = start
        if j < b.count && b[j] == ASCII.slash { j += 1 }
        while j < b.count && (b[j].isASCIILetter || b[j].isASCIIDigit) && j - start < 16 { j += 1 }
        return String(decoding: b[start..<j].map(\.asciiLowercased), as: UTF8.self)
    }

    private static func find(_ b: [UInt8], _ needle: String.UTF8View, from start: Int) -> Int? {
        findIgnoringCase(b, Array(needle), from: start)
    }

    private static func findIgnoringCase(_ b: [UInt8], _ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, b.count >= needle.count, start <= b.count - needle.count else { return nil }
        let first = needle[0].asciiLowercased
        var i = start
        while i <= b.count - needle.count {
            if b[i].asciiLowercased == first && b[i..<(i + needle.count)].hasASCIIPrefixIgnoringCase(needle) { return i }
            i += 1
        }
        return nil
    }


    private static func entity(_ b: [UInt8], at start: Int) -> ([UInt8], Int)? {
        var j = start + 1
        while j < b.count && j - start < 12 && b[j] != ASCII.semicolon && (b[j].isASCIILetter || b[j].isASCIIDigit || b[j] == ASCII.hash) { j += 1 }
        guard j < b.count, b[j] == ASCII.semicolon, j > start + 1 else { return nil }
        let name = String(decoding: b[(start + 1)..<j], as: UTF8.self)
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32? = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let v = value, let scalar = Unicode.Scalar(v) else { return nil }
            return (Array(String(Character(scalar)).utf8), j + 1)
        }
        // Plain text: a no-break space is a space.
        if name == "nbsp" { return ([ASCII.space], j + 1) }
        guard let text = HTMLNamedEntities.table[name] ?? HTMLNamedEntities.table[name.lowercased()] else { return nil }
        return (Array(text.utf8), j + 1)
    }
}
