import Foundation
import Testing
@testable import MailwardMIME

@Suite("MessageBuilder round trips")
struct MessageBuilderTests {
    static let date = Date(timeIntervalSince1970: 1_740_964_502)

    static func builder() -> MessageBuilder {
        var b = MessageBuilder(date: date)
        b.from = [MailAddress(displayName: "张三", address: "zhangsan@example.cn")]
        b.to = [MailAddress(displayName: "Doe, John", address: "john@example.com"), MailAddress(address: "bob@example.com")]
        b.cc = [MailAddress(displayName: "Ann", address: "ann@example.com")]
        b.bcc = [MailAddress(address: "secret@example.com")]
        b.subject = "季度报告：请审阅附件中的数据并在周五之前给出反馈意见，谢谢大家的配合与支持 (Q3 report)"
        b.timeZoneOffsetSeconds = 8 * 3600
        return b
    }

    static func build(_ b: MessageBuilder, seed: UInt64 = 1) -> MessageBuilder.Output {
        var g = SeededGenerator(seed: seed)
        return b.build(using: &g)
    }

    @Test func textOnlyRoundTrip() {
        var b = Self.builder()
        b.textBody = "第一行\n第二行 with ASCII\n\nlast line without newline"
        let out = Self.build(b)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(!text.contains("secret@example.com"))          // Bcc never written
        #expect(!text.contains("\n") || !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))  // CRLF only
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        let parsed = MIMEParser.parse(out.bytes)
        #expect(parsed.subject == b.subject)
        #expect(parsed.from == b.from)
        #expect(AddressParser.parse(parsed.header("To")!) == b.to)
        #expect(parsed.date == Self.date)
        #expect(parsed.header("Date") == "Mon, 3 Mar 2025 09:15:02 +0800")
        #expect(parsed.envelope.messageID == out.messageID)
        #expect(out.messageID.hasSuffix("@example.cn>"))
        #expect(MessageContent.extract(from: out.bytes).textBody == b.textBody)
        #expect(Self.build(b).bytes == out.bytes)                // deterministic
        #expect(Self.build(b, seed: 2).messageID != out.messageID)
    }

    @Test func asciiTextIsSevenBit() {
        var b = MessageBuilder(date: Self.date)
        b.from = [MailAddress(address: "a@example.com")]
        b.subject = "Hello"
        b.textBody = "plain ASCII\n"
        b.messageID = "fixed@example.com"
        b.inReplyTo = "parent@example.com"
        b.references = ["<root@example.com>", "parent@example.com"]
        b.extraHeaders = [HeaderField(name: "X-Mailer", value: "Mailward"), HeaderField(name: "X-Note", value: "née")]
        let out = Self.build(b)
        let parsed = MIMEParser.parse(out.bytes)
        #expect(parsed.bodyStructure.encoding == "7bit")
        #expect(parsed.header("Message-ID") == "<fixed@example.com>")
        #expect(parsed.header("In-Reply-To") == "<parent@example.com>")
        #expect(parsed.header("References") == "<root@example.com> <parent@example.com>")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.decodedHeader("X-Note") == "née")
        #expect(MessageContent.extract(from: out.bytes).textBody == "plain ASCII\n")
    }

    @Test func alternativeWithAttachmentsRoundTrip() {
        var b = Self.builder()
        b.textBody = "Bonjour, voilà le rapport.\nÀ bientôt"
        b.htmlBody = "<p>Bonjour, voilà le <b>rapport</b>.</p><img src=\"cid:logo\">"
        let pdf = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let longName = "二〇二五年第三季度财务报告（最终版）附录与补充材料说明文件.pdf"
        b.attachments = [
            .init(filename: longName, contentType: "application/pdf", data: pdf),
            .init(filename: "logo.png", contentType: "image/png", data: [1, 2, 3], contentID: "logo", isInline: true),
            .init(filename: "quote\"s.txt", contentType: "text/plain", data: Array("attached text".utf8)),
        ]
        let out = Self.build(b)
        let parsed = MIMEParser.parse(out.bytes)
        #expect(parsed.bodyStructure.subtype == "mixed")
        #expect(parsed.bodyStructure.children[0].subtype == "related")
        #expect(parsed.hasAttachments)
        let content = MessageContent.extract(from: out.bytes)
        #expect(content.textBody == b.textBody)
        #expect(content.htmlBody == b.htmlBody)
        #expect(content.attachments.map(\.filename) == ["logo.png", longName, "quote\"s.txt"])
        #expect(content.attachments.map(\.isInline) == [true, false, false])
        #expect(content.attachments[0].contentID == "logo")
        #expect(content.attachments[1].size == pdf.count)
        #expect(MessageContent.attachmentData(at: content.attachments[1].partPath, in: out.bytes) == pdf)
        #expect(MessageContent.attachmentData(at: content.attachments[2].partPath, in: out.bytes) == Array("attached text".utf8))
        #expect(String(decoding: out.bytes, as: UTF8.self).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func awkwardSubjectsAndNamesRoundTrip() {
        let subjects = ["", "   leading and trailing   ", "=?UTF-8?B?not-really?=", "tab\there", String(repeating: "word ", count: 40),
                        "😀👍🏽 mixed 中文 and ASCII", "quote \" and backslash \\"]
        for (i, s) in subjects.enumerated() {
            var b = MessageBuilder(date: Self.date)
            b.from = [MailAddress(displayName: s.isEmpty ? nil : s, address: "x@example.com")]
            b.subject = s
            b.textBody = s
            let out = Self.build(b, seed: UInt64(i))
            let parsed = MIMEParser.parse(out.bytes)
            #expect(parsed.subject == s.trimmingMailWhitespace || parsed.subject == s, "\(s)")
            #expect(TestSupport.normalised(parsed.from.first?.displayName ?? "") == TestSupport.normalised(s))
            #expect(MessageContent.extract(from: out.bytes).textBody == s)
        }
    }
}
