import Foundation
import Testing
@testable import MailwardMIME

@Suite("Addresses, envelope, dates")
struct AddressAndDateTests {
    static let addressCases: [(String, [MailAddress])] = [
        ("alice@example.com", [MailAddress(address: "alice@example.com")]),
        ("Alice <alice@example.com>", [MailAddress(displayName: "Alice", address: "alice@example.com")]),
        ("\"Doe, John\" <john@example.com>, bob@example.com", [
            MailAddress(displayName: "Doe, John", address: "john@example.com"), MailAddress(address: "bob@example.com")]),
        ("=?UTF-8?B?5byg5LiJ?= <z@example.cn>", [MailAddress(displayName: "张三", address: "z@example.cn")]),
        ("\"=?gb2312?B?1cXI/Q==?=\" <z@example.cn>", [MailAddress(displayName: "张三", address: "z@example.cn")]),
        ("bob@example.com (Bob Smith)", [MailAddress(displayName: "Bob Smith", address: "bob@example.com")]),
        ("Team: a@x.com, B <b@x.com>;, c@x.com", [
            MailAddress(address: "a@x.com"), MailAddress(displayName: "B", address: "b@x.com"), MailAddress(address: "c@x.com")]),
        ("undisclosed-recipients:;", []),
        ("<@route.example:user@example.com>", [MailAddress(address: "user@example.com")]),
        ("\"quoted local\"@example.com", [MailAddress(address: "quoted local@example.com")]),
        ("user@[192.0.2.1]", [MailAddress(address: "user@[192.0.2.1]")]),
        ("broken <unterminated@example.com", [MailAddress(displayName: "broken", address: "unterminated@example.com")]),
        (",,, ,", []),
        ("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", [
            MailAddress(displayName: "Mary Smith", address: "mary@x.test"), MailAddress(address: "jdoe@example.org"),
            MailAddress(displayName: "Who?", address: "one@y.test")]),
    ]

    @Test("decoded address table", arguments: addressCases.indices)
    func decodedAddresses(_ index: Int) {
        let (input, expected) = Self.addressCases[index]
        #expect(AddressParser.parse(input) == expected, "\(input)")
    }

    /// `formatted` reads back as the same one address, whatever the display name holds — a
    /// sender's name with a comma and brackets in it must not become a second recipient when
    /// the webmail fills a reply or a stored summary is read again.
    @Test func formattedAddressesReadBackAsThemselves() {
        let names: [String?] = [nil, "Li Wei", "张三", "Doe, John", "Team <leak@evil.test>, Erin", "alice@partner.test",
                                "a \"quoted\" name", "back\\slash", "J. R. Smith", "(comment) name",
                                // A quote with a combining mark after it is one Character: unescaped, it
                                // ended the quoted name, and the rest became recipients of a reply.
                                "Boss\"\u{301} <boss@example.test>, leak@evil.test, \""]
        for name in names {
            let address = MailAddress(displayName: name, address: "erin@example.test")
            #expect(AddressParser.parse(address.formatted) == [address], "\(address.formatted)")
        }
        #expect(MailAddress(displayName: "Li Wei", address: "li@example.test").formatted == "Li Wei <li@example.test>")
        #expect(MailAddress(displayName: "Doe, John", address: "j@example.test").formatted == "\"Doe, John\" <j@example.test>")
        #expect(MailAddress(displayName: "张三", address: "z@example.test").formatted == "张三 <z@example.test>")
        #expect(MailAddress(address: "j@example.test").formatted == "j@example.test")
    }

