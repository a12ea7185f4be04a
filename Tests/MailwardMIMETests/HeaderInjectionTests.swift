import Foundation
import Testing
@testable import MailwardMIME

/// Whatever a caller puts into a `MessageBuilder`, the header section it writes has no line
/// that the caller started: every line is a field of the builder's or a fold (leading blank).
@Suite struct HeaderInjectionTests {
    static let evil = "x\r\nX-Evil: 1\r\n\r\nINJECTED BODY"

    /// The lines of the header sections (message and parts) of `bytes`.
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines: [String] = []
        var inHeader = true
        for line in text.components(separatedBy: "\r\n") {
            if inHeader { if line.isEmpty { inHeader = false } else { lines.append(line) } }
            if line.hasPrefix("--=_mw_") { inHeader = true }
        }
        return lines
    }

    @Test func headerValuesNeverStartALine() {
        var b = MessageBuilder(date: Date(timeIntervalSince1970: 1_740_964_502))
        b.from = [MailAddress(displayName: "A\r\nX-Evil: 2", address: "a@example.com")]
        b.to = [MailAddress(address: "b@example.com\r\nX-Evil: 3")]
        b.subject = Self.evil
        b.messageID = "id@example.com\r\nX-Evil: 4"
        b.inReplyTo = "<p@example.com>\r\nX-Evil: 5"
        b.references = ["<root@example.com>", "<r@example.com>\nX-Evil: 6"]
        b.extraHeaders = [HeaderField(name: "X-Note", value: Self.evil), HeaderField(name: "X-Evil: 7\r\nX-Bad", value: "v")]
        b.textBody = "hello"
        b.attachments = [.init(filename: "a\r\nX-Evil: 8.txt", contentType: "text/plain\r\nX-Evil: 9", data: [1, 2, 3],
                               contentID: "c\r\nX-Evil: 10@x", isInline: false)]
        var g = SeededGenerator(seed: 1)
        let out = b.build(using: &g)
        let lines = Self.headerLines(out.bytes)
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(!line.hasPrefix("X-Evil") && !line.hasPrefix("INJECTED") && !line.hasPrefix("X-Bad"), "\(line)")
            #expect(!line.contains("\r") && !line.contains("\n"), "\(line.debugDescription)")
        }
        let parsed = MIMEParser.parse(out.bytes)
        #expect(parsed.header("In-Reply-To") == nil, "an In-Reply-To that is not a msg-id is left out")
        #expect(parsed.header("References") == "<root@example.com>")
        #expect(parsed.bodyStructure.children.last?.mimeType == "application/octet-stream")
        #expect(!String(decoding: out.bytes, as: UTF8.self).contains("\r\nINJECTED"))
    }

    @Test func singleLineReplacesEveryBreak() {
        #expect(HeaderWriter.singleLine("a\r\nb") == "a  b")
        #expect(HeaderWriter.singleLine("a\rb\nc\u{0}d\u{7F}e\tf") == "a b c d e\tf")
        #expect(HeaderWriter.singleLine("中文 plain") == "中文 plain")
    }

    @Test func messageIDs() {
        #expect(HeaderSyntax.messageID("<a.b@c.d>") == "<a.b@c.d>")
        #expect(HeaderSyntax.messageIDs("<a@b>\r\n (c) <bad id@x> <c@d> <open") == ["<a@b>", "<c@d>"])
        #expect(HeaderSyntax.messageID(" a+b=c@d-e ") == "<a+b=c@d-e>")
        #expect(HeaderSyntax.messageID("<x@[10.0.0.1]>") == "<x@[10.0.0.1]>")
        for bad in ["", "<>", "a", "<a@b", "a@b>", "<a b@c>", "<a@b c>", "<a@b>\r\nX: y", "a@b\n", "a@b@c", "<@b>", "<a@>",
                    "<a@[b]c>", "<中@b>", "<a\u{0}@b>", "<a@b> <c@d>", "<" + String(repeating: "a", count: 250) + "@b>"] {
            #expect(HeaderSyntax.messageID(bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func mimeTypes() {
        #expect(HeaderSyntax.mimeType("text/plain") == "text/plain")
        #expect(HeaderSyntax.mimeType("Application/VND.ms-Excel; charset=x") == "application/vnd.ms-excel")
        #expect(HeaderSyntax.mimeType(" image/png ") == "image/png")
        for bad in ["", "text", "text/", "/plain", "text/plain/x", "text/plain\r\nX: y", "te xt/plain", "text/pl@in", "文本/plain",
                    "text/\"plain\""] {
            #expect(HeaderSyntax.mimeType(bad) == nil, "\(bad.debugDescription)")
        }
    }
}
