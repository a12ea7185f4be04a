import Foundation
import Hummingbird
import MailwardCore
@testable import MailwardWeb
import Testing

/// The page templates escape what they show Unicode scalar by scalar: a quote with a combining
/// mark after it is one `Character`, and Mustache's own escaping (Character by Character) let it
/// through — a hostile subject in the reply form's `value="…"` then ended the attribute.
@Suite struct PageEscapingTests {
    static func render(_ template: String, _ values: [String: Any]) async throws -> String {
        let response = try PageRenderer.load().page(template, language: .en, values: values, setLanguageCookie: false)
        let collector = BodyCollector()
        try await response.body.write(collector)
        return collector.text
    }

    @Test func aQuoteWithACombiningMarkStaysInsideTheAttribute() async throws {
        let mark = "\u{301}"
        let subject = "Re: x\"" + mark + " autofocus onfocus=alert(1) x'" + mark + " <" + mark + "b>"
        let html = try await Self.render("compose", ["subject": subject, "csrf": "t"])
        let field = try #require(html.components(separatedBy: "id=\"subject\" value=\"").dropFirst().first)
        let value = String(field.unicodeScalars.prefix { $0 != "\"" })
        let escaped = "Re: x&quot;" + mark + " autofocus onfocus=alert(1) x&#39;" + mark + " &lt;" + mark + "b&gt;"
        #expect(value == escaped)
        let brokenOut = "\"" + mark + " autofocus"
        #expect(!html.contains(brokenOut))
    }
}

/// Collects a response body as text.
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var text = ""
    func write(_ buffer: ByteBuffer) async throws { text += String(buffer: buffer) }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
