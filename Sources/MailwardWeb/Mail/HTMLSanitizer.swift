/// Server-side allow-list sanitizer for HTML mail. Pure: no I/O.
///
/// The input is tokenized (tags, attributes, text, comments) and **re-serialized**: only
/// elements, attributes and CSS declarations on the allow-lists are written, every attribute
/// value is re-quoted and escaped, text is re-escaped. Everything else is dropped — scripts and
/// their content, event handlers, `style` elements, forms and their fields, `meta`/`base`/`link`,
/// `iframe`/`object`/`embed`, SVG and MathML with all their content, `javascript:`/`data:`/
/// relative URLs. Remote images are replaced by a placeholder unless allowed; `cid:` images
/// become what `inlineImage` returns (a data URL the server built from the message's own part).
///
/// The result is additionally shown in a sandboxed iframe (no scripts) with a strict CSP, so a
/// gap here is not by itself an exploit.
public struct HTMLSanitizer: Sendable {
    public struct Result: Sendable, Equatable {
        public var html: String
        /// How many remote images were replaced by the placeholder.
        public var blockedImages: Int
    }

    /// Bigger inputs are cut (the rest of a 2 MiB HTML mail is not shown).
    public static let inputLimit = 2 << 20
    /// Deeper nesting than this is flattened (no unbounded stacks).
    static let maxDepth = 256

    public var allowRemoteImages: Bool
    /// The image shown instead of a blocked remote one.
    public var placeholder: String
    /// Resolves a `cid:` reference (without `cid:`) to a URL safe to show, or nil to drop it.
    public var inlineImage: @Sendable (String) -> String?

    /// A grey box drawn by the server itself (no request leaves the page).
    public static let blockedImage = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20width='24'%20height='24'%3E%3Crect%20width='24'%20height='24'%20fill='%23e3e8ee'/%3E%3C/svg%3E"

    public init(allowRemoteImages: Bool = false, placeholder: String = HTMLSanitizer.blockedImage,
                inlineImage: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.allowRemoteImages = allowRemoteImages
        self.placeholder = placeholder
        self.inlineImage = inlineImage
    }

    // MARK: Allow-lists

    static let allowedElements: Set<String> = [
        "a", "abbr", "address", "article", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center", "cite",
        "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main",
        "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
    ]
    /// Dropped together with everything inside them.
    static let droppedWithContent: Set<String> = [
        "script", "style", "title", "textarea", "select", "button", "iframe", "frame", "frameset", "object", "embed",
        "applet", "noscript", "noembed", "noframes", "template", "svg", "math", "xmp", "plaintext", "audio", "video",
        "canvas", "head", "xml",
    ]
    /// Their content is raw text up to the end tag (`<script>` content is not markup).
    static let rawText: Set<String> = ["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]
    static let voidElements: Set<String> = ["br", "hr", "img", "col", "wbr", "area", "base", "input", "link", "meta", "param", "source", "track", "embed", "keygen"]
    static let allowedAttributes: Set<String> = [
        "align", "valign", "bgcolor", "color", "width", "height", "border", "cellpadding", "cellspacing", "colspan",
        "rowspan", "dir", "lang", "title", "style", "face", "size", "start", "alt", "span", "abbr", "scope", "nowrap",
        "cite", "datetime", "open", "reversed",
    ]
    static let allowedCSS: Set<String> = [
        "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight", "font-variant",
        "text-align", "text-decoration", "text-indent", "text-transform", "line-height", "letter-spacing",
        "word-spacing", "white-space", "word-break", "word-wrap", "overflow-wrap", "vertical-align", "margin",
        "margin-top", "margin-right", "margin-bottom", "margin-left", "padding", "padding-top", "padding-right",
        "padding-bottom", "padding-left", "border", "border-top", "border-right", "border-bottom", "border-left",
        "border-color", "border-style", "border-width", "border-radius", "border-collapse", "border-spacing", "width",
        "height", "max-width", "min-width", "max-height", "min-height", "display", "float", "clear", "list-style-type",
        "table-layout", "direction", "text-shadow", "box-sizing", "overflow",
    ]

    // MARK: Sanitizing

    public func sanitize(_ input: String) -> Result {
        var scanner = HTMLScanner(input.utf8.count > Self.inputLimit ? String(decoding: Array(input.utf8.prefix(Self.inputLimit)), as: UTF8.self) : input)
        var out = ""
        out.reserveCapacity(input.utf8.count)
        var open: [String] = []
        var blocked = 0
        // A token that ended a skipped `<head>` and is itself content.
        var carried: HTMLScanner.Token?
        while let token = carried ?? scanner.next() {
            carried = nil
            switch token {
            case .text(let text):
                out += Self.escapeText(text)
            case .endTag(let name):
                guard Self.allowedElements.contains(name), !Self.voidElements.contains(name),
                      let index = open.lastIndex(of: name) else { continue }
                for element in open[index...].reversed() { out += "</\(element)>" }
                open.removeSubrange(index...)
            case .startTag(let name, let attributes, let selfClosing):
                if name == "head" && !selfClosing {
                    carried = scanner.skipHead()
                    continue
                }
                if Self.droppedWithContent.contains(name) {
                    if Self.rawText.contains(name) {
                        scanner.skipRawText(until: name)
                    } else if !selfClosing && !Self.voidElements.contains(name) {
                        scanner.skipElement(name)
                    }
                    continue
                }
                guard Self.allowedElements.contains(name) else { continue }
                let isVoid = Self.voidElements.contains(name)
                if !isVoid && open.count >= Self.maxDepth { continue }
                var written = "<" + name
                var keep = true
                for (key, value) in attributes {
                    if let attribute = attribute(key, value, element: name, blocked: &blocked) {
                        written += " " + key + "=\"" + Self.escapeAttribute(attribute) + "\""
                    } else if name == "img" && key == "src" {
                        keep = false
                    }
                }
                if name == "a" { written += " target=\"_blank\" rel=\"noopener noreferrer nofollow\"" }
                if name == "img" && !keep { continue }
                if name == "img" && !attributes.contains(where: { $0.0 == "src" }) { continue }
                written += ">"
                out += written
                if !isVoid { open.append(name) }
            }
        }
        for element in open.reversed() { out += "</\(element)>" }
        return Result(html: out, blockedImages: blocked)
    }

    /// The value to write for one attribute, or nil to drop it.
    func attribute(_ key: String, _ rawValue: String, element: String, blocked: inout Int) -> String? {
        // NUL is never written (``escapeAttribute``), so it is not in the value checked either:
        // `expr\0ession(` passed the CSS check and came out as `expression(`.
        let value = String(String.UnicodeScalarView(HTMLEntities.decode(rawValue).unicodeScalars.filter { $0 != "\0" }))
        switch (element, key) {
        case ("a", "href"):
            return Self.safeLink(value)
        case ("img", "src"):
            let url = Self.compactURL(value)
            let lower = url.lowercased()
            if lower.hasPrefix("cid:") {
                return inlineImage(String(url.dropFirst(4)))
            }
            if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("//") {
                if allowRemoteImages { return lower.hasPrefix("//") ? "https:" + url : url }
                blocked += 1
                return placeholder
            }
            return nil
        case (_, "style"):
            let css = Self.sanitizeCSS(value)
            return css.isEmpty ? nil : css
        default:
            guard Self.allowedAttributes.contains(key), !key.hasPrefix("on") else { return nil }
            return value.count > 1024 ? nil : value
        }
    }

    /// http(s) and mailto links only (after removing what browsers ignore inside a URL).
    static func safeLink(_ value: String) -> String? {
        let url = compactURL(value)
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return url }
        return nil
    }

