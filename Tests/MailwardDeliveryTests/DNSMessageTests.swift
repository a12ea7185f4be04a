import Testing
@testable import MailwardDelivery

@Suite struct DNSMessageTests {
    /// A response header: id, flags, counts.
    static func header(id: UInt16 = 0x1234, flags: UInt16 = 0x8180, qd: UInt16 = 1, an: UInt16) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, UInt8(qd), 0, UInt8(an), 0, 0, 0, 0]
    }

    static let exampleQuestion: [UInt8] = [7] + Array("example".utf8) + [3] + Array("org".utf8) + [0, 0, 15, 0, 1]

    @Test func queryEncodingMatchesRFC1035Layout() throws {
        let bytes = try DNSQueryEncoder.encode(id: 0xBEEF, name: "Example.ORG.", type: .mx)
        #expect(bytes == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + [7] + Array("Example".utf8) + [3] + Array("ORG".utf8)
            + [0, 0, 15, 0, 1])
    }

    @Test(arguments: ["", ".", "a..b", String(repeating: "a", count: 64) + ".org", "sp ace.org",
                      String(repeating: "abcdefghi.", count: 26) + "org"])
    func queryRefusesBadNames(_ name: String) {
        #expect(throws: DNSMessageError.self) { try DNSQueryEncoder.encode(id: 1, name: name, type: .a) }
    }

    @Test func decodesCompressedMXAnswers() throws {
        // Two MX records whose exchanges point back into the question name (offset 12).
        var bytes = Self.header(an: 2) + Self.exampleQuestion
        for (preference, label) in [(20, "mx2"), (10, "mx1")] {
            let rdata: [UInt8] = [0, UInt8(preference), 3] + Array(label.utf8) + [0xC0, 12]
            bytes += [0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(rdata.count)] + rdata
        }
        let response = try DNSMessageParser.parse(bytes)
        #expect(response.id == 0x1234 && response.isResponse && !response.isTruncated && response.responseCode == 0)
        #expect(response.questionName == "example.org" && response.questionType == 15)
        #expect(response.answers.map(\.data) == [.mx(preference: 20, exchange: "mx2.example.org"),
                                                 .mx(preference: 10, exchange: "mx1.example.org")])
        #expect(response.answers[0].ttl == 3600 && response.answers[0].name == "example.org")
    }

    @Test func decodesAddressesAndTXT() throws {
        var bytes = Self.header(an: 3) + Self.exampleQuestion
        bytes += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]
        bytes += [0xC0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
        bytes += [0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 9, 3] + Array("v=s".utf8) + [4] + Array("pf1 ".utf8)
        let response = try DNSMessageParser.parse(bytes)
        #expect(response.answers.map(\.data) == [.a("192.0.2.7"), .aaaa("2001:db8:0:0:0:0:0:1"),
                                                 .txt([Array("v=s".utf8), Array("pf1 ".utf8)])])
    }

    @Test func truncationAndErrorCodesAreReported() throws {
        let truncated = try DNSMessageParser.parse(Self.header(flags: 0x8380, an: 0) + Self.exampleQuestion)
        #expect(truncated.isTruncated)
        let nxdomain = try DNSMessageParser.parse(Self.header(flags: 0x8183, an: 0) + Self.exampleQuestion)
        #expect(nxdomain.responseCode == 3 && nxdomain.answers.isEmpty)
    }

    @Test func nullMXIsTheRoot() throws {
        var bytes = Self.header(an: 1) + Self.exampleQuestion
        bytes += [0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 3, 0, 0, 0]
        #expect(try DNSMessageParser.parse(bytes).answers.map(\.data) == [.mx(preference: 0, exchange: "")])
    }

    @Test func compressionLoopsAreRefused() {
        // A pointer to itself, a pair of pointers pointing at each other, and a forward pointer.
        let selfLoop = Self.header(an: 0) + [0xC0, 12, 0, 15, 0, 1]
        let pair = Self.header(an: 0) + [1, UInt8(ascii: "a"), 0xC0, 14] + [0, 15, 0, 1]
        let twoStep = Self.header(an: 0) + [1, UInt8(ascii: "a"), 0xC0, 16, 1, UInt8(ascii: "b"), 0xC0, 12, 0, 15, 0, 1]
        for bytes in [selfLoop, pair, twoStep] {
            #expect(throws: DNSMessageError.self) { try DNSMessageParser.parse(bytes) }
        }
        // A loop built from labels that were already read once (pointer "backwards" from its own
        // position but into the same run): 12: "a" 14: ptr→12.
        let rerun = Self.header(an: 0) + [1, UInt8(ascii: "a"), 1, UInt8(ascii: "b"), 0xC0, 14, 0, 15, 0, 1]
        #expect(throws: DNSMessageError.self) { try DNSMessageParser.parse(rerun) }
    }

    @Test func malformedInputsThrowInsteadOfCrashing() {
        var overlongRecord = Self.header(an: 1) + Self.exampleQuestion
        overlongRecord += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 200, 1, 2, 3, 4]
        var shortA = Self.header(an: 1) + Self.exampleQuestion
        shortA += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 1, 2, 3]
        var longName = Self.header(an: 0)
        for _ in 0..<5 { longName += [63] + Array(repeating: UInt8(ascii: "x"), count: 63) }
        longName += [0, 0, 1, 0, 1]
        let cases: [[UInt8]] = [
            [], [0x12], Self.header(an: 0), Self.header(an: 1) + Self.exampleQuestion,
            overlongRecord, shortA, longName,
            Self.header(an: 0) + [0x80, 0, 0, 1, 0, 1],  // reserved label type
            Self.header(an: 0) + [5, 1, 2],  // label past the end
        ]
        for bytes in cases {
            #expect(throws: DNSMessageError.self) { try DNSMessageParser.parse(bytes) }
        }
    }

    @Test func randomInputNeverCrashesOrHangs() {
        var generator = SystemRandomNumberGenerator()
        let seed = Self.header(an: 2) + Self.exampleQuestion + [0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 5, 0, 1, 0xC0, 12, 0]
        for _ in 0..<5000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? DNSMessageParser.parse(bytes)
        }
    }

    @Test func resolvConfParsing() {
        let conf = ResolvConf.parse("""
            # comment
            search example.org
            nameserver 10.0.0.1
            nameserver fe80::1%eth0 ; zone
            nameserver 10.0.0.3
            nameserver 10.0.0.4
            options timeout:2 attempts:3 rotate
            """)
        #expect(conf.nameservers == ["10.0.0.1", "fe80::1", "10.0.0.3"])
        #expect(conf.timeout == 2 && conf.attempts == 3)
        #expect(ResolvConf.parse("").nameservers == ["127.0.0.1"])
    }
}
