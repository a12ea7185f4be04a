@testable import MailwardCore
import Testing

/// One canonical form per domain: an IDNA A-label (`xn--…`) and its Unicode spelling are the
/// same domain, written in Unicode (lower case, NFC); ASCII names stay as they were.
@Suite struct DomainNameTests {
    @Test(arguments: [
        ("xn--0zwm56d.cn", "测试.cn"),
        ("XN--0ZWM56D.CN", "测试.cn"),
        ("测试.cn", "测试.cn"),
        ("测试.CN.", "测试.cn"),
        ("mail.xn--fiqs8s", "mail.中国"),
        ("xn--bcher-kva.example", "bücher.example"),
        ("Bu\u{0308}cher.example", "bücher.example"),        // NFD in, NFC out
        ("BÜCHER.example", "bücher.example"),
        ("xn--hxajbheg2az3al.xn--jxalpdlp", "παράδειγμα.δοκιμή"),
        ("example.com", "example.com"),
        ("Sub-Domain.Example.COM", "sub-domain.example.com"),
        ("ab--cd.example", "ab--cd.example"),                // not an A-label: ASCII as it is
    ])
    func normalizes(_ input: String, _ expected: String) throws {
        let normalized = try DomainName.normalize(input)
        #expect(Array(normalized.utf8) == Array(expected.precomposedStringWithCanonicalMapping.utf8))
    }

    @Test(arguments: [
        "xn--.cn",              // empty Punycode
        "xn--abc-.cn",          // decodes to plain ASCII: not an A-label
        "xn--0zwm56d-.cn",      // the same: "0zwm56d" as basic code points
        "xn--zzzzzzzzzzzz.cn",  // invalid Punycode (beyond Unicode)
        "xn--0zwm56d_.cn",      // "_" is no Punycode digit
        "xn--a-93t.cn",         // valid Punycode, of "a" + U+3002 (a full stop): not a label character
    ])
    func refusesInvalidALabels(_ input: String) {
        #expect(throws: MailwardError.self) { try DomainName.normalize(input) }
    }

    /// The byte scan that picks the fast path agrees with `String.contains`, overlapping starts included.
    @Test(arguments: ["", "x", "xn-", "xn--", "xxn--a", "xn-xn--", "xnxn--", "a.xn-.b", "mail.xn--fiqs8s", "ab--cd", "-xn--"])
    func findsTheACEPrefixAnywhere(_ name: String) {
        #expect(DomainName.containsACEPrefix(name) == name.contains(DomainName.acePrefix))
    }

    @Test func asciiFormIsTheALabelSpelling() throws {
        #expect(try DomainName.ascii("测试.cn") == "xn--0zwm56d.cn")
        #expect(try DomainName.ascii("xn--0zwm56d.CN") == "xn--0zwm56d.cn")
        #expect(try DomainName.ascii("Example.com") == "example.com")
        #expect(try DomainName.ascii("bücher.example") == "xn--bcher-kva.example")
    }

    @Test func labelLengthIsThatOfTheALabel() {
        // 21 CJK characters: 63 octets of UTF-8, but a 67-character A-label.
        #expect(throws: MailwardError.self) { try DomainName.normalize("他们为什么不说中文测试例子邮件服务器国际化.cn") }
        // 22 repeated ones: 66 octets of UTF-8, a 28-character A-label.
        #expect((try? DomainName.normalize(String(repeating: "测", count: 22) + ".cn")) != nil)
    }

    @Test func bothSpellingsAreOneAddress() throws {
        let unicode = try EmailAddress("User@测试.cn")
        let ascii = try EmailAddress("user@xn--0zwm56d.cn")
        #expect(unicode == ascii)
        #expect(ascii.description == "user@测试.cn")
        #expect(Array(ascii.domain.utf8) == Array("测试.cn".utf8))
        #expect(throws: MailwardError.self) { try EmailAddress("user@xn--zzzzzzzzzzzz.cn") }
    }
}
