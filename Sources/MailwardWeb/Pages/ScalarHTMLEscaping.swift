import Mustache

/// HTML escaping for the page templates, Unicode scalar by scalar.
///
/// swift-mustache's own HTML escaping compares whole `Character`s (grapheme clusters) with `"`,
/// `'`, `<`, `>` and `&`: a quote followed by a combining mark (`"\u{301}`) is one Character,
/// unlike `"`, and went out unescaped — while a browser reads the quote and ends the attribute
/// there. A hostile subject or sender name rendered into `value="…"` (the reply form) could so
/// add attributes of its own (found by the sanitizer's fuzzing, which had the same flaw). Every
/// template is parsed with this content type (``PageRenderer/load()``).
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "MAILWARD_HTML"
    /// Put in front of every template: sets the content type for the whole template, partials included.
    static let pragma = "{{% CONTENT_TYPE: \(name) }}"

    func escapeText(_ text: String) -> String {
        HTMLSanitizer.escapeAttribute(text)
    }

    /// Makes the content type known to Mustache's parser (idempotent).
    static func register() {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: name)
    }
}