    @Test func envelopeAddressesAreRawWithGroupMarkers() {
        let list = EnvelopeAddress.list(from: "=?UTF-8?B?5byg5LiJ?= <z@example.cn>, Team: a@x.com;, nodomain")
        #expect(list == [
            EnvelopeAddress(name: "=?UTF-8?B?5byg5LiJ?=", adl: nil, mailbox: "z", host: "example.cn"),
            EnvelopeAddress(name: nil, adl: nil, mailbox: "Team", host: nil),
            EnvelopeAddress(name: nil, adl: nil, mailbox: "a", host: "x.com"),
            EnvelopeAddress(name: nil, adl: nil, mailbox: nil, host: nil),
            EnvelopeAddress(name: nil, adl: nil, mailbox: "nodomain", host: "MISSING_DOMAIN"),
        ])
        #expect(EnvelopeAddress.list(from: "<@a.example,@b.example:u@c.example>")
                == [EnvelopeAddress(name: nil, adl: "@a.example,@b.example", mailbox: "u", host: "c.example")])
        // A display name without its address keeps its words apart (as Dovecot sends it).
        #expect(EnvelopeAddress.list(from: "Someone Else") == [
            EnvelopeAddress(name: "Someone Else", adl: nil, mailbox: "MISSING_MAILBOX", host: "MISSING_DOMAIN"),
        ])
    }

    @Test func envelopeDefaultsSenderAndReplyToToFrom() {
        let msg = MIMEParser.parse(TestSupport.crlf("""
            Date: Mon, 3 Mar 2025 09:15:02 +0800
            Subject: =?UTF-8?B?5Lit?=
            From: A <a@example.com>
            To: b@example.com
            Cc: c@example.com
            Bcc: d@example.com
            In-Reply-To: <x@y>
            Message-ID: <id@example.com>

            body
            """))
        let e = msg.envelope
        #expect(e.date == "Mon, 3 Mar 2025 09:15:02 +0800")
        #expect(e.subject == "=?UTF-8?B?5Lit?=")
        #expect(msg.subject == "中")
        #expect(e.from == [EnvelopeAddress(name: "A", adl: nil, mailbox: "a", host: "example.com")])
        #expect(e.sender == e.from)
        #expect(e.replyTo == e.from)
        #expect(e.to.first?.mailbox == "b" && e.cc.first?.mailbox == "c" && e.bcc.first?.mailbox == "d")
        #expect(e.inReplyTo == "<x@y>")
        #expect(e.messageID == "<id@example.com>")
        let empty = MIMEParser.parse(TestSupport.crlf("\nbody")).envelope
        #expect(empty == Envelope())
    }

    static let dateCases: [(String, Int?)] = [
        ("Mon, 3 Mar 2025 09:15:02 +0800", 1_740_964_502),
        ("3 Mar 2025 09:15:02 +0800", 1_740_964_502),
        ("Mon, 03 Mar 2025 01:15:02 GMT", 1_740_964_502),
        ("Mon, 3 Mar 2025 01:15:02 UT", 1_740_964_502),
        ("Sun, 2 Mar 2025 20:15:02 EST", 1_740_964_502),
        ("Sun, 2 Mar 2025 17:15:02 PDT (Pacific)", 1_740_964_502 - 3600 * 0 - 3600),
        ("Mon, 3 Mar 25 01:15:02 Z", 1_740_964_502),
        ("Mon, 3 Mar 125 01:15:02 +0000", 1_740_964_502),           // 3-digit year: 1900 + 125
        ("Mon, 3 Mar 2025 01:15 +0000", 1_740_964_500),
        ("Mon,3 Mar 2025 09:15:02 +08:00", 1_740_964_502),
        ("Mon, 3 Mar 2025 01:15:02 A", 1_740_964_502),            // military zone: -0000
        ("Thu, 1 Jan 1970 00:00:00 +0000", 0),
        ("Fri, 19 May 2000 01:10:27 -0400", 958_713_027),
        ("not a date", nil),
        ("Mon, 32 Mar 2025 01:15:02 +0000", nil),
        ("", nil),
    ]

    @Test("date table", arguments: dateCases.indices)
    func dates(_ index: Int) {
        let (input, expected) = Self.dateCases[index]
        #expect(MailDate.parse(input).map { Int($0.timeIntervalSince1970) } == expected, "\(input)")
    }

    @Test func dateFormattingRoundTrips() {
        let date = Date(timeIntervalSince1970: 1_740_964_502)
        #expect(MailDate.format(date, offsetSeconds: 8 * 3600) == "Mon, 3 Mar 2025 09:15:02 +0800")
        #expect(MailDate.format(date) == "Mon, 3 Mar 2025 01:15:02 +0000")
        #expect(MailDate.format(Date(timeIntervalSince1970: 0), offsetSeconds: -5 * 3600) == "Wed, 31 Dec 1969 19:00:00 -0500")
        for t in stride(from: -1_000_000_000, to: 4_000_000_000, by: 86_399 * 97) {
            let d = Date(timeIntervalSince1970: TimeInterval(t))
            #expect(MailDate.parse(MailDate.format(d, offsetSeconds: 3600 * 5 + 1800)) == d)
        }
    }
}
