@testable import MailwardCore
import Testing

/// ``EmailAddress/parsedASCII(_:)`` must agree with the general path wherever it answers, and
/// answer for the addresses the doors see every message.
@Suite struct EmailAddressFastPathTests {
    static let edges = [
        "Zhang.San@Example.EDU.cn", "o'brien+tag@mail.example.com", "x@localhost", "a@b.", "a@b..", "a@.",
        "a@", "@b", "a@b@c.d", "a..b@c.d", ".a@c.d", "a.@c.d", "a@-b.c", "a@b-.c", "a@b.-c", "a@b.c-", "a@b--c.d",
        "a@xn--0zwm56d.cn", "a@XN--0ZWM56D.CN", "a@foo.xn--fiqs8s", "a@axn--b.c", "a@xn-.c", "a@x.n--c",
        "A!#$%&'*+-/=?^_`{|}~.z@demo.test", "a b@c.d", "<a@c.d>", " a@c.d", "a@c.d ", "a\u{0}@c.d", "a@c_d.e",
        "张三@例子.中国", "a@例子.中国", "é@demo.test", String(repeating: "a", count: 64) + "@d.e",
        String(repeating: "a", count: 65) + "@d.e", "a@" + String(repeating: "b", count: 63) + ".c",
        "a@" + String(repeating: "b", count: 64) + ".c",
        "a@" + Array(repeating: String(repeating: "b", count: 62), count: 4).joined(separator: "."),
        "a@" + Array(repeating: String(repeating: "b", count: 62), count: 4).joined(separator: ".") + "x",
        "postmaster@DEMO.test.", "1@2.3",
    ]

    @Test(arguments: edges)
    func agreesWithTheGeneralPath(_ raw: String) {
        check(raw)
    }

    /// Addresses put together from pieces that are mostly valid, with a junk character now and then.
    @Test func agreesOnRandomAddresses() {
        var generator = SystemRandomNumberGenerator()
        let localPieces = ["a", "Z", "0", ".", "-", "+", "'", "_", "Ab.c"]
        let domainPieces = ["a", "B", "9", ".", "-", "xn--", "X", "N", "n"]
        let junk = Array("@ <>\u{7F}\u{0}é(\"".unicodeScalars)
        func pieces(_ from: [String]) -> String {
            (0..<Int.random(in: 0...5, using: &generator)).map { _ in from.randomElement(using: &generator)! }.joined()
        }
        var answered = 0
        for _ in 0..<20_000 {
            var text = Array((pieces(localPieces) + "@" + pieces(domainPieces)).unicodeScalars)
            if Int.random(in: 0..<10, using: &generator) == 0 {
                text.insert(junk.randomElement(using: &generator)!, at: Int.random(in: 0...text.count, using: &generator))
            }
            var string = String.UnicodeScalarView()
            string.append(contentsOf: text)
            if check(String(string)) { answered += 1 }
        }
        #expect(answered > 2_000, "the fast path answered only \(answered) of 20 000")
    }

    @Test(arguments: ["bob@demo.test", "Zhang.San@Example.EDU.cn", "o'brien+tag@mail.example.com", "postmaster@demo.test."])
    func takesTheCommonAddresses(_ raw: String) {
        #expect(EmailAddress.parsedASCII(raw) != nil)
    }

    /// Whether the fast path answered.
    @discardableResult
    private func check(_ raw: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let fast = EmailAddress.parsedASCII(raw) else { return false }
        let general = try? EmailAddress(parsing: raw)
        #expect(general == fast, "\(raw.debugDescription)", sourceLocation: sourceLocation)
        #expect(general.map { $0.localPart == fast.localPart && $0.domain == fast.domain } == true,
                sourceLocation: sourceLocation)
        return true
    }
}
