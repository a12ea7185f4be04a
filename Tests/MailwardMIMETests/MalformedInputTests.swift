import Testing
@testable import MailwardMIME

@Suite("Malformed and hostile input")
struct MalformedInputTests {
    /// Parses and exercises everything; checks all ranges stay inside the input.
    static func exercise(_ bytes: [UInt8]) {
        let msg = MIMEParser.parse(bytes)
        _ = MessageContent.extract(from: bytes)
        msg.bodyStructure.forEachPart { _, part in
            #expect(part.headerRange.lowerBound >= 0 && part.bodyRange.upperBound <= bytes.count)
            #expect(part.headerRange.upperBound <= part.bodyRange.lowerBound)
            _ = part.decodedText(in: bytes)
        }
    }

    @Test func emptyAndTinyInputs() {
        for input in ["", "\n", "\r\n", "\r", ":", "a", "\r\n\r\n", "--", "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n"] {
            Self.exercise(Array(input.utf8))
        }
        let empty = MIMEParser.parse([])
        #expect(empty.bodyStructure.mimeType == "text/plain")
        #expect(empty.headers.isEmpty)
    }

    @Test func missingFinalBoundary() {
        let bytes = TestSupport.fixture("broken-missing-final-boundary.eml")
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(root.children.count == 2)
        #expect(root.part(at: [2])!.decodedText(in: bytes) == "second part, message truncated here\r\n")
        #expect(MessageContent.extract(from: bytes).textBody == "first part\nsecond part, message truncated here\n")
    }

    /// Nothing to split at: as in Dovecot, one leaf that keeps its bytes (IMAP's `BODY[1]`), and
    /// the webmail shows them as text.
    @Test func multipartWithoutBoundaryIsOneLeafWithItsText() {
        let bytes = TestSupport.fixture("broken-no-boundary-param.eml")
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(!root.isMultipart && root.declaresMultipart && root.children.isEmpty)
        #expect(root.mimeType == "multipart/mixed")
        #expect(root.part(at: [1])?.decodedText(in: bytes).hasPrefix("just some text") == true)
        #expect(MessageContent.extract(from: bytes).textBody == "just some text\n")
    }

    /// A boundary with no part between its lines still gives IMAP the one part it needs.
    @Test func multipartWithNoPartsGetsOneEmptyPart() {
        let bytes = Array("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n".utf8)
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(root.isMultipart)
        #expect(root.children.count == 1)
        #expect(root.children[0].mimeType == "text/plain" && root.children[0].size == 0)
    }

    /// Past the nesting limit the rest is one leaf that still holds its bytes: the text at the
    /// bottom is not lost (it was reported as an empty part before).
    @Test func textNestedPastTheLimitIsKept() {
        var text = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for i in 1...60 { text += "--b\(i - 1)\r\nContent-Type: multipart/mixed; boundary=b\(i)\r\n\r\n" }
        text += "--b60\r\nContent-Type: text/plain\r\n\r\nDEEP TEXT\r\n--b60--\r\n"
        let bytes = Array(text.utf8)
        var node = MIMEParser.parse(bytes).bodyStructure
        while let child = node.children.first { node = child }
        #expect(node.declaresMultipart && !node.isMultipart)
        #expect(node.decodedText(in: bytes).contains("DEEP TEXT"))
        #expect(MessageContent.extract(from: bytes).textBody?.contains("DEEP TEXT") == true)
    }

    @Test func bareLFBareCRAndNUL() {
        let bytes = TestSupport.fixture("broken-bare-lf-nul.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "bare LF\u{0} and NUL")
        #expect(msg.bodyStructure.children.map(\.mimeType) == ["text/plain", "text/html"])
        let content = MessageContent.extract(from: bytes)
        #expect(content.textBody == "line one\nstill line one\u{0}")
        #expect(content.htmlBody == "<p>hi</p>")
    }

    @Test func hugeNestingIsCapped() {
        var text = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for i in 1...2_000 { text += "--b\(i - 1)\r\nContent-Type: multipart/mixed; boundary=b\(i)\r\n\r\n" }
        let bytes = Array(text.utf8)
        var depth = 0
        var node = MIMEParser.parse(bytes).bodyStructure
        while let child = node.children.first { node = child; depth += 1 }
        #expect(depth <= MIMEParser.maxDepth + 1)
        Self.exercise(bytes)
    }

    @Test func nestedMessageBombIsCapped() {
        var text = "Subject: leaf\r\n\r\nbody"
        for _ in 0..<300 { text = "Content-Type: message/rfc822\r\n\r\n" + text }
        Self.exercise(Array(text.utf8))
    }

    @Test func partCountIsCapped() {
        var text = "Content-Type: multipart/mixed; boundary=x\r\n\r\n"
        text += String(repeating: "--x\r\n\r\na\r\n", count: 30_000)
        let root = MIMEParser.parse(Array(text.utf8)).bodyStructure
        #expect(root.children.count < MIMEParser.maxParts)
    }

    @Test func boundaryPrefixOfNestedBoundaryDoesNotSplit() {
        let bytes = TestSupport.crlf("""
            Content-Type: multipart/mixed; boundary=abc

            --abc
            Content-Type: multipart/alternative; boundary=abcd

            --abcd
            Content-Type: text/plain

            inner
            --abcd--
            --abc--
            """)
        let root = MIMEParser.parse(bytes).bodyStructure
        #expect(root.children.count == 1)
        #expect(root.children[0].children.count == 1)
        #expect(TestSupport.slice(bytes, root.part(at: [1, 1])!.bodyRange) == "inner")
    }

    @Test func randomGarbageNeverCrashes() {
        var g = SeededGenerator(seed: 42)
        let alphabet = Array("--b\r\n=?:;\"<>@,=?UTF-8?B?Content-Type: multipart/mixed; boundary=b\r\n\r\nmessage/rfc822 base64 =\u{0}".utf8)
        for _ in 0..<300 {
            let n = Int.random(in: 0..<600, using: &g)
            let bytes = (0..<n).map { _ in
                Bool.random(using: &g) ? alphabet[Int.random(in: 0..<alphabet.count, using: &g)] : UInt8.random(in: 0...255, using: &g)
            }
            Self.exercise(bytes)
        }
    }

    @Test func truncatedBase64Attachment() {
        let bytes = TestSupport.fixture("truncated-base64.eml")
        let content = MessageContent.extract(from: bytes)
        #expect(content.attachments.count == 1)
        let data = MessageContent.attachmentData(at: content.attachments[0].partPath, in: bytes) ?? []
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(content.attachments[0].size == data.count)
    }

    @Test func pathologicalHeadersStayLinear() {
        let words = String(repeating: "=?a?q?x", count: 50_000)  // never terminated: must stay linear
        let addresses = String(repeating: "a,<b@c>,(x\\y)\"q\",g:;", count: 10_000)
        let html = "Content-Type: text/html\r\n\r\n" + String(repeating: "<a href=\"<!--<script", count: 20_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(EncodedWord.decode(words).utf8.count == words.utf8.count)
            _ = MIMEParser.parse(Array("Subject: \(words)\r\nTo: \(addresses)\r\nCc: \(words)\r\n\r\nbody".utf8))
            _ = MIMEParser.parse(Array(html.utf8))
        }
        // A quadratic walk over these inputs takes hours; linear takes well under a second in release.
        #expect(elapsed < .seconds(60))
    }
}
