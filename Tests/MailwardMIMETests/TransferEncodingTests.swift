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
        #expect(TransferEncoding(headerValue: "x-uuencode") == .uuencode)
        #expect(TransferEncoding(headerValue: "x-gzip64") == .other("x-gzip64"))
    }

    /// Lines as Python's `binascii.b2a_uu` writes them for the bytes 0…99; the last one lost its
    /// trailing blanks on the way, as happens in transit.
    @Test func uuencodeDecodesBetweenBeginAndEnd() {
        let lines = [
            "begin 644 numbers.bin",
            #"M  $" P0%!@<("0H+# T.#Q 1$A,4%187&!D:&QP='A\@(2(C)"4F)R@I*BLL"#,
            #"M+2XO,#$R,S0U-C<X.3H[/#T^/T!!0D-$149'2$E*2TQ-3D]045)35%565UA9"#,
            "*6EM<75Y?8&%B8P",
            "`",
            "end",
        ]
        let body = ArraySlice(lines.map { $0 + "\r\n" }.joined().utf8)
        #expect(UUEncoding.decode(body) == Array(0..<100))
        #expect(TransferEncoding.uuencode.decode(body) == Array(0..<100))
        // Not uuencoded after all (no `begin` line): left as it is.
        #expect(UUEncoding.decode(ArraySlice("plain words\r\n".utf8)) == Array("plain words\r\n".utf8))
    }

    /// An attachment's size is what its download weighs, whatever the transfer encoding; an
    /// uuencoded one (old mailers) is downloaded decoded, not as the encoded text.
    @Test func attachmentsAreWeighedAndServedDecoded() {
        let uu = [
            "begin 644 numbers.bin",
            #"M  $" P0%!@<("0H+# T.#Q 1$A,4%187&!D:&QP='A\@(2(C)"4F)R@I*BLL"#,
            #"M+2XO,#$R,S0U-C<X.3H[/#T^/T!!0D-$149'2$E*2TQ-3D]045)35%565UA9"#,
            "*6EM<75Y?8&%B8P", "`", "end",
        ].joined(separator: "\r\n")
        let message = [
            "From: a@example.org", "Subject: legacy", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b\"", "",
            "--b", "Content-Type: text/plain", "", "see the files",
            "--b", "Content-Type: application/octet-stream; name=\"numbers.bin\"", "Content-Transfer-Encoding: x-uuencode",
            "Content-Disposition: attachment; filename=\"numbers.bin\"", "", uu,
            "--b", "Content-Type: text/plain; charset=utf-8; name=\"notes.txt\"", "Content-Transfer-Encoding: quoted-printable",
            "Content-Disposition: attachment; filename=\"notes.txt\"", "", "caf=C3=A9 =3D soft=", "break",
            "--b--", "",
        ].joined(separator: "\r\n")
        let bytes = Array(message.utf8)
        let content = MessageContent.extract(from: bytes)
        #expect(content.attachments.map(\.filename) == ["numbers.bin", "notes.txt"])
        #expect(content.attachments.map(\.size) == [100, "café = softbreak".utf8.count])
        #expect(MessageContent.attachmentData(at: content.attachments[0].partPath, in: bytes) == Array(0..<100))
        #expect(MessageContent.attachmentData(at: content.attachments[1].partPath, in: bytes) == Array("café = softbreak".utf8))
    }
}
