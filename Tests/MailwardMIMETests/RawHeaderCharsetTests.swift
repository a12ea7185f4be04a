import Foundation
import Testing
@testable import MailwardMIME

/// Raw (unencoded) 8-bit bytes in a header that are not UTF-8: read in the charset the message
/// declares — the top-level `charset`, else its first text part's — when that decodes them
/// cleanly, else as GB18030; bytes written inside a "Q" encoded word belong to that word's charset.
@Suite("Raw 8-bit header bytes")
struct RawHeaderCharsetTests {
    /// Corpus messages whose Subject (and To) carry a raw Latin-1 byte inside an iso-8859-1 "Q"
    /// word, in many MIME shapes (top-level text/plain; multipart/mixed, /related, /alternative
    /// with the iso-8859-1 text part at various depths). Expected values are Python's
    /// (`email.message_from_bytes(raw, policy=email.policy.default)`), computed once.
    static let latin1Corpus = ["009", "015", "016", "018", "023", "024", "025", "026", "050", "051"]
    static let pythonSubject = "Die Hasen und die Frösche"
    /// Python's To for the files addressed to Heinz (the others have a Python-only double space).
    static let pythonTo = ["015": "Heinz Müller", "018": "Heinz Müller", "024": "Heinz Müller", "025": "Heinz Müller",
                           "026": "Heinz Müller", "050": "Heinz Müller", "051": "Heinz Müller"]

    @Test(arguments: latin1Corpus)
    func corpusSubjectMatchesPython(_ name: String) throws {
        let file = TestSupport.corpusDirectory.appendingPathComponent("legacy/\(name).eml")
        guard FileManager.default.fileExists(atPath: TestSupport.corpusDirectory.path) else { return }  // no corpus here
        let message = MIMEParser.parse(try [UInt8](Data(contentsOf: file)))
        #expect(message.subject == Self.pythonSubject)
        // IMAP ENVELOPE carries the raw value: ASCII now, so any client decodes the word right.
        let envelopeSubject = try #require(message.envelope.subject)
        #expect(envelopeSubject.utf8.allSatisfy { $0 < 0x80 }, "\(envelopeSubject)")
        #expect(EncodedWord.decode(envelopeSubject) == Self.pythonSubject)
        if let to = Self.pythonTo[name] {
            #expect(AddressParser.parse(try #require(message.header("To"))).first?.displayName == to)
        }
    }

    /// The same shape without the corpus: the iso-8859-1 text part is nested, nothing at the top.
    @Test func rawByteInsideAQWordOfANestedLatin1Message() {
        let message = MIMEParser.parse(Self.multipart(subject: Array("=?iso-8859-1?Q?Die_Hasen_und_die_Fr".utf8) + [0xF6] + Array("sche?=".utf8),
                                                      partCharset: "iso-8859-1"))
        #expect(message.subject == "Die Hasen und die Frösche")
        #expect(message.envelope.subject == "=?iso-8859-1?Q?Die_Hasen_und_die_Fr=F6sche?=")
    }

