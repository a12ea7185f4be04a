import MailwardMIME
import Testing

/// RFC 6376 §3.4.2 and §3.4.4 "relaxed", with the example of §3.4.5.
@Suite struct DKIMCanonicalizationTests {
    let example = Array("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n".utf8)

    @Test func relaxedHeadersOfTheRFCExample() {
        let fields = DKIMCanonicalization.fields(of: example)
        #expect(fields.map(\.name) == ["a", "b"])
        let canonical = fields.flatMap { DKIMCanonicalization.relaxedHeader($0.bytes) }
        #expect(String(decoding: canonical, as: UTF8.self) == "a:X\r\nb:Y Z\r\n")
    }

    @Test func relaxedBodyOfTheRFCExample() {
        let body = DKIMCanonicalization.relaxedBody(DKIMCanonicalization.body(of: example))
        #expect(String(decoding: body, as: UTF8.self) == " C\r\nD E\r\n")
    }

    @Test func bodyEdgeCases() {
        func relaxed(_ text: String) -> String {
            String(decoding: DKIMCanonicalization.relaxedBody(ArraySlice(Array(text.utf8))), as: UTF8.self)
        }
        #expect(relaxed("") == "")
        #expect(relaxed("\r\n\r\n") == "")
        #expect(relaxed("last line without end") == "last line without end\r\n")
        #expect(relaxed("bare\nline feeds\n") == "bare\r\nline feeds\r\n")
        #expect(relaxed("inner\r\n\r\nblank  \r\n") == "inner\r\n\r\nblank\r\n")
        #expect(relaxed("中文  行 \r\n") == "中文 行\r\n")
    }

    @Test func aMessageWithoutBody() {
        #expect(DKIMCanonicalization.body(of: Array("Subject: x\r\n".utf8)).isEmpty)
        #expect(DKIMCanonicalization.body(of: Array("Subject: x\r\n\r\n".utf8)).isEmpty)
    }
}
