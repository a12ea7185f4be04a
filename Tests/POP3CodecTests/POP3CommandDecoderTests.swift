import NIOCore
import POP3Codec
import Testing

/// (line without CRLF, expected command)
private let validCommands: [(String, POP3Command)] = [
    ("USER bob", .user("bob")),
    ("user bob@example.org", .user("bob@example.org")),
    ("USER  bob  ", .user("bob")),
    ("PASS secret", .pass("secret")),
    ("PASS pass word with  spaces ", .pass("pass word with  spaces ")),
    ("pass  leading", .pass(" leading")),
    ("APOP mrose c4c9334bac560ecc979e58001b3e22fb", .apop(name: "mrose", digest: "c4c9334bac560ecc979e58001b3e22fb")),
    ("APOP mrose C4C9334BAC560ECC979E58001B3E22FB", .apop(name: "mrose", digest: "c4c9334bac560ecc979e58001b3e22fb")),
    ("STAT", .stat),
    ("LIST", .list(nil)),
    ("LIST 2", .list(2)),
    ("list 007", .list(7)),
    ("RETR 1", .retr(1)),
    ("DELE 999999999999999999", .dele(999_999_999_999_999_999)),
    ("NOOP", .noop),
    ("RSET", .rset),
    ("QUIT", .quit),
    ("QUIT ", .quit),
    ("TOP 1 0", .top(1, lines: 0)),
    ("TOP 3 10", .top(3, lines: 10)),
    ("UIDL", .uidl(nil)),
    ("UIDL 5", .uidl(5)),
    ("CAPA", .capa),
    ("STLS", .stls),
    ("UTF8", .utf8),
    ("AUTH", .auth(mechanism: nil, initialResponse: nil)),
    ("AUTH plain", .auth(mechanism: "PLAIN", initialResponse: nil)),
    ("AUTH PLAIN AGJvYgBzZWNyZXQ=", .auth(mechanism: "PLAIN", initialResponse: "AGJvYgBzZWNyZXQ=")),
    ("AUTH PLAIN =", .auth(mechanism: "PLAIN", initialResponse: "=")),
]

/// (line without CRLF, expected error kind)
private let invalidCommands: [(String, POP3DecodeError.Kind)] = [
    ("", .unknownCommand),
    ("HELO", .unknownCommand),
    ("RETR1", .unknownCommand),
    ("US-ER bob", .unknownCommand),
    ("USER", .invalidArguments),
    ("USER ", .invalidArguments),
    ("PASS", .invalidArguments),
    ("PASS ", .invalidArguments),
    ("PASS a\u{0}b", .invalidArguments),
    ("APOP mrose", .invalidArguments),
    ("APOP mrose c4c9", .invalidArguments),
    ("APOP mrose zzc9334bac560ecc979e58001b3e22fb", .invalidArguments),
    ("STAT 1", .invalidArguments),
    ("LIST 0", .invalidArguments),
    ("LIST -1", .invalidArguments),
    ("LIST +1", .invalidArguments),
    ("LIST 1 2", .invalidArguments),
    ("LIST x", .invalidArguments),
    ("RETR", .invalidArguments),
    ("RETR 0", .invalidArguments),
    ("RETR 9999999999999999999", .invalidArguments),
    ("RETR 1.5", .invalidArguments),
    ("RETR １", .invalidArguments),
    ("DELE", .invalidArguments),
    ("TOP 1", .invalidArguments),
    ("TOP 1 -1", .invalidArguments),
    ("TOP 0 1", .invalidArguments),
    ("UIDL 1 2", .invalidArguments),
    ("AUTH PLAIN abc def", .invalidArguments),
    ("AUTH PL@IN", .invalidArguments),
    ("AUTH PLAIN ab!c", .invalidArguments),
    ("NOOP\u{1}", .unknownCommand),
    ("NOOP x\u{1}", .invalidArguments),
]

@Suite("POP3CommandDecoder")
struct POP3CommandDecoderTests {
    @Test(arguments: validCommands)
    func parsesValidCommand(line: String, expected: POP3Command) {
        for pieces in deliveries(of: (line + "\r\n").bytes) {
            #expect(decodeCommands(pieces) == [.value(expected)], "line: \(line)")
        }
    }

    @Test(arguments: invalidCommands)
    func rejectsInvalidCommand(line: String, kind: POP3DecodeError.Kind) {
        let results = decodeCommands([(line + "\r\n").bytes])
        guard results.count == 1, case .error(let error) = results[0] else {
            Issue.record("expected one error for \(line.debugDescription), got \(results)")
            return
        }
        #expect(error.kind == kind, "line: \(line.debugDescription)")
        #expect(error.response.status == .err)
    }

