import Testing
@testable import MailwardMIME

@Suite("Body structure, section numbering and byte ranges")
struct BodyStructureTests {
    /// multipart/mixed [ text/plain, multipart/alternative [text/plain, text/html], message/rfc822 [ multipart/mixed [text, image] ], application/pdf ]
    static let nested = TestSupport.crlf("""
        From: a@example.com
        Subject: nested
        Content-Type: multipart/mixed; boundary="outer"

        preamble
        --outer
        Content-Type: text/plain; charset=utf-8

        part one
        --outer
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain

        alt plain
        --alt
        Content-Type: text/html; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        <p>alt =E4=B8=AD html</p>
        --alt--
        --outer
        Content-Type: message/rfc822
        Content-Description: forwarded

        From: Inner <inner@example.com>
        Subject: inner subject
        Content-Type: multipart/mixed; boundary="inner"

        --inner
        Content-Type: text/plain

        inner text
        --inner
        Content-Type: image/png; name="dot.png"
        Content-Transfer-Encoding: base64
        Content-ID: <dot@example>
        Content-Disposition: attachment; filename="dot.png"
        Content-Language: en, zh
        Content-Location: http://example.com/ dot.png
        Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

        iVBORw0KGgo=
        --inner--
        --outer
        Content-Type: application/pdf; name="a.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0=
        --outer--
        epilogue
        """)

    @Test func treeShape() {
        let root = MIMEParser.parse(Self.nested).bodyStructure
        #expect(root.mimeType == "multipart/mixed")
        #expect(root.children.map(\.mimeType) == ["text/plain", "multipart/alternative", "message/rfc822", "application/pdf"])
        #expect(root.children[1].children.map(\.mimeType) == ["text/plain", "text/html"])
        let message = root.children[2]
        #expect(message.envelope?.subject == "inner subject")
        #expect(message.envelope?.from.first?.mailbox == "inner")
        #expect(message.contentDescription == "forwarded")
        #expect(message.lines != nil)
        #expect(message.encapsulated?.children.map(\.mimeType) == ["text/plain", "image/png"])
        let png = message.encapsulated!.children[1]
        #expect(png.contentID == "<dot@example>")
        #expect(png.encoding == "base64")
        #expect(png.disposition == ContentDisposition(type: "attachment", parameters: [MIMEParameter(name: "filename", value: "dot.png")]))
        #expect(png.contentLanguage == ["en", "zh"])
        #expect(png.contentLocation == "http://example.com/dot.png")
        #expect(png.contentMD5 == "Q2hlY2sgSW50ZWdyaXR5IQ==")
        #expect(png.lines == nil)
        #expect(root.children[0].lines == 1)
        #expect(root.children[0].size == "part one".utf8.count)
        #expect(root.children[0].parameters == [MIMEParameter(name: "charset", value: "utf-8")])
        #expect(root.children[1].children[0].parameters == [MIMEParameter(name: "charset", value: "us-ascii")])  // default
    }

    static let sections: [([Int], String?)] = [
        ([], "multipart/mixed"), ([1], "text/plain"), ([2], "multipart/alternative"), ([2, 1], "text/plain"),
        ([2, 2], "text/html"), ([3], "message/rfc822"), ([3, 1], "text/plain"), ([3, 2], "image/png"), ([4], "application/pdf"),
        ([5], nil), ([0], nil), ([1, 1], nil), ([3, 3], nil), ([2, 1, 1], nil), ([-1], nil),
    ]

    @Test("IMAP part numbering", arguments: sections.indices)
    func partNumbering(_ index: Int) {
        let (path, expected) = Self.sections[index]
        let root = MIMEParser.parse(Self.nested).bodyStructure
        #expect(root.part(at: path)?.mimeType == expected, "\(path)")
    }

