@testable import MailwardWeb

/// What the sanitizer's two fuzzers share — the mutation loop (``HTMLSanitizerFuzzTests``) and the
/// coverage-guided libFuzzer target (`HTMLSanitizerFuzzTarget.swift`, scripts/fuzz/libfuzzer
/// html): the two sanitizer configurations, harmless seeds, the tokens that matter to an HTML
/// tokenizer, and the properties that hold for any input — bounded output, a fixed point, and
/// nothing in the output (read by the project's scanner and by an independent strict reader
/// here) that is not on the allow-lists. No Testing here, so the libFuzzer build can compile it.
enum HTMLSanitizerFuzzing {
    /// What the `cid:` resolver of the remote-blocking sanitizer builds (as the server does).
    static let inlineData = "data:image/png;base64,AAAA"
    /// What the `cid:` resolver of the remote-allowing sanitizer builds.
    static let inlineRemote = "https://cid.invalid/part"

    static let blocking = HTMLSanitizer(inlineImage: { $0.hasPrefix("ok") ? HTMLSanitizerFuzzing.inlineData : nil })
    static let allowing = HTMLSanitizer(allowRemoteImages: true,
                                        inlineImage: { $0.hasPrefix("ok") ? HTMLSanitizerFuzzing.inlineRemote : nil })

    static let harmless: [String] = [
        "<p style=\"color: red; font-weight: bold\">你好 <b>world</b> <a href=\"https://example.com/a?b=1&amp;c=2\">link</a></p>",
        "<table border=1 cellpadding=\"2\"><tr><td colspan=2 style='text-align:center'>x</td></tr></table>",
        "<html><head><title>周报</title><style>p{color:red}</style></head><body><div>正文 &amp; &lt;tag&gt; &copy;</div></body></html>",
        "<img src=\"cid:ok@part\" alt=\"logo\" width=10><img src='https://img.example.com/a.png'><img src=//cdn.example/x.gif>",
        "<blockquote cite=\"https://example.org\"><pre>  code &#x3C;x&#62;\n</pre><ol start=3 reversed><li>一</li><li>二</li></ol></blockquote>",
        "<font face=\"微软雅黑\" size=3 color=#333>字体</font><br/><hr><a href=mailto:a@example.com title='mail'>mail</a>",
        "<details open><summary>more</summary><span dir=rtl lang=ar>مرحبا</span></details><wbr><q>quote</q>",
        "<div style=\"font-family: 'Helvetica'; margin: 0 auto; width: 600px\">tpl</div>",
    ]

    static let tokens: [String] = [
        "<", "</", ">", "/>", "\"", "'", "`", "=", "&", "&#", "&#x", ";", "<!--", "-->", "--!>", "<![CDATA[", "]]>", "<?",
        "<!", "<!DOCTYPE html>", "\0", "\t", "\n", "\r", "\u{0C}", "\u{2028}", "\u{FEFF}", "\u{0600}", "\u{0301}",
        "\"\u{0301}", "'\u{0301}", "\u{0600}\"", "\u{0600};", ";\u{0301}", "{\u{0322}", "\u{0600}\\", "\u{200D}", "expr\0ession(", "u\0rl(",
        "javascript:", "jav&#x09;ascript:", "java\tscript:", "&#106;avascript:", "data:", "data:text/html,", "vbscript:",
        "JAVASCRIPT:", " https://evil.example/", "//evil.example/", "\\\\evil.example/", "http:", "cid:ok", "cid:",
        "mailto:", "<svg", "<math", "<noscript", "<template", "<textarea", "<title>", "</title>", "<plaintext>",
        "<xmp>", "</xmp>", "<iframe srcdoc=", "<script>", "</script>", "<style>", "</style>", "<head>", "</head>",
        "<body>", "<a href=", "<img src=", "<div ", "<p>", "</p>", "<table>", "<td>", "<b>", "</b>", " style=",
        "style=", "on", " onerror=", "onload=", " title=", " href=", " src=", "expression(", "url(", "u\\72l(", "/*",
        "*/", "@import", "behavior:", "-moz-binding:", "color:", "width:", "font-family:", "&lt;", "&amp;", "&quot;",
        "&#0;", "&#x3c;", "&#60", "&gt", "&nbsp;", "&ampx", "\u{0}", "中文", "邮件", " ", "/",
    ]

    // MARK: - Properties

    /// Output bytes per input byte: `<a>` becomes `<a target=… rel=…></a>`, a tiny remote `<img>`
    /// the placeholder, `"` inside a value `&quot;`.
    static let ratioBound = 40

