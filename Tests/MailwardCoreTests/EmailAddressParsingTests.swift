import Foundation
@testable import MailwardCore
import Testing

/// `EmailAddress(_:)` reads the usual all-ASCII address on its bytes; these pin what it makes of
/// edge cases and hold it to the plain String definition it replaced.
@Suite struct EmailAddressParsingTests {
    /// Answers of the String-based parser before the byte reading (nil: refused), kept as they were.
    static let pinned: [(String, String?)] = [
        ("Zhang.San@Example.EDU.cn", "zhang.san@example.edu.cn"),
        ("o\'brien+tag@mail.example.com", "o\'brien+tag@mail.example.com"),
        ("x@localhost", "x@localhost"),
        ("a@b.", "a@b"),
        ("a@b..", nil),
        ("a@.", nil),
        ("a@", nil),
        ("@b", nil),
        ("a@b@c.d", nil),
        ("a..b@c.d", nil),
        (".a@c.d", nil),
        ("a.@c.d", nil),
        ("a@-b.c", nil),
        ("a@b-.c", nil),
        ("a@b.-c", nil),
        ("a@b.c-", nil),
        ("a@b--c.d", "a@b--c.d"),
        ("a@xn--0zwm56d.cn", "a@测试.cn"),
        ("a@XN--0ZWM56D.CN", "a@测试.cn"),
        ("a@foo.xn--fiqs8s", "a@foo.中国"),
        ("a@axn--b.c", "a@axn--b.c"),
        ("a@xn-.c", nil),
        ("a@x.n--c", "a@x.n--c"),
        ("A!#$%&\'*+-/=?^_`{|}~.z@demo.test", "a!#$%&\'*+-/=?^_`{|}~.z@demo.test"),
        ("a b@c.d", nil),
        ("<a@c.d>", "a@c.d"),
        (" a@c.d", "a@c.d"),
        ("a@c.d ", "a@c.d"),
        ("a\0@c.d", nil),
        ("a@c_d.e", nil),
        ("张三@例子.中国", "张三@例子.中国"),
        ("a@例子.中国", "a@例子.中国"),
        ("é@demo.test", "é@demo.test"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@d.e", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@d.e"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@d.e", nil),
        ("a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.c", "a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.c"),
        ("a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.c", nil),
        ("a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
        ("a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbx", "a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbx"),
        ("postmaster@DEMO.test.", "postmaster@demo.test"),
        ("1@2.3", "1@2.3")
    ]

    @Test func edgeCasesKeepTheirAnswers() {
        for (raw, expected) in Self.pinned {
            #expect((try? EmailAddress(raw))?.description == expected, "\(raw.debugDescription)")
        }
    }

    /// Addresses put together from pieces that are mostly valid, with a junk character now and
    /// then, against ``reference(_:)``.
    @Test func randomAddressesAgreeWithTheStringDefinition() {
        var generator = SystemRandomNumberGenerator()
        let localPieces = ["a", "Z", "0", ".", "-", "+", "'", "_", "Ab.c", " "]
        let domainPieces = ["a", "B", "9", ".", "-", "xn--", "X", "N", "n", "_"]
        let junk = Array("@ <>\u{7F}\u{0}(\"\t".unicodeScalars)
        func pieces(_ from: [String]) -> String {
            (0..<Int.random(in: 0...5, using: &generator)).map { _ in from.randomElement(using: &generator)! }.joined()
        }
        var valid = 0
        for _ in 0..<20_000 {
            var text = Array((pieces(localPieces) + "@" + pieces(domainPieces)).unicodeScalars)
            if Int.random(in: 0..<10, using: &generator) == 0 {
                text.insert(junk.randomElement(using: &generator)!, at: Int.random(in: 0...text.count, using: &generator))
            }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: text)
            let raw = String(scalars)
            guard let expected = Self.reference(raw) else { continue }  // an A-label: the IDNA path, unchanged
            let parsed = (try? EmailAddress(raw))?.description
            #expect(parsed == expected, "\(raw.debugDescription)")
            if parsed != nil { valid += 1 }
        }
        #expect(valid > 2_000, "only \(valid) of 20 000 generated addresses were valid")
    }

    /// The definition for ASCII text, String by String: blanks and angle brackets dropped, split
    /// at the last `@`, both parts lower-cased; a dot-atom local part of at most 64 octets; a
    /// domain (one trailing dot dropped) of letter-digit-hyphen labels of 1 to 63, at most 253 in
    /// all. The outer nil: a domain with an A-label (decoded by the IDNA path, not defined here);
    /// the inner one: refused.
    static func reference(_ raw: String) -> String?? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        guard let at = text.lastIndex(of: "@") else { return .some(nil) }
        let local = text[..<at].lowercased()
        var domain = text[text.index(after: at)...].trimmingCharacters(in: .whitespaces).lowercased()
        if domain.contains("xn--") { return nil }
        if domain.hasSuffix(".") { domain.removeLast() }
        let atext = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~.")
        let localOK = !local.isEmpty && local.utf8.count <= 64 && !local.hasPrefix(".") && !local.hasSuffix(".")
            && !local.contains("..") && local.allSatisfy { atext.contains($0) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let ldh = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        let domainOK = !domain.isEmpty && domain.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-") && label.allSatisfy { ldh.contains($0) }
        }
        return .some(localOK && domainOK ? "\(local)@\(domain)" : nil)
    }
}
