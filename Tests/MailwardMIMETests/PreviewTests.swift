import Testing
@testable import MailwardMIME

/// The list preview: whitespace collapsed, cut at a number of characters. `collapse` takes ASCII
/// byte by byte and the rest by Character; the reference below is the plain Character
/// definition it must agree with.
@Suite struct PreviewTests {
    /// The definition, Character by Character.
    static func reference(_ text: String, limit: Int) -> String {
        var out = ""
        var count = 0
        var pendingSpace = false
        for ch in text {
            if ch.isWhitespace || ch == "\u{FEFF}" || ch == "\u{200B}" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                count += 1
                pendingSpace = false
                if count >= limit { break }
            }
            out.append(ch)
            count += 1
            if count >= limit { break }
        }
        return out
    }

    @Test(arguments: [
        "  Hello\r\n\r\n  world\t again  ",
        "\r\n\r\n你好，\r\n 这是一封来自 Outlook 的测试邮件。",
        "Meeting at 3pm —\u{00A0}bring\u{200B} the 报告\u{FEFF} please",
        "e\u{301}te\u{301} cafe\u{301}  👩‍👩‍👧 family",
        String(repeating: "XXXXXXXXXX\r\n", count: 1000),
        String(repeating: " ", count: 500) + "late",
        "a\u{1C}b\u{0B}c\u{0C}d",
        "bare\rCR\r\u{301}x \r\n\u{00A0}end",
        "x\r\n\u{301}y\r\r\n\n z\r",
        "",
    ])
    func collapseMatchesTheCharacterDefinition(_ text: String) {
        for limit in [1, 5, 12, 200] {
            #expect(ParsedMessage.collapse(text, limit: limit) == Self.reference(text, limit: limit), "limit \(limit)")
        }
    }

    /// Previews and search text decode the named references mail uses (HTML 4's set).
    @Test func namedCharacterReferencesInHTMLText() {
        #expect(HTMLText.plainText(from: "<p>Fr&ouml;sche &Uuml;ber mi&szlig;lich&nbsp;&rarr; &notaname;</p>")
            .trimmingCharacters(in: .whitespacesAndNewlines) == "Frösche Über mißlich → &notaname;")
    }
}
