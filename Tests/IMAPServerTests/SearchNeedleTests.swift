import Foundation
import Testing
@testable import IMAPServer

/// The prepared SEARCH string answers as Foundation's case- and diacritic-insensitive
/// `range(of:)` does, for ASCII values (its own byte comparison) and for the others.
@Suite struct SearchNeedleTests {
    static let needles = ["Quarterly", "quarterly", "QUARTERLY", "José", "jose", "JOSÉ", "Müller", "muller", "预算", "紫罗兰",
                          "a", "Z", "@example.COM", "Re: 预算", "naïve", "NAIVE", "x-mailer", "  ", "1.0", "=?utf-8?",
                          "Ünïcödé", "ﬁle", "straße", "STRASSE", "Ελλάδα", "ελλαδα"]
    static let values = ["Quarterly report", "Re: QUARTERLY numbers", "Jose Garcia <jose@example.com>", "José García",
                         "Heinz Müller <mueller@example.com>", "Heinz Muller", "关于预算的通知", "紫罗兰 and more", "",
                         "x-mailer: something", "MIME-Version: 1.0", "=?utf-8?B?6aKE566X?=", "Naive Bayes", "naïve approach",
                         "Unicode", "file", "Strasse 5", "Straße 5", "ΕΛΛΑΔΑ", "Ελλάδα", "z", "abc@Example.com"]

    @Test func answersAsFoundationDoes() {
        for needle in Self.needles {
            let prepared = SearchNeedle(needle)
            for value in Self.values {
                let expected = value.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
                #expect(prepared.isFound(in: value) == expected, "\(needle) in \(value)")
            }
        }
    }

    @Test func asciiValuesAreComparedIgnoringCaseAndTheNeedlesDiacritics() {
        #expect(SearchNeedle("JOSÉ").isFound(in: "mail from jose@example.com"))
        #expect(SearchNeedle("quarterly").isFound(in: "THE QUARTERLY REPORT"))
        #expect(!SearchNeedle("quarterlyx").isFound(in: "THE QUARTERLY"))
        #expect(!SearchNeedle("预算").isFound(in: "budget"))
        #expect(SearchNeedle("port").isFound(in: "report"))
    }
}
