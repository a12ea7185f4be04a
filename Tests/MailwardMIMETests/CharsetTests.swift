import Foundation
import Testing
@testable import MailwardMIME

@Suite("Charset decoding")
struct CharsetTests {
    /// (label, encoded bytes, expected text) — bytes produced by Python's codecs / iconv.
    static let table: [(String, [UInt8], String)] = [
        ("utf-8", [0xE4, 0xB8, 0xAD, 0xE6, 0x96, 0x87, 0x20, 0xC3, 0x9C, 0x6E, 0xC3, 0xAF, 0x63, 0xC3, 0xB6, 0x64, 0xC3, 0xA9], "中文 Ünïcödé"),
        ("us-ascii", [0x70, 0x6C, 0x61, 0x69, 0x6E, 0x20, 0x74, 0x65, 0x78, 0x74], "plain text"),
        ("gb2312", [0xD6, 0xD0, 0xCE, 0xC4, 0xD3, 0xCA, 0xBC, 0xFE], "中文邮件"),
        ("gbk", [0xD6, 0xD0, 0xCE, 0xC4, 0xD3, 0xCA, 0xBC, 0xFE, 0xE9, 0x46], "中文邮件镕"),
        ("gb2312", [0xE9, 0x46, 0xBB, 0xF9], "镕基"),
        ("gb18030", [0xD6, 0xD0, 0xCE, 0xC4, 0xA2, 0xE3, 0x95, 0x32, 0x82, 0x36], "中文€𠀀"),
        ("big5", [0xA4, 0xA4, 0xA4, 0xE5, 0xB6, 0x6C, 0xA5, 0xF3], "中文郵件"),
        ("iso-8859-1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("iso-8859-2", [0xA3, 0xF3, 0x64, 0xBC], "Łódź"),
        ("iso-8859-3", [0xA1], "Ħ"),
        ("iso-8859-4", [0xA2], "ĸ"),
        ("iso-8859-5", [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2], "Привет"),
        ("iso-8859-6", [0xE5, 0xD1, 0xCD, 0xC8, 0xC7], "مرحبا"),
        ("iso-8859-7", [0xC3, 0xE5, 0xE9, 0xDC], "Γειά"),
        ("iso-8859-8", [0xF9, 0xEC, 0xE5, 0xED], "שלום"),
        ("iso-8859-9", [0xDD, 0xFE], "İş"),
        ("iso-8859-10", [0xAF], "Ŋ"),
        ("iso-8859-11", [0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5], "สวัสดี"),
        ("iso-8859-13", [0xD9], "Ł"),
        ("iso-8859-14", [0xD0], "Ŵ"),
        ("iso-8859-15", [0xA4], "€"),
        ("iso-8859-16", [0xAA], "Ș"),
        ("windows-1250", [0xA3, 0xF3, 0x64, 0x9F], "Łódź"),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ("windows-1252", [0x63, 0x61, 0x66, 0xE9, 0x20, 0x80], "café €"),
        ("windows-1253", [0xC3, 0xE5, 0xE9, 0xDC], "Γειά"),
        ("windows-1254", [0xDD, 0xFE], "İş"),
        ("windows-1255", [0xF9, 0xEC, 0xE5, 0xED], "שלום"),
        ("windows-1256", [0xE3, 0xD1, 0xCD, 0xC8, 0xC7], "مرحبا"),
        ("windows-1257", [0xD9], "Ł"),
        ("windows-1258", [0x56, 0x69, 0xEA, 0x74], "Viêt"),
        ("shift_jis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
        ("iso-2022-jp", [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x1B, 0x28, 0x42], "日本語"),
        ("euc-jp", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC], "日本語"),
        ("euc-kr", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], "Привет"),
        ("utf-16", [0xFF, 0xFE, 0x48, 0x00, 0x65, 0x00, 0x6C, 0x00, 0x6C, 0x00, 0x6F, 0x00, 0x20, 0x00, 0x2D, 0x4E], "Hello 中"),
        ("x-gbk", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("gb_2312-80", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("cp936", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("ks_c_5601-1987", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE], "한국어"),
        ("x-sjis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA], "日本語"),
        ("x-euc-tw", [0xC4, 0xE3, 0xC5, 0xC6], "中文"),
        ("big5-hkscs", [0xAD, 0xBB, 0xB4, 0xE4], "香港"),
        ("utf-16le", [0x2D, 0x4E, 0x87, 0x65], "中文"),
        ("utf-16be", [0x4E, 0x2D, 0x65, 0x87], "中文"),
        ("koi8-u", [0xF0, 0xD2, 0xC9, 0xD7, 0xA6, 0xD4], "Привіт"),
        ("windows-1252", [0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x73, 0x94], "“quotes”"),
    ]

    @Test("every listed charset and alias decodes", arguments: table.indices)
    func decodes(_ index: Int) {
        let (label, bytes, expected) = Self.table[index]
        #expect(Charset.decode(bytes, charset: label) == expected, "\(label)")
        #expect(Charset.decode(bytes, charset: label.uppercased()) == expected, "\(label) uppercased")
    }

    @Test func gb2312LabelledGBKAndGB18030Decode() {
        // 镕 (0xE946) is GBK-only; 𠀀 is a GB18030 four-byte sequence.
        #expect(Charset.decode([0xE9, 0x46], charset: "GB2312") == "镕")
        #expect(Charset.decode([0x95, 0x32, 0x82, 0x36], charset: "gbk") == "𠀀")
    }

    /// HZ (RFC 1843): 7-bit GB2312 between `~{` and `~}`, `~~` a tilde, `~` + line break joins
    /// lines; glibc has no HZ decoder. (Python's `'汉字HZ编码'.encode('hz')` for the first.)
    @Test func hzDecodes() {
        #expect(Charset.decode(Array("~{::WV~}HZ~{1`Bk~}".utf8), charset: "HZ-GB-2312") == "汉字HZ编码")
        #expect(Charset.decode(Array("a~~b ~{::~}\r\nc~\r\nd".utf8), charset: "hz-gb-2312") == "a~b 汉\r\ncd")
        // A line break ends GB mode even without ~}.
        #expect(Charset.decode(Array("~{::\nab".utf8), charset: "hz") == "汉\nab")
        #expect(EncodedWord.decode("=?HZ-GB-2312?B?\(Data("~{::WV~}".utf8).base64EncodedString())?=") == "汉字")
    }

    @Test func invalidBytesBecomeReplacementCharacters() {
        #expect(Charset.decode([0x41, 0xFF, 0x42], charset: "utf-8") == "A\u{FFFD}B")
        #expect(Charset.decode([0xA4, 0xA4, 0xFF], charset: "big5").hasPrefix("中"))
        #expect(Charset.decode([0xA4, 0xA4, 0xFF], charset: "big5").contains("\u{FFFD}"))
        #expect(Charset.decode([0xD6], charset: "gbk") == "\u{FFFD}")  // truncated double byte
        #expect(Charset.decode([0x1B, 0x24, 0x42, 0x46], charset: "iso-2022-jp").contains("\u{FFFD}"))
    }

    @Test func unknownLabelsFallBackToUTF8ThenGB18030() {
        #expect(Charset.decode(Array("héllo".utf8), charset: "x-no-such-charset") == "héllo")
        #expect(Charset.decode([0xD6, 0xD0, 0xCE, 0xC4], charset: "x-no-such-charset") == "中文")
        #expect(Charset.decode([0xD6, 0xD0, 0xCE, 0xC4], charset: "") == "中文")
        #expect(Charset.decode([0xD6, 0xD0], charset: "us-ascii") == "中")  // mislabelled 8-bit
    }

    @Test func labelsAreNormalised() {
        #expect(Charset.decode([0xD6, 0xD0], charset: " \"GB2312\" ") == "中")
        #expect(Charset.decode([0xE9], charset: "ISO_8859-1:1987") == "é")
        #expect(Charset.decode([0xE9], charset: "latin1") == "é")
        #expect(Charset.decode([0xA4], charset: "l9") == "€")
        #expect(Charset.decode([0xCF], charset: "cp1251") == "П")
        #expect(Charset.decode([0xD6, 0xD0], charset: "utf-8*zh") == "\u{FFFD}\u{FFFD}")
        #expect(Charset.isSupported("x-gbk"))
        #expect(!Charset.isSupported("no-such-thing"))
    }

    @Test func emptyAndLargeInputs() {
        #expect(Charset.decode([], charset: "gbk") == "")
        let big = [UInt8](repeating: 0xD6, count: 100_001)  // odd count: last byte incomplete
        let text = Charset.decode(big, charset: "gbk")
        #expect(text.unicodeScalars.count > 40_000)
    }
}