    /// Every property, for both sanitizer configurations; the names of those that fail.
    static func check(_ input: String, sanitizers: [(HTMLSanitizer, String)] = [(blocking, "blocking"), (allowing, "allowing")],
                      fixedPoint: Bool = true) -> [String] {
        var problems: [String] = []
        let considered = min(input.utf8.count, HTMLSanitizer.inputLimit)
        for (sanitizer, name) in sanitizers {
            let first = sanitizer.sanitize(input)
            let html = first.html
            if html.utf8.count > ratioBound * considered + 64 {
                problems.append("\(name): output too long (\(html.utf8.count) for \(considered))")
            }
            // Fixed point. The blocking sanitizer's own data: images (placeholder, resolved cid:)
            // are not accepted from mail, so a second pass drops them; nothing else may change.
            if fixedPoint {
                let second = sanitizer.sanitize(html).html
                let expected = sanitizer.allowRemoteImages ? html : removingServerImages(html)
                if second != expected { problems.append("\(name): not a fixed point") }
            }
            problems += strictReading(html, allowRemote: sanitizer.allowRemoteImages,
                                      images: sanitizer.allowRemoteImages ? [inlineRemote] : [inlineData, HTMLSanitizer.blockedImage])
                .map { "\(name): \($0)" }
            problems += scannerReading(html).map { "\(name): scanner: \($0)" }
            let lower = html.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
            for start in lower.indices where lower[start] == UInt8(ascii: "<") {
                for needle in forbiddenTags where lower[start...].starts(with: needle) {
                    problems.append("\(name): \(String(decoding: needle, as: UTF8.self)) in output")
                }
            }
        }
        return problems
    }

    static let forbiddenTags = ["<script", "<style", "<iframe", "<svg", "<math", "<form", "<base", "<meta", "<link", "<object",
                                "<embed", "<textarea", "<noscript", "<template", "<title", "<plaintext", "<xmp", "<!--", "<?", "<!"]
        .map { Array($0.utf8) }