    /// Browsers drop tabs and line breaks anywhere in a URL and trim blanks and controls at its
    /// ends (`java&#x09;script:`); compare what the browser would see.
    static func compactURL(_ value: String) -> String {
        let scalars = value.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        var text = String.UnicodeScalarView(scalars)
        // By scalar: `String.removeFirst()` took a combining mark along with the blank before it.
        while let first = text.first, first.value <= 0x20 { text.removeFirst() }
        while let last = text.last, last.value <= 0x20 { text.removeLast() }
        return String(text)
    }

    /// Keeps the declarations whose property is allowed and whose value cannot load anything
    /// or run anything (no `url(`, `expression(`, escapes, comments, `@import`).
    static func sanitizeCSS(_ css: String) -> String {
        guard css.utf8.count <= 8 * 1024 else { return "" }
        var kept: [String] = []
        // Split and compared scalar by scalar, not by Character: `\u{600};` or `{\u{322}` is one
        // Character that is not `;` or `{`, but CSS reads the `;` and the `{` — `color: red\u{600};
        // position: fixed` was kept as one allowed declaration.
        for declaration in css.unicodeScalars.split(separator: ";") {
            guard let colon = declaration.firstIndex(of: ":") else { continue }
            let property = String(String.UnicodeScalarView(declaration[..<colon])).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            let value = String(String.UnicodeScalarView(declaration[declaration.index(after: colon)...])).trimmingCharacters(in: .whitespacesAndNewlines)
            let lower = value.lowercased().unicodeScalars
            guard allowedCSS.contains(property), !value.isEmpty,
                  !["url", "expression", "javascript", "vbscript", "behavior", "binding", "@import", "image", "var(", "/*"]
                    .contains(where: { lower.contains($0.unicodeScalars) }),
                  !value.unicodeScalars.contains(where: { "\\<>\"'{}`".unicodeScalars.contains($0) }) else { continue }
            kept.append("\(property): \(value)")
        }
        return kept.joined(separator: "; ")
    }

    /// Text as HTML: `<`, `>` and `&` escaped (the scanner has already decoded entities).
    static func escapeText(_ text: String) -> String {
        escape(text, quotes: false)
    }

    /// An attribute value: as ``escapeText``, and both quotes too.
    static func escapeAttribute(_ value: String) -> String {
        escape(value, quotes: true)
    }

    /// Scalar by scalar, NUL dropped: replacing the Character `"` missed a quote followed by a
    /// combining mark (`"\u{301}`), which then ended the attribute value and let the rest of it be
    /// read as attributes (`title="x"\u{301} onmouseover=…"`).
    private static func escape(_ text: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            // Old Internet Explorer also ended an attribute value at a backtick.
            case "`" where quotes: out += "&#96;"
            case "\0": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
