import Testing
@testable import MailwardMIME

@Suite("Headers, folding and MIME parameters")
struct HeaderAndParameterTests {
    @Test func foldingIsUndoneAndValuesTrimmed() {
        let msg = MIMEParser.parse(TestSupport.crlf("Subject: a long\n subject\n\tfolded  \nX-Empty:\nTo : obsolete@example.com\n\nbody"))
        #expect(msg.header("subject") == "a long subject\tfolded")
        #expect(msg.header("X-Empty") == "")
        #expect(msg.header("to") == "obsolete@example.com")
        #expect(msg.headers.map(\.name) == ["Subject", "X-Empty", "To"])
    }

    @Test func bareLFAndMboxLineAndGarbageLines() {
        let msg = MIMEParser.parse(Array("From someone Sat Jan  1 00:00:00 2000\nSubject: hi\n continued\nnot a header line\nFrom: a@b.c\n\nbody\n".utf8))
        #expect(msg.header("Subject") == "hi continued")
        #expect(msg.header("From") == "a@b.c")
        #expect(TestSupport.slice(Array("x".utf8), 0..<1) == "x")
        #expect(msg.bodyStructure.size == 5)
    }

    @Test func eightBitHeaderBytes() {
        var bytes = Array("Subject: ".utf8) + [0xD6, 0xD0, 0xCE, 0xC4] + Array("\r\nX-UTF8: ".utf8) + Array("中文".utf8)
        bytes += Array("\r\n\r\n".utf8)
        let msg = MIMEParser.parse(bytes)
        #expect(msg.header("Subject") == "中文")
        #expect(msg.header("X-UTF8") == "中文")
        // The declared charset is the fallback before GB18030 (Latin-1 mail with raw 8-bit headers).
        let latin = Array("Subject: M".utf8) + [0xFC] + Array("ller\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx".utf8)
        #expect(MIMEParser.parse(latin).subject == "Müller")
    }

    @Test func headerWithoutBody() {
        let msg = MIMEParser.parse(Array("Subject: only a header".utf8))
        #expect(msg.subject == "only a header")
        #expect(msg.bodyStructure.bodyRange.isEmpty)
        #expect(msg.bodyStructure.headerRange == 0..<22)
    }

    static let parameterCases: [(header: String, value: String, name: String, expected: String?)] = [
        ("text/plain; charset=us-ascii", "text/plain", "charset", "us-ascii"),
        ("text/plain; charset=\"utf-8\" (comment)", "text/plain", "charset", "utf-8"),
        ("Text/Plain;Charset=UTF-8", "Text/Plain", "CHARSET", "UTF-8"),
        ("text/plain; charset = \"a\\\"b\"", "text/plain", "charset", "a\"b"),
        ("application/pdf; name=my file.pdf", "application/pdf", "name", "my file.pdf"),
        // A folded parameter whose ";" was left out (RFC 2046's own example of message/external-body).
        ("message/external-body; access-type=mail-server\r\n     server=\"listserv@bogus.bitnet\"", "message/external-body", "access-type", "mail-server"),
        ("message/external-body; access-type=mail-server\r\n     server=\"listserv@bogus.bitnet\"", "message/external-body", "server", "listserv@bogus.bitnet"),
        ("application/pdf; name=\"unterminated", "application/pdf", "name", "unterminated"),
        ("attachment; filename*=UTF-8''%E4%B8%AD%E6%96%87.txt", "attachment", "filename", "中文.txt"),
        ("attachment; filename*=gbk'zh'%D6%D0%CE%C4.txt", "attachment", "filename", "中文.txt"),
        ("attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "attachment", "filename", "long name.txt"),
        ("attachment; filename*0*=UTF-8''%E4%B8; filename*1*=%AD; filename*2=\".txt\"", "attachment", "filename", "中.txt"),
        ("attachment; filename*1=\"b\"; filename*0=\"a\"", "attachment", "filename", "ab"),
        ("attachment; filename=\"plain.txt\"; filename*=UTF-8''better.txt", "attachment", "filename", "better.txt"),
        ("attachment; filename=\"=?GBK?B?1tDOxC5kb2M=?=\"", "attachment", "filename", "中文.doc"),
        ("attachment; filename*=UTF-8''%ZZbad", "attachment", "filename", "%ZZbad"),
        ("attachment; junk; =novalue; filename=x", "attachment", "filename", "x"),
        ("attachment", "attachment", "filename", nil),
        ("(comment) multipart/mixed; boundary=\"--=_a b\"", "multipart/mixed", "boundary", "--=_a b"),
    ]

    @Test("parameter table", arguments: parameterCases.indices)
    func parameters(_ index: Int) {
        let c = Self.parameterCases[index]
        let (value, params) = MIMEParameters.parse(c.header)
        #expect(value == c.value)
        #expect(MIMEParameters.decodedValue(c.name, in: params) == c.expected, "\(c.header)")
    }

    @Test func rawParametersKeptForIMAP() {
        let (_, params) = MIMEParameters.parse("attachment; filename*0*=UTF-8''%E4%B8; filename*1*=%AD")
        #expect(params == [MIMEParameter(name: "filename*0*", value: "UTF-8''%E4%B8"), MIMEParameter(name: "filename*1*", value: "%AD")])
    }

    /// IMAP's BODYSTRUCTURE joins RFC 2231 sections as Dovecot does; the human value is unchanged.
    @Test func rfc2231SectionsAreJoinedForIMAP() {
        func p(_ pairs: (String, String)...) -> [MIMEParameter] { pairs.map { MIMEParameter(name: $0.0, value: $0.1) } }
        let chinese = p(("filename*0*", "gb18030''%D1%A7"), ("filename*1*", "%D0%A3.xlsx"))
        #expect(MIMEParameters.joiningSections(chinese) == p(("filename*", "gb18030''%D1%A7%D0%A3.xlsx")))
        #expect(MIMEParameters.decodedValue("filename", in: MIMEParameters.joiningSections(chinese)) == "学校.xlsx")
        // Plain sections, out of order, after a parameter without sections.
        #expect(MIMEParameters.joiningSections(p(("filename*1", "name.txt"), ("charset", "utf-8"), ("filename*0", "long ")))
            == p(("charset", "utf-8"), ("filename", "long name.txt")))
        // A plain section among extended ones keeps its `%` literal.
        let mixed = p(("title*0*", "utf-8''%E4%B8%AD"), ("title*1", " 50%"))
        #expect(MIMEParameters.joiningSections(mixed) == p(("title*", "utf-8''%E4%B8%AD 50%25")))
        #expect(MIMEParameters.decodedValue("title", in: MIMEParameters.joiningSections(mixed)) == "中 50%")
        // A gap: kept apart, as sent. One extended value and no sections at all: as they are.
        #expect(MIMEParameters.joiningSections(p(("name*0", "a"), ("name*2", "c"))) == p(("name*0", "a"), ("name*2", "c")))
        #expect(MIMEParameters.joiningSections(p(("name*", "utf-8''x"))) == p(("name*", "utf-8''x")))
        #expect(MIMEParameters.joiningSections(p(("boundary", "b"))) == p(("boundary", "b")))
    }
}