    /// The output with every `<img>` whose source the server built itself taken out. Every `<`
    /// in the output starts a tag and no attribute value holds a `>`, so tags are found exactly.
    static func removingServerImages(_ html: String) -> String {
        let server = [inlineData, HTMLSanitizer.blockedImage].map { Array((" src=\"" + HTMLSanitizer.escapeAttribute($0) + "\"").unicodeScalars) }
        let s = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            guard s[i] == "<", i + 4 < s.count, s[i + 1] == "i", s[i + 2] == "m", s[i + 3] == "g", s[i + 4] == " " else {
                out.append(s[i]); i += 1; continue
            }
            var end = i
            while end < s.count && s[end] != ">" { end += 1 }
            let tag = Array(s[i..<min(end + 1, s.count)])
            let isServer = server.contains { needle in
                tag.count >= needle.count && (0...(tag.count - needle.count)).contains { tag[$0..<($0 + needle.count)].elementsEqual(needle) }
            }
            if !isServer { out.append(contentsOf: tag) }
            i = end + 1
        }
        return String(out)
    }

    /// The output as the project's own scanner reads it: allow-listed elements and attributes only.
    static func scannerReading(_ html: String) -> [String] {
        var problems: [String] = []
        var scanner = HTMLScanner(html)
        while let token = scanner.next() {
            switch token {
            case .startTag(let name, let attributes, _):
                if !HTMLSanitizer.allowedElements.contains(name) { problems.append("element \(name)") }
                for (key, _) in attributes where !allowed(key, on: name) { problems.append("attribute \(key) on \(name)") }
            case .endTag(let name):
                if !HTMLSanitizer.allowedElements.contains(name) { problems.append("end tag \(name)") }
            case .text:
                break
            }
        }
        return problems
    }

    static func allowed(_ key: String, on element: String) -> Bool {
        if key.hasPrefix("on") { return false }
        if HTMLSanitizer.allowedAttributes.contains(key) || key == "style" { return true }
        switch element {
        case "a": return ["href", "target", "rel"].contains(key)
        case "img": return key == "src"
        default: return false
        }
    }

    /// An independent, strict reader of the output's expected shape: text with `<`, `>`, `&`
    /// escaped and no NUL; tags `<name key="value"…>` / `</name>` of allowed elements, properly
    /// nested; values with only `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` `&#96;`; safe URLs and CSS.
    static func strictReading(_ html: String, allowRemote: Bool, images: [String]) -> [String] {
        let s = Array(html.unicodeScalars)
        var i = 0
        var problems: [String] = []
        var open: [String] = []
        func at(_ text: String) -> Bool {
            var k = i
            for c in text.unicodeScalars {
                guard k < s.count, s[k] == c else { return false }
                k += 1
            }
            return true
        }
        func name() -> String {
            var out = String.UnicodeScalarView()
            while i < s.count, (s[i] >= "a" && s[i] <= "z") || (s[i] >= "0" && s[i] <= "9") || s[i] == "-" {
                out.append(s[i]); i += 1
            }
            return String(out)
        }
        func entity(inAttribute: Bool) -> Bool {
            for e in inAttribute ? ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#96;"] : ["&amp;", "&lt;", "&gt;"] where at(e) {
                i += e.unicodeScalars.count
                return true
            }
            return false
        }
        while i < s.count, problems.count < 4 {
            let c = s[i]
            if c == "\0" { problems.append("NUL in output"); i += 1; continue }
            if c == ">" { problems.append("raw > in text"); i += 1; continue }
            if c == "&" {
                if !entity(inAttribute: false) { problems.append("raw & in text"); i += 1 }
                continue
            }
            guard c == "<" else { i += 1; continue }
            i += 1
            let isEnd = i < s.count && s[i] == "/"
            if isEnd { i += 1 }
            let element = name()
            guard HTMLSanitizer.allowedElements.contains(element) else { problems.append("tag <\(isEnd ? "/" : "")\(element)"); break }
            if isEnd {
                guard at(">") else { problems.append("end tag \(element) not closed by >"); break }
                i += 1
                if open.last != element { problems.append("misnested </\(element)>") } else { open.removeLast() }
                continue
            }
            var attributes: [(String, String)] = []
            while i < s.count, s[i] == " " {
                i += 1
                let key = name()
                guard at("=\"") else { problems.append("attribute \(key) not written as key=\"value\""); return problems }
                i += 2
                var value = String.UnicodeScalarView()
                while i < s.count, s[i] != "\"" {
                    // (A backquote too: old Internet Explorer ended an attribute value at one.)
                    if s[i] == "<" || s[i] == ">" || s[i] == "'" || s[i] == "`" || s[i] == "\0" {
                        problems.append("\(String(reflecting: Character(s[i]))) inside the value of \(key)")
                    }
                    if s[i] == "&" {
                        if let decoded = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#96;": "`"].first(where: { at($0.key) }) {
                            i += decoded.key.unicodeScalars.count
                            value.append(contentsOf: decoded.value.unicodeScalars)
                        } else {
                            problems.append("raw & in the value of \(key)"); i += 1
                        }
                        continue
                    }
                    value.append(s[i]); i += 1
                }
                guard i < s.count else { problems.append("unterminated value"); return problems }
                i += 1
                attributes.append((key, String(value)))
            }
            guard at(">") else { problems.append("tag \(element) not closed by >"); break }
            i += 1
            if !HTMLSanitizer.voidElements.contains(element) { open.append(element) }
            problems += attributeProblems(element, attributes, allowRemote: allowRemote, images: images)
        }
        if !open.isEmpty && problems.isEmpty { problems.append("unclosed \(open.last!)") }
        return problems
    }

    static func contains<T: Equatable>(_ haystack: [T], _ needle: [T]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in needle.indices.allSatisfy { haystack[start + $0] == needle[$0] } }
    }

    static func attributeProblems(_ element: String, _ attributes: [(String, String)], allowRemote: Bool, images: [String]) -> [String] {
        var problems: [String] = []
        var keys: Set<String> = []
        for (key, value) in attributes {
            if !keys.insert(key).inserted { problems.append("duplicate \(key)") }
            if !allowed(key, on: element) { problems.append("attribute \(key) on \(element)") }
            switch key {
            case "href":
                if !["http", "https", "mailto"].contains(scheme(value) ?? "") { problems.append("href scheme \(scheme(value) ?? "none")") }
            case "src":
                let isImage = images.contains(value)
                let isRemote = ["http", "https"].contains(scheme(value) ?? "")
                if !isImage && !(allowRemote && isRemote) { problems.append("src \(allowRemote ? "scheme \(scheme(value) ?? "none")" : "not the placeholder")") }
            case "style":
                let css = Array(value.lowercased().unicodeScalars)
                for needle in ["expression(", "url(", "@import", "behavior", "-moz-binding", "\\", "/*", "javascript", "<", "{"]
                where contains(css, Array(needle.unicodeScalars)) {
                    problems.append("\(needle) in style")
                }
            case "target":
                if value != "_blank" { problems.append("target \(value)") }
            default:
                break
            }
        }
        if element == "a" && !keys.contains("rel") { problems.append("<a> without rel") }
        return problems
    }

    /// A URL's scheme as a browser finds it: blanks, controls and tabs dropped, ASCII case folded;
    /// nil when the URL has none (relative).
    static func scheme(_ url: String) -> String? {
        let compact = url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
        var scheme = ""
        for c in compact {
            if c == ":" { return scheme }
            guard (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "+" || c == "-" || c == "." else { return nil }
            scheme.unicodeScalars.append(c.value < 0x5B && c.value > 0x40 ? Unicode.Scalar(c.value + 32)! : c)
        }
        return nil
    }
}
