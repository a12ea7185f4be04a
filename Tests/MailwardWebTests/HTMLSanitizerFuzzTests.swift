import ProtocolFuzzing
import Testing
@testable import MailwardWeb

/// Deterministic mutation fuzzing of ``HTMLSanitizer``: the hostile corpus and some harmless
/// mail, spliced and mutated with what matters to an HTML tokenizer, checked for properties that
/// hold for any input — bounded output, a fixed point, and nothing in the output (read by the
/// project's scanner and by an independent strict reader here) that is not on the allow-lists.
@Suite struct HTMLSanitizerFuzzTests {
    static let inputs = 20_000
    static let seed: UInt64 = 0x5A71_7E2E_D00D_F00D

    /// What the `cid:` resolver of the remote-blocking sanitizer builds (as the server does).
    static let inlineData = "data:image/png;base64,AAAA"
    /// What the `cid:` resolver of the remote-allowing sanitizer builds.
    static let inlineRemote = "https://cid.invalid/part"

    static let blocking = HTMLSanitizer(inlineImage: { $0.hasPrefix("ok") ? HTMLSanitizerFuzzTests.inlineData : nil })
    static let allowing = HTMLSanitizer(allowRemoteImages: true,
                                        inlineImage: { $0.hasPrefix("ok") ? HTMLSanitizerFuzzTests.inlineRemote : nil })

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

    // MARK: - The fuzz loop

    @Test func mutatedInputsKeepTheSanitizersPromises() {
        var random = FuzzRandom(seed: Self.seed)
        let corpus = HTMLSanitizerTests.hostile + Self.harmless
        var failures: [String: String] = [:]  // property → shortest failing input
        for n in 0..<Self.inputs {
            let input = Self.mutant(corpus, &random, round: n)
            // Every input through the blocking sanitizer (the default), every other one also through the allowing one.
            let sanitizers = n % 2 == 0 ? [(Self.blocking, "blocking"), (Self.allowing, "allowing")] : [(Self.blocking, "blocking")]
            for problem in Self.check(input, sanitizers: sanitizers) {
                if let known = failures[problem], known.utf8.count <= input.utf8.count { continue }
                failures[problem] = input
            }
        }
        for (problem, input) in failures.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(problem) — shortest input: \(String(reflecting: input))")
        }
    }

    /// The input limit cuts a huge mail (even inside a multi-byte character) and the output stays bounded.
    @Test func hugeInputIsCutAndChecked() {
        let unit = "中文 text &amp; more text <b>b</b> and some more plain text to make the unit long enough."
        // 55 bytes ahead put the cut after the second of the three bytes of a 中.
        let input = String(repeating: "x", count: 55) + String(repeating: unit, count: HTMLSanitizer.inputLimit / unit.utf8.count + 1) + "<img src=//evil.example/i><script>alert(1)</script>"
        let output = Self.blocking.sanitize(input).html
        #expect(output.utf8.count <= Self.ratioBound * HTMLSanitizer.inputLimit)
        #expect(!output.contains("<img") && !output.contains("<script") && output.hasSuffix("</b> and some more plain text to make the unit long enough.\u{FFFD}"))
    }

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

    // MARK: - Mutations

    static func mutant(_ corpus: [String], _ random: inout FuzzRandom, round: Int) -> String {
        var bytes = Array(corpus[random.below(corpus.count)].utf8)
        let steps = 1 + random.below(6)
        for _ in 0..<steps {
            let at = random.below(bytes.count + 1)
            switch random.below(12) {
            case 0:  // splice another entry's piece
                let other = Array(corpus[random.below(corpus.count)].utf8)
                let from = random.below(other.count)
                let to = min(other.count, from + 1 + random.below(80))
                bytes.insert(contentsOf: other[from..<to], at: at)
            case 1:  // delete a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    bytes.removeSubrange(from..<min(bytes.count, from + 1 + random.below(8)))
                }
            case 2:  // duplicate a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    let run = bytes[from..<min(bytes.count, from + 1 + random.below(24))]
                    bytes.insert(contentsOf: run, at: random.below(bytes.count + 1))
                }
            case 3:  // a random byte (possibly breaking UTF-8)
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 4:  // flip a byte
                if !bytes.isEmpty { bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8)) }
            case 5:  // upper-case a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    for k in from..<min(bytes.count, from + 1 + random.below(20)) where bytes[k] >= 0x61 && bytes[k] <= 0x7A {
                        bytes[k] -= 32
                    }
                }
            case 6:  // random text, Chinese and other scripts
                var text = String.UnicodeScalarView()
                for _ in 0..<(1 + random.below(6)) {
                    let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x4E00...0x9FFF, 0x80...0x2FF, 0x0600...0x06FF, 0x1F300...0x1F5FF, 0x300...0x36F]
                    let range = ranges[random.below(ranges.count)]
                    text.append(Unicode.Scalar(range.lowerBound + UInt32(random.below(Int(range.upperBound - range.lowerBound + 1))))!)
                }
                bytes.insert(contentsOf: Array(String(text).utf8), at: at)
            case 7:  // over-long names and values
                let long = String(repeating: ["a", "x", "on", "é", "&", "<"][random.below(6)], count: 100 + random.below(random.chance(10) ? 1200 : 200))
                bytes.insert(contentsOf: Array((["<", " ", "=\"", ""][random.below(4)] + long).utf8), at: at)
            case 8:  // deep nesting
                let open = ["<div>", "<b>", "<a href=https://x/>", "<table><tr><td>", "<svg>", "<p title='"][random.below(6)]
                bytes.insert(contentsOf: Array(String(repeating: open, count: 1 + (random.chance(10) ? random.below(300) : random.below(20))).utf8), at: at)
            default:  // a token that matters to HTML parsing
                var token = tokens[random.below(tokens.count)]
                if random.chance(20) { token = token.uppercased() }
                bytes.insert(contentsOf: Array(token.utf8), at: at)
            }
            if bytes.count > 3 * 1024 { bytes.removeSubrange((3 * 1024)...) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The fuzzers' seeded generator (ProtocolFuzzing's SplitMix64), with the two draws this test uses.
struct FuzzRandom {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