    /// Outside encoded words the first text part's charset is the message's declaration.
    @Test func rawLatin1SubjectTakesTheFirstTextPartsCharset() {
        let subject = Array("Die Hasen und die Fr".utf8) + [0xF6] + Array("sche".utf8)
        #expect(MIMEParser.parse(Self.multipart(subject: subject, partCharset: "iso-8859-1")).subject == "Die Hasen und die Frösche")
        #expect(MIMEParser.parse(Self.multipart(subject: subject, partCharset: "windows-1252")).subject == "Die Hasen und die Frösche")
        // The header-only read (IMAP's header searches) needs the part's charset too.
        #expect(MIMEParser.headerFields(Self.multipart(subject: subject, partCharset: "iso-8859-1")).first(named: "Subject")
                == "Die Hasen und die Frösche")
        // A top-level charset comes first.
        let top = Array("Subject: ".utf8) + subject + Array("\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nx\r\n".utf8)
        #expect(MIMEParser.parse(top).subject == "Die Hasen und die Frösche")
    }

    /// Latin-1 bytes in a message that declares US-ASCII (or nothing): the accented letters stand
    /// alone between ASCII, so the guess is Windows-1252, not GB18030 (which paired `ü` with the
    /// `r` after it into one Chinese character). Chinese with a rare GBK-extension character
    /// whose second byte is ASCII (镕, `E9 46`) among common ones stays Chinese.
    @Test func loneAccentedLettersAreReadAsWestern() {
        let name = Array("J".utf8) + [0xFC] + Array("rgen Schm".utf8) + [0xFC] + Array("rgen".utf8)
        #expect(MIMEParser.parse(Self.multipart(subject: name, partCharset: "us-ascii")).subject == "Jürgen Schmürgen")
        #expect(MIMEParser.parse(Self.multipart(subject: name, partCharset: nil)).subject == "Jürgen Schmürgen")
        let chinese: [UInt8] = [0xBB, 0xE1, 0xD2, 0xE9, 0xBC, 0xCD, 0xD2, 0xAA, 0xA3, 0xA8, 0xE9, 0x46, 0xA3, 0xA9]
        #expect(MIMEParser.parse(Self.multipart(subject: chinese, partCharset: nil)).subject == "会议纪要（镕）")
    }

    /// 中文 in GBK: Chinese whatever the message declares, unless the declaration decodes it.
    @Test(arguments: [nil, "us-ascii", "utf-8", "gb2312", "gbk", "iso-2022-jp", "x-unknown"] as [String?])
    func gbkSubjectStaysChinese(_ partCharset: String?) {
        let subject: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4] + Array(" report".utf8)
        #expect(MIMEParser.parse(Self.multipart(subject: subject, partCharset: partCharset)).subject == "中文 report")
        let single = Array("Subject: ".utf8) + subject + Array("\r\n".utf8)
            + (partCharset.map { Array("Content-Type: text/plain; charset=\($0)\r\n".utf8) } ?? [])
            + Array("\r\nbody\r\n".utf8)
        #expect(MIMEParser.parse(single).subject == "中文 report")
    }

    @Test func validUTF8IsUTF8WhateverIsDeclared() {
        let subject = Array("Frösche 中文".utf8)
        #expect(MIMEParser.parse(Self.multipart(subject: subject, partCharset: "iso-8859-1")).subject == "Frösche 中文")
    }

    /// A GBK subject inside a GBK "Q" word stays Chinese too (it used to be read as GB18030
    /// characters and then re-read as bytes of the word).
    @Test func rawGBKInsideAGBKWord() {
        let subject = Array("=?gbk?Q?".utf8) + [0xD6, 0xD0, 0xCE, 0xC4] + Array("?=".utf8)
        #expect(MIMEParser.parse(Self.multipart(subject: subject, partCharset: "iso-8859-1")).subject == "中文")
    }

    @Test func escapingLeavesEverythingElseAlone() {
        func escaped(_ bytes: [UInt8]) -> [UInt8] { EncodedWord.escapingRawBytesInQWords(bytes[...]) }
        #expect(escaped(Array("=?x?Q?a".utf8) + [0xF6] + Array("?= ".utf8) + [0xF6]) == Array("=?x?Q?a=F6?= ".utf8) + [0xF6])
        #expect(escaped(Array("=?x?B?".utf8) + [0xF6] + Array("?=".utf8)) == Array("=?x?B?".utf8) + [0xF6] + Array("?=".utf8))
        #expect(escaped(Array("=?x?Q?a ".utf8) + [0xF6] + Array("?=".utf8)) == Array("=?x?Q?a ".utf8) + [0xF6] + Array("?=".utf8))
        #expect(escaped([0xF6] + Array("=?x?q?".utf8)) == [0xF6] + Array("=?x?q?".utf8))
        // Hostile input stays linear (and unchanged).
        let hostile = Array(String(repeating: "=?a?q?", count: 20_000).utf8) + [0xF6]
        #expect(escaped(hostile) == hostile)
    }

    /// multipart/mixed > multipart/alternative > text/plain (charset as given) + text/html.
    static func multipart(subject: [UInt8], partCharset: String?) -> [UInt8] {
        let type = partCharset.map { "text/plain; charset=\"\($0)\"" } ?? "text/plain"
        return Array("From: a@example.com\r\nSubject: ".utf8) + subject + Array("""
            \r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/alternative; boundary="inner"\r
            \r
            --inner\r
            Content-Type: \(type)\r
            \r
            text\r
            --inner\r
            Content-Type: text/html; charset="utf-8"\r
            \r
            <p>text</p>\r
            --inner--\r
            --outer--\r

            """.utf8)
    }
}
