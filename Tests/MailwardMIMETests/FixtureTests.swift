import Foundation
import Testing
@testable import MailwardMIME

@Suite("Fixture corpus")
struct FixtureTests {
    @Test func outlookGB2312Alternative() {
        let bytes = TestSupport.fixture("outlook-gb2312-alternative.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "测试邮件：季度报告")
        #expect(msg.from == [MailAddress(displayName: "张三", address: "zhangsan@example.cn")])
        #expect(msg.bodyStructure.mimeType == "multipart/alternative")
        #expect(msg.preview.hasPrefix("你好， 这是一封来自 Outlook 的测试邮件。"))
        #expect(!msg.hasAttachments)
        let content = MessageContent.extract(from: bytes)
        #expect(content.textBody == "你好，\n这是一封来自 Outlook 的测试邮件。\n谢谢！\n")
        #expect(content.htmlBody?.contains("<b>测试</b>") == true)
        #expect(msg.searchText.contains("谢谢！ &") || msg.searchText.contains("谢谢！"))
        #expect(!msg.searchText.contains("color:red"))
    }

    @Test func foxmailGBKAttachment() {
        let bytes = TestSupport.fixture("foxmail-gbk-attachment.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "转发：讲话稿（镕）")
        #expect(msg.from.first?.displayName == "王五")
        #expect(msg.hasAttachments)
        let content = MessageContent.extract(from: bytes)
        #expect(content.textBody == "朱镕基同志的讲话稿，请查收附件。\n")
        #expect(content.attachments.count == 1)
        #expect(content.attachments[0].filename == "会议纪要（镕）.pdf")
        #expect(content.attachments[0].partPath == [2])
        #expect(MessageContent.attachmentData(at: [2], in: bytes) == Array("%PDF-1.4 fake pdf content\n".utf8))
        #expect(msg.searchText.contains("会议纪要（镕）.pdf"))
    }

    @Test func iPhoneInlineImage() {
        let bytes = TestSupport.fixture("iphone-utf8-inline-image.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "Photos de vacances 🌴")
        #expect(msg.from.first?.displayName == "Zoë Martin")
        let content = MessageContent.extract(from: bytes)
        #expect(content.textBody == "Voilà la photo — à bientôt\u{A0}!\n\nEnvoyé de mon iPhone")
        #expect(content.htmlBody?.contains("cid:F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9") == true)
        #expect(content.attachments == [MessageContent.Attachment(
            partPath: [2, 2], filename: "IMG_0042.jpeg", contentType: "image/jpeg", size: 1024,
            contentID: "F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9", isInline: true)])
        #expect(!msg.hasAttachments)  // only an inline image referenced by Content-ID
        #expect(MessageContent.attachmentData(at: [2, 2], in: bytes) == Array((0..<1024).map { UInt8($0 % 256) }))
    }

