import MailwardNet
import Testing

/// A client-chosen user name cannot forge a log line.
@Suite struct LogTextTests {
    @Test func controlsAreEscapedAndQuotesKeptApart() {
        let forged = "bob\n2026-11-29T10:00:00+0000 notice mailward: login ip=203.0.113.9"
        let quoted = LogText.quoted(forged)
        #expect(!quoted.contains("\n"))
        #expect(quoted.hasPrefix("\"bob\\u{a}2026"))
        #expect(LogText.quoted("a\"b\\c\r\u{1B}[31m") == "\"a\\\"b\\\\c\\u{d}\\u{1b}[31m\"")
        #expect(LogText.quoted("\u{2028}") == "\"\\u{2028}\"")
    }

    @Test func ordinaryNamesStayReadable() {
        #expect(LogText.quoted("张三@例子.中国") == "\"张三@例子.中国\"")
        #expect(LogText.quoted("alice@demo.test") == "\"alice@demo.test\"")
    }

    @Test func longNamesAreCut() {
        let quoted = LogText.quoted(String(repeating: "x", count: 10_000))
        #expect(quoted.count == 128 + 3)
        #expect(quoted.hasSuffix("…\""))
    }
}
