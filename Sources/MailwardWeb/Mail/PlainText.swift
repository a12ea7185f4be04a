import Foundation

/// Plain-text mail as HTML: every character escaped, `http(s)://` links made clickable
/// (opening outside the message frame), line breaks kept by the `pre-wrap` wrapper.
enum PlainText {
    /// Image types embedded as data URLs for `cid:` references (never SVG: it can carry script).
    static let embeddableImages: Set<String> = ["image/png", "image/jpeg", "image/jpg", "image/gif", "image/webp", "image/bmp"]

    static func html(_ text: String) -> String {
        var out = "<div style=\"white-space: pre-wrap; word-wrap: break-word\">"
        var rest = Substring(text)
        while let range = nextLink(in: rest) {
            out += HTMLSanitizer.escapeText(String(rest[..<range.lowerBound]))
            let url = String(rest[range])
            let escaped = HTMLSanitizer.escapeAttribute(url)
            out += "<a href=\"\(escaped)\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">\(HTMLSanitizer.escapeText(url))</a>"
            rest = rest[range.upperBound...]
        }
        out += HTMLSanitizer.escapeText(String(rest)) + "</div>"
        return out
    }

    /// The next `http://` or `https://` URL: up to a blank, a quote, `<`, `>` or a CJK
    /// character, without trailing punctuation.
    static func nextLink(in text: Substring) -> Range<Substring.Index>? {
        var search = text.startIndex
        while let found = text[search...].range(of: "http", options: .caseInsensitive) {
            let after = text[found.upperBound...]
            let schemeEnd: Substring.Index?
            if after.lowercased().hasPrefix("s://") {
                schemeEnd = text.index(found.upperBound, offsetBy: 4)
            } else if after.hasPrefix("://") {
                schemeEnd = text.index(found.upperBound, offsetBy: 3)
            } else {
                schemeEnd = nil
            }
            guard let schemeEnd else { search = found.upperBound; continue }
            var end = schemeEnd
            while end < text.endIndex, isURLCharacter(text[end]) { end = text.index(after: end) }
            while end > schemeEnd, let last = text[..<end].last, ".,;:!?)]'".contains(last) { end = text.index(before: end) }
            if end > schemeEnd { return found.lowerBound..<end }
            search = schemeEnd
        }
        return nil
    }

    static func isURLCharacter(_ c: Character) -> Bool {
        guard c.isASCII, !c.isWhitespace else { return false }
        return !"\"'<>`{}|\\^".contains(c)
    }
}