    @Test func gmailRFC2231() {
        let bytes = TestSupport.fixture("gmail-rfc2231-attachment.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "年度报告 and résumé")
        #expect(AddressParser.parse(msg.header("Cc")!) == [
            MailAddress(displayName: "Carol, Jr.", address: "carol@example.com"), MailAddress(displayName: "陈七", address: "chen@example.cn")])
        let content = MessageContent.extract(from: bytes)
        #expect(content.attachments.map(\.filename) == ["年度报告数据.csv"])
        #expect(content.attachments[0].contentType == "text/csv")
        #expect(msg.searchText.contains("col1,col2"))  // a text attachment's words are found
        #expect(content.textBody == "请看附件中的年度报告。\nPlease see the attached report.\n")
        #expect(msg.date == MailDate.parse("Thu, 6 Mar 2025 15:08:09 +0000"))
    }

    @Test func big5ForwardedMessage() {
        let bytes = TestSupport.fixture("big5-forward-rfc822.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "轉寄：原始郵件")
        #expect(msg.bodyStructure.part(at: [2])?.envelope?.messageID == "<inner-1@example.hk>")
        #expect(msg.bodyStructure.part(at: [2, 1])?.decodedText(in: bytes) == "這是原始郵件的內容。")
        #expect(msg.searchText.contains("這是原始郵件的內容。"))  // search descends into forwarded mail
        // and its header: the body's text (top-level header left out) has its subject and From
        let bodyText = MIMEParser.bodySearchText(bytes)
        #expect(bodyText.contains("原始郵件") && bodyText.contains("chan@example.hk"))
        #expect(!bodyText.contains("wong@example.hk"))
        let content = MessageContent.extract(from: bytes)
        #expect(content.textBody == "請參閱以下轉寄郵件。")
        #expect(content.attachments.map(\.contentType) == ["message/rfc822"])
        #expect(content.attachments[0].filename == "原始郵件.eml")
    }

    @Test func rawGB18030Headers() {
        let bytes = TestSupport.fixture("gb18030-raw-headers.eml")
        let msg = MIMEParser.parse(bytes)
        #expect(msg.subject == "未编码的中文主题")
        #expect(msg.from == [MailAddress(displayName: "赵六", address: "zhaoliu@example.cn")])
        #expect(msg.date != nil)
        #expect(MessageContent.extract(from: bytes).textBody == "这封邮件的主题没有编码。欧元符号€和生僻字𠀀。\n")
    }

    @Test func brokenEncodedWords() {
        let msg = MIMEParser.parse(TestSupport.fixture("broken-encoded-words.eml"))
        #expect(msg.subject == "中文中文 =?utf-8?Q?broken  tail")
        #expect(msg.from.first?.displayName == "张三")
        #expect(msg.date == MailDate.parse("Mon, 10 Mar 2025 04:59:59 +0000"))
    }

    @Test func groupsInEnvelope() {
        let msg = MIMEParser.parse(TestSupport.fixture("digest-groups.eml"))
        #expect(msg.envelope.to == [EnvelopeAddress(name: nil, adl: nil, mailbox: "undisclosed-recipients", host: nil),
                                    EnvelopeAddress(name: nil, adl: nil, mailbox: nil, host: nil)])
        #expect(msg.envelope.cc.count == 5)
        #expect(msg.envelope.from == [EnvelopeAddress(name: "Doe, John", adl: nil, mailbox: "john", host: "example.com")])
    }

    /// Every fixture and every shared-corpus file parses; ranges are inside the input; the
    /// structure survives a JSON round trip; every section can be decoded.
    @Test func everyFileParses() throws {
        var files = TestSupport.fixtureNames().map { TestSupport.fixturesDirectory.appendingPathComponent($0) }
        files += TestSupport.corpusFiles()
        #expect(files.count >= 12)
        for url in files {
            let bytes = try [UInt8](Data(contentsOf: url))
            let msg = MIMEParser.parse(bytes)
            msg.bodyStructure.forEachPart { _, part in
                #expect(part.bodyRange.upperBound <= bytes.count, "\(url.lastPathComponent)")
                _ = part.decodedText(in: bytes)
            }
            let content = MessageContent.extract(from: bytes)
            for a in content.attachments {
                #expect(MessageContent.attachmentData(at: a.partPath, in: bytes) != nil, "\(url.lastPathComponent) \(a.partPath)")
            }
            let decoded = try JSONDecoder().decode(ParsedMessage.self, from: JSONEncoder().encode(msg))
            #expect(decoded == msg)
        }
    }

    /// IMAP's header searches read only the header section: for every fixture and corpus file
    /// (raw Latin-1 and GB2312 headers among them, which depend on the parts' charset) the fields
    /// are exactly the whole parse's.
    @Test func headerFieldsAloneEqualTheWholeParse() throws {
        var files = TestSupport.fixtureNames().map { TestSupport.fixturesDirectory.appendingPathComponent($0) }
        files += TestSupport.corpusFiles()
        var rawEightBit = 0
        for url in files {
            let bytes = try [UInt8](Data(contentsOf: url))
            let whole = MIMEParser.parse(bytes, searchText: false).headers
            #expect(MIMEParser.headerFields(bytes) == whole, "\(url.lastPathComponent)")
            if whole.contains(where: { $0.value.unicodeScalars.contains { $0.value >= 0x80 } }) { rawEightBit += 1 }
        }
        #expect(files.count >= 12)
        if !TestSupport.corpusFiles().isEmpty { #expect(rawEightBit > 0) }
    }

    /// Speed lives in `Benchmarks/`; this checks the typical 10 KB shape parses into the expected parts.
    @Test func tenKilobyteMessageParsesIntoItsParts() {
        var b = MessageBuilder(date: Date(timeIntervalSince1970: 0))
        b.from = [MailAddress(displayName: "张三", address: "z@example.cn")]
        b.subject = "性能测试"
        b.textBody = String(repeating: "中文内容 and some ASCII text on a line.\n", count: 120)
        b.htmlBody = "<p>" + String(repeating: "段落 paragraph ", count: 200) + "</p>"
        b.attachments = [.init(filename: "a.bin", contentType: "application/octet-stream", data: [UInt8](repeating: 7, count: 2000))]
        var g = SeededGenerator(seed: 3)
        let bytes = b.build(using: &g).bytes
        #expect(bytes.count > 9_000 && bytes.count < 20_000)
        let content = MessageContent.extract(from: bytes)
        #expect(content.attachments.map(\.filename) == ["a.bin"])
        #expect(content.attachments.first?.size == 2000)
    }
}