    @Test func pipelinedCommands() {
        let input = "USER bob\r\nPASS a b\r\nSTAT\r\nBOGUS\r\nLIST\r\nQUIT\r\n".bytes
        let expected: [POP3DecodeResult<POP3Command>] = [
            .value(.user("bob")), .value(.pass("a b")), .value(.stat),
            .error(POP3DecodeError(.unknownCommand, "unknown command")), .value(.list(nil)), .value(.quit),
        ]
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces) == expected)
        }
    }

    @Test func lineLengthIsBounded() {
        let long = "USER " + String(repeating: "x", count: 300)
        let input = (long + "\r\nQUIT\r\n").bytes
        let expected: [POP3DecodeResult<POP3Command>] = [.error(POP3DecodeError(.lineTooLong, "line too long")), .value(.quit)]
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces, configuration: .init(maximumLineLength: 255, maximumAuthenticationLineLength: 255)) == expected)
        }
        #expect(decodeCommands([input]) == expected)
        // Exactly 255 octets including CRLF fits.
        let fits = "USER " + String(repeating: "y", count: 248)
        #expect(decodeCommands([(fits + "\r\n").bytes]) == [.value(.user(String(repeating: "y", count: 248)))])
    }

    @Test func authMayBeLonger() {
        let token = String(repeating: "QUFB", count: 300)
        #expect(decodeCommands(["AUTH XOAUTH2 \(token)\r\n".bytes]) == [.value(.auth(mechanism: "XOAUTH2", initialResponse: token))])
    }

    @Test func bareLineFeedPolicy() {
        #expect(decodeCommands(["STAT\nQUIT\r\n".bytes]) == [.value(.stat), .value(.quit)])
        let strict = POP3CommandDecoder.Configuration(acceptsBareLineFeed: false)
        #expect(decodeCommands(["STAT\nQUIT\r\n".bytes], configuration: strict) == [
            .error(POP3DecodeError(.bareLineFeed, "bare LF")), .value(.quit),
        ])
    }

    @Test func authenticationLines() {
        var decoder = POP3CommandDecoder()
        var buffer = ByteBuffer(string: "AGJvYgBzZWNyZXQ=\r\n*\r\n=\r\nno way\r\n")
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("AGJvYgBzZWNyZXQ="))
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("*"))
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("="))
        #expect(decoder.nextAuthenticationLine(&buffer) == .error(POP3DecodeError(.invalidArguments, "bad SASL response")))
        #expect(decoder.nextAuthenticationLine(&buffer) == .needMoreData)
    }

    @Test func hostileInputNeverCrashes() {
        var state: UInt32 = 42
        for _ in 0..<3000 {
            var line: [UInt8] = []
            for _ in 0..<Int(state % 30) {
                state = state &* 1_103_515_245 &+ 12345
                let byte = UInt8(truncatingIfNeeded: state >> 16)
                line.append(state % 3 == 0 ? byte : Array("USERPASLITOP 0123456789".utf8)[Int(byte) % 23])
            }
            _ = POP3CommandDecoder.parse(line: line)
        }
    }
}

@Suite("POP3 descriptions redact secrets")
struct POP3DescriptionTests {
    @Test func redacts() {
        #expect(POP3Command.pass("hunter2").description == "PASS <redacted>")
        #expect(!String(describing: POP3DecodeResult<POP3Command>.value(.pass("hunter2"))).contains("hunter2"))
        #expect(POP3Command.auth(mechanism: "PLAIN", initialResponse: "AGJvYgBzZWNyZXQ=").description == "AUTH PLAIN <redacted>")
        #expect(POP3Command.top(1, lines: 5).description == "TOP 1 5")
    }
}

@Suite("POP3 bounded buffering")
struct POP3BoundedBufferingTests {
    @Test func decoderNeverHoldsMoreThanOneLine() {
        var state: UInt64 = 11
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var decoder = POP3CommandDecoder(configuration: .init(maximumLineLength: 64, maximumAuthenticationLineLength: 100))
        var buffer = ByteBuffer()
        for _ in 0..<3000 {
            let piece = (0..<random(200)).map { _ in random(40) == 0 ? UInt8(ascii: "\n") : UInt8(truncatingIfNeeded: random(256)) }
            buffer.writeBytes(piece)
            var steps = 0
            while decoder.next(&buffer) != .needMoreData { steps += 1 }
            #expect(steps < 1000)
            #expect(buffer.readableBytes < 100)
        }
    }
}