    @Test func forEachPartVisitsExactlyTheAddressableSections() {
        let root = MIMEParser.parse(Self.nested).bodyStructure
        var paths: [[Int]] = []
        root.forEachPart { path, part in
            paths.append(path)
            #expect(root.part(at: path) == part)
        }
        #expect(paths == [[1], [2], [2, 1], [2, 2], [3], [3, 1], [3, 2], [4]])
    }

    @Test func rangesSliceBackTheRightBytes() {
        let bytes = Self.nested
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(TestSupport.slice(bytes, root.headerRange).hasSuffix("boundary=\"outer\"\r\n\r\n"))
        #expect(TestSupport.slice(bytes, root.bodyRange).hasPrefix("preamble\r\n--outer"))
        #expect(TestSupport.slice(bytes, root.part(at: [1])!.bodyRange) == "part one")
        #expect(TestSupport.slice(bytes, root.part(at: [1])!.headerRange) == "Content-Type: text/plain; charset=utf-8\r\n\r\n")
        #expect(TestSupport.slice(bytes, root.part(at: [2, 2])!.bodyRange) == "<p>alt =E4=B8=AD html</p>")
        #expect(root.part(at: [2, 2])!.decodedText(in: bytes) == "<p>alt 中 html</p>")
        let message = root.part(at: [3])!
        #expect(TestSupport.slice(bytes, message.bodyRange).hasPrefix("From: Inner"))
        #expect(TestSupport.slice(bytes, message.bodyRange).hasSuffix("--inner--"))
        // BODY[3.HEADER] and BODY[3.TEXT] come from the encapsulated root.
        #expect(TestSupport.slice(bytes, message.encapsulated!.headerRange).hasPrefix("From: Inner"))
        #expect(TestSupport.slice(bytes, message.encapsulated!.headerRange).hasSuffix("boundary=\"inner\"\r\n\r\n"))
        #expect(TestSupport.slice(bytes, message.encapsulated!.bodyRange).hasPrefix("--inner\r\n"))
        #expect(TestSupport.slice(bytes, root.part(at: [3, 1])!.bodyRange) == "inner text")
        #expect(root.part(at: [3, 2])!.decodedBody(in: bytes) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(TestSupport.slice(bytes, root.part(at: [4])!.bodyRange) == "JVBERi0=")
        #expect(root.part(at: [4])!.size == 8)
    }

    @Test func singlePartMessageNumbering() {
        let bytes = TestSupport.crlf("Subject: x\nContent-Type: text/plain\n\nhello\nworld\n")
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(root.part(at: [1]) == root)
        #expect(root.part(at: [2]) == nil)
        #expect(root.lines == 2)
        #expect(TestSupport.slice(bytes, root.bodyRange) == "hello\r\nworld\r\n")
    }

    @Test func messageRFC822AtTopLevelAndNonMultipartInner() {
        let bytes = TestSupport.crlf("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: message/rfc822

            Subject: inner

            just text
            --b--
            """)
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(root.part(at: [1])?.mimeType == "message/rfc822")
        #expect(root.part(at: [1, 1])?.mimeType == "text/plain")
        #expect(TestSupport.slice(bytes, root.part(at: [1, 1])!.bodyRange) == "just text")
        #expect(root.part(at: [1, 2]) == nil)
    }

    @Test func digestChildrenDefaultToMessageRFC822() {
        let root = MIMEParser.parse(TestSupport.fixture("digest-groups.eml")).bodyStructure
        #expect(root.children.map(\.mimeType) == ["message/rfc822", "message/rfc822"])
        #expect(root.children[1].envelope?.subject == "second")
        #expect(root.part(at: [2, 1])?.decodedText(in: TestSupport.fixture("digest-groups.eml")) == "café")
    }

    @Test func codableRoundTrip() throws {
        let parsed = MIMEParser.parse(Self.nested)
        let data = try JSONEncoder().encode(parsed)
        #expect(try JSONDecoder().decode(ParsedMessage.self, from: data) == parsed)
    }
}

import Foundation
