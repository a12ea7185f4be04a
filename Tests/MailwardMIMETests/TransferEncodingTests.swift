import Testing
@testable import MailwardMIME

@Suite("Base64 and quoted-printable")
struct TransferEncodingTests {
    static let base64Cases: [(String, String)] = [
        ("aGVsbG8=", "hello"),
        ("aGVs\r\nbG8=", "hello"),
        ("aGVsbG8", "hello"),               // missing padding
        ("aGV sbG8=\r\n", "hello"),         // embedded blank
        ("aGVsbG8=aGVsbG8=", "hellohello"), // concatenated blocks
        ("!!aGVs*bG8=", "hello"),          // garbage skipped
        ("", ""),
        ("a", ""),
        ("YQ", "a"),
    ]

    @Test("base64 table", arguments: base64Cases.indices)
    func base64(_ index: Int) {
        let (input, expected) = Self.base64Cases[index]
        #expect(Base64.decode(Array(input.utf8)[...]) == Array(expected.utf8))
        #expect(Base64.decodedCount(Array(input.utf8)[...]) == expected.utf8.count)
    }

    @Test func base64RoundTripAllLengths() {
        var g = SeededGenerator(seed: 7)
        for n in 0..<200 {
            let data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
            let encoded = Base64.encode(data)
            #expect(Base64.decode(encoded[...]) == data)
            #expect(encoded.split(separator: 0x0A).allSatisfy { $0.count <= 77 })
        }
    }

    static let qpCases: [(String, String)] = [
        ("caf=C3=A9", "café"),
        ("caf=c3=a9", "café"),                 // lowercase hex
        ("soft=\r\nbreak", "softbreak"),
        ("soft=\nbreak", "softbreak"),
        ("soft=  \r\nbreak", "softbreak"),     // blanks after "="
        ("a=3Db", "a=b"),
        ("bad=ZZ", "bad=ZZ"),                  // invalid escape kept
        ("end=", "end"),
        ("end=4", "end=4"),
        ("line\r\nline", "line\r\nline"),
    ]

    @Test("quoted-printable table", arguments: qpCases.indices)
    func quotedPrintable(_ index: Int) {
        let (input, expected) = Self.qpCases[index]
        #expect(QuotedPrintable.decode(Array(input.utf8)[...]) == Array(expected.utf8))
    }

    @Test func quotedPrintableRoundTrip() {
        let samples = ["plain", "trailing space \r\nnext", "tab\t\r\n", String(repeating: "é", count: 100), String(repeating: "x", count: 300) + "=",
                       "中文 text with = signs and a very long line that needs soft breaks " + String(repeating: "ab ", count: 40)]
        for s in samples {
            let encoded = QuotedPrintable.encode(Array(s.utf8))
            #expect(QuotedPrintable.decode(encoded[...]) == Array(s.utf8))
            #expect(String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        }
    }

    @Test func transferEncodingTokens() {
        #expect(TransferEncoding(headerValue: nil) == .sevenBit)
        #expect(TransferEncoding(headerValue: " Base64 ") == .base64)
        #expect(TransferEncoding(headerValue: "QUOTED-PRINTABLE") == .quotedPrintable)
        #expect(TransferEncoding(headerValue: "x-uuencode") == .other("x-uuencode"))
    }
}
