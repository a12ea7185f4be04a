import Foundation
import MailwardCore
import Testing

/// The summary's stored JSON is written by hand; `JSONDecoder` must read back exactly what
/// `JSONEncoder` would have written.
@Suite struct MessageSummaryJSONTests {
    static let summaries: [MessageSummary] = [
        MessageSummary(subject: "季度报告 \"final\" \\ draft", fromName: "王小明", fromAddress: "wang@example.cn",
                       to: "Alice <alice@demo.test>, bob@demo.test", date: Date(timeIntervalSince1970: 1_795_000_000.123456),
                       preview: "line\r\nbreak\ttab \u{01}\u{1F}\u{7F} 👩‍👩‍👧 e\u{301}", hasAttachments: true,
                       messageIDHeader: "<x@y>"),
        MessageSummary(subject: "", fromName: nil, fromAddress: nil, to: "", date: nil, preview: "", hasAttachments: false,
                       messageIDHeader: nil),
        MessageSummary(subject: "</script>", fromName: nil, fromAddress: "a@b.c", to: "", date: Date(timeIntervalSinceReferenceDate: -1.5),
                       preview: String(repeating: "长", count: 200), hasAttachments: false, messageIDHeader: nil),
    ]

    @Test(arguments: summaries)
    func storedJSONReadsBackAsTheSameSummary(_ summary: MessageSummary) throws {
        let decoded = try JSONDecoder().decode(MessageSummary.self, from: Data(summary.storedJSON.utf8))
        #expect(decoded == summary)
        // And the same value as what JSONEncoder writes.
        let reference = try JSONDecoder().decode(MessageSummary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == reference)
        #expect(try JSONSerialization.jsonObject(with: Data(summary.storedJSON.utf8)) is [String: Any])
    }
}
