import SMTPCodec
import Testing

/// (address, expected normalised address or nil if invalid)
private let addresses: [(String, String?)] = [
    ("a@b", "a@b"),
    ("First.Last@Example.COM", "First.Last@example.com"),
    ("a+tag@sub.example.org", "a+tag@sub.example.org"),
    ("!#$%&'*+-/=?^_`{|}~@x.y", "!#$%&'*+-/=?^_`{|}~@x.y"),
    ("\"a b\"@x.y", "\"a b\"@x.y"),
    ("\"a\\\"b\"@x.y", "\"a\\\"b\"@x.y"),
    ("\"abc\"@x.y", "abc@x.y"),
    ("a@[1.2.3.4]", "a@[1.2.3.4]"),
    ("a@[IPv6:::1]", "a@[IPv6:::1]"),
    ("a@[IPv6:2001:DB8::8:800:200C:417A]", "a@[IPv6:2001:db8::8:800:200c:417a]"),
    ("a@[IPv6:1:2:3:4:5:6:7:8]", "a@[IPv6:1:2:3:4:5:6:7:8]"),
    ("a@[IPv6:::ffff:192.0.2.1]", "a@[IPv6:::ffff:192.0.2.1]"),
    ("a@[x-tag:opaque]", "a@[x-tag:opaque]"),
    ("", nil),
    ("a", nil),
    ("a@", nil),
    ("@b", nil),
    ("a@b.", nil),
    ("a.@b", nil),
    ("a@b_c", nil),
    ("a@[256.1.1.1]", nil),
    ("a@[1.2.3.4.5]", nil),
    ("a@[IPv6:1:2:3:4:5:6:7:8:9]", nil),
    ("a@[IPv6::1]", nil),
    ("a@[IPv6:1::2::3]", nil),
    ("a@[IPv6:12345::]", nil),
    ("a@[IPv6:1:2:3:4:5:6:7:1.2.3.4]", nil),
    ("a@" + String(repeating: "x", count: 64) + ".org", nil),
    ("a@b c", nil),
    ("ü@b", nil),
]

@Suite("SMTPPath and SMTPHost")
struct SMTPPathTests {
    @Test(arguments: addresses)
    func parsesAddress(input: String, expected: String?) {
        #expect(SMTPPath(address: input)?.address == expected, "input: \(input)")
    }

    @Test func utf8OnlyWhenAllowed() {
        #expect(SMTPPath(address: "ü@b") == nil)
        #expect(SMTPPath(address: "ü@b", allowsUTF8: true)?.isInternationalized == true)
    }

    /// A quote followed by a combining mark is one Swift Character, unlike `"`: the local part is
    /// quoted scalar by scalar, so it reads back as itself instead of ending the quoted string.
    @Test func aQuoteWithACombiningMarkIsEscaped() throws {
        let mark = "\u{301}"
        let path = try #require(SMTPPath(address: "\"a\\\"" + mark + "b\"@x.test", allowsUTF8: true))
        let written = path.address
        #expect(SMTPPath(address: written, allowsUTF8: true)?.localPart == path.localPart)
    }

    @Test func nullAndPostmaster() {
        #expect(SMTPPath.null.isNull)
        #expect(SMTPPath.null.description == "<>")
        let postmaster = SMTPPath(localPart: "Postmaster", domain: nil, raw: "Postmaster")
        #expect(postmaster.isPostmaster && !postmaster.isNull)
    }

    @Test func hosts() {
        #expect(SMTPHost(parsing: "Example.ORG") == .domain("example.org"))
        #expect(SMTPHost(parsing: "[10.0.0.1]") == .ipv4("10.0.0.1"))
        #expect(SMTPHost(parsing: "[IPv6:FE80::1]")?.description == "[IPv6:fe80::1]")
        #expect(SMTPHost(parsing: "[10.0.0.1]")?.domainName == nil)
        #expect(SMTPHost(parsing: "bücher.de") == nil)
        #expect(SMTPHost(parsing: "bücher.de", allowsUTF8: true) == .domain("bücher.de"))
        #expect(SMTPHost(parsing: "a..b") == nil)
    }
}
