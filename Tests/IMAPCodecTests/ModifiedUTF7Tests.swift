import IMAPCodec
import Testing

@Suite struct ModifiedUTF7Tests {
    static let pairs: [(String, String)] = [
        ("INBOX", "INBOX"),
        ("已发送", "&XfJT0ZAB-"),
        ("A&B", "A&-B"),
        ("&", "&-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("Gelöschte Elemente", "Gel&APY-schte Elemente"),
        ("😀", "&2D3eAA-"),
        ("", ""),
        ("Tab\there", "Tab&AAk-here"),
    ]

    @Test(arguments: pairs)
    func roundTrip(_ unicode: String, _ wire: String) throws {
        #expect(ModifiedUTF7.encode(unicode) == wire)
        #expect(try ModifiedUTF7.decode(wire) == unicode)
    }

    static let malformed: [String] = [
        "&XfJT0ZAB",      // unterminated
        "&XfJT0ZAB-&ZeVnLIqe-", // adjacent shifts must be merged
        "&AGE-",          // "a" must not be encoded
        "&ACY-",          // "&" must be "&-"
        "&Xf-",           // leftover bits non-zero / odd length
        "&XfJ-",          // odd number of bytes
        "&2D0-",          // lone high surrogate
        "&Xf/T0ZAB-",     // "/" is not modified base64
        "caf\u{E9}",      // 8-bit
        "a\tb",           // control character
        "&A-",            // too few bits
    ]

    @Test(arguments: malformed)
    func rejects(_ wire: String) {
        #expect(throws: ModifiedUTF7.DecodingError.self) { try ModifiedUTF7.decode(wire) }
    }

    @Test func mailboxNameModes() throws {
        let name = MailboxName("已发送")
        #expect(name.bytes == Array("&XfJT0ZAB-".utf8))
        #expect(try name.decoded() == "已发送")
        let raw = MailboxName("已发送", utf8Accept: true)
        #expect(raw.bytes == Array("已发送".utf8))
        #expect(try raw.decoded(utf8Accept: true) == "已发送")
        #expect(throws: ModifiedUTF7.DecodingError.self) { try raw.decoded() }
        #expect(throws: ModifiedUTF7.DecodingError.self) { try MailboxName(bytes: [0xFF]).decoded(utf8Accept: true) }
        #expect(MailboxName(bytes: Array("iNbOx".utf8)) == .inbox)
        #expect(MailboxName(bytes: Array("INBOX/sub".utf8)) != .inbox)
    }
}

@Suite struct DateTests {
    @Test func parsesSearchDates() {
        #expect(IMAPDate("1-Feb-1994") == IMAPDate(year: 1994, month: 2, day: 1))
        #expect(IMAPDate("01-feb-1994") == IMAPDate(year: 1994, month: 2, day: 1))
        #expect(IMAPDate("29-Feb-2024") != nil)
        #expect(IMAPDate("29-Feb-2023") == nil)
        #expect(IMAPDate("1-Feb-94") == nil)
        #expect(IMAPDate("123-Feb-1994") == nil)
        #expect(IMAPDate("1-February-1994") == nil)
        #expect(IMAPDate("") == nil)
        #expect(IMAPDate("1-Feb-1994")?.description == "1-Feb-1994")
    }

    @Test func parsesAndEncodesDateTimes() throws {
        let value = try #require(IMAPDateTime("17-Jul-1996 02:44:25 -0700"))
        #expect(value.secondsSince1970 == 837_596_665)
        #expect(value.description == "17-Jul-1996 02:44:25 -0700")
        #expect(IMAPDateTime(secondsSince1970: 837_596_665, zoneOffsetMinutes: -420) == value)
        #expect(IMAPDateTime(secondsSince1970: 0, zoneOffsetMinutes: 480).description == " 1-Jan-1970 08:00:00 +0800")
        #expect(IMAPDateTime(" 1-Jan-1970 08:00:00 +0800")?.secondsSince1970 == 0)
        #expect(IMAPDateTime(secondsSince1970: -1, zoneOffsetMinutes: 0).description == "31-Dec-1969 23:59:59 +0000")
        #expect(IMAPDateTime(secondsSince1970: 1_795_920_000, zoneOffsetMinutes: 330).description == "29-Nov-2026 08:10:00 +0530")
        #expect(IMAPDateTime("29-Nov-2026 10:00:00 +0860") == nil)
        #expect(IMAPDateTime("29-Nov-2026 24:00:00 +0800") == nil)
        #expect(IMAPDateTime("29-Nov-2026 10:00 +0800") == nil)
        #expect(IMAPDateTime("29-Nov-2026 10:00:00") == nil)
    }

    @Test func daysRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = IMAPDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
        }
    }
}
