import NIOCore
import SMTPCodec
import Testing

private func path(_ local: String, _ domain: String, raw: String? = nil) -> SMTPPath {
    SMTPPath(localPart: local, domain: .domain(domain), raw: raw ?? "\(local)@\(domain)")
}

/// (line without CRLF, expected command)
private let validCommands: [(String, SMTPCommand)] = [
    ("EHLO mail.example.org", .ehlo(.domain("mail.example.org"))),
    ("ehlo Mail.Example.ORG", .ehlo(.domain("mail.example.org"))),
    ("EHLO [192.0.2.1]", .ehlo(.ipv4("192.0.2.1"))),
    ("EHLO [IPv6:2001:db8::1]", .ehlo(.ipv6("2001:db8::1"))),
    ("EHLO my_pc", .ehlo(.domain("my_pc"))),
    ("HELO localhost", .helo(.domain("localhost"))),
    ("MAIL FROM:<alice@example.org>", .mail(reversePath: path("alice", "example.org"), parameters: .init())),
    ("mail from:<Alice@Example.ORG>", .mail(reversePath: path("Alice", "example.org", raw: "Alice@Example.ORG"), parameters: .init())),
    ("MAIL FROM: <alice@example.org>", .mail(reversePath: path("alice", "example.org"), parameters: .init())),
    ("MAIL FROM:<>", .mail(reversePath: .null, parameters: .init())),
    ("MAIL FROM:<> SIZE=0", .mail(reversePath: .null, parameters: .init(size: 0))),
    (
        "MAIL FROM:<a@b.c> SIZE=12345 BODY=8bitmime",
        .mail(reversePath: path("a", "b.c"), parameters: .init(size: 12345, body: .eightBitMIME))
    ),
    (
        "MAIL FROM:<a@b.c> BODY=BINARYMIME AUTH=<> RET=hdrs ENVID=QQ314159",
        .mail(reversePath: path("a", "b.c"), parameters: .init(body: .binaryMIME, auth: "<>", ret: "HDRS", envelopeID: "QQ314159"))
    ),
    (
        "MAIL FROM:<a@b.c> SIZE=99999999999999999999",
        .mail(reversePath: path("a", "b.c"), parameters: .init(size: Int.max))
    ),
    (
        "MAIL FROM:<a@b.c> XFOO=bar XBAZ",
        .mail(reversePath: path("a", "b.c"), parameters: .init(unrecognized: [.init(keyword: "XFOO", value: "bar"), .init(keyword: "XBAZ")]))
    ),
    (
        "MAIL FROM:<@relay1.example,@relay2.example:joe@example.org>",
        .mail(reversePath: path("joe", "example.org", raw: "@relay1.example,@relay2.example:joe@example.org"), parameters: .init())
    ),
    (
        "MAIL FROM:<\"john doe\"@example.org>",
        .mail(reversePath: SMTPPath(localPart: "john doe", domain: .domain("example.org"), raw: "\"john doe\"@example.org"), parameters: .init())
    ),
    ("MAIL FROM:<a@b.c>   ", .mail(reversePath: path("a", "b.c"), parameters: .init())),
    ("RCPT TO:<bob@example.org>", .rcpt(forwardPath: path("bob", "example.org"), parameters: .init())),
    ("RCPT TO:<postmaster>", .rcpt(forwardPath: SMTPPath(localPart: "postmaster", domain: nil, raw: "postmaster"), parameters: .init())),
    ("RCPT TO:<PostMaster>", .rcpt(forwardPath: SMTPPath(localPart: "PostMaster", domain: nil, raw: "PostMaster"), parameters: .init())),
    ("RCPT TO:<user@[192.0.2.7]>", .rcpt(forwardPath: SMTPPath(localPart: "user", domain: .ipv4("192.0.2.7"), raw: "user@[192.0.2.7]"), parameters: .init())),
    (
        "RCPT TO:<bob@example.org> NOTIFY=success,failure ORCPT=rfc822;bob@example.org",
        .rcpt(forwardPath: path("bob", "example.org"), parameters: .init(notify: "SUCCESS,FAILURE", originalRecipient: "rfc822;bob@example.org"))
    ),
    (
        "RCPT TO:<bob@example.org> NOTIFY=NEVER ORCPT=rfc822;Bob+2BBox@Example.ORG",
        .rcpt(forwardPath: path("bob", "example.org"), parameters: .init(notify: "NEVER", originalRecipient: "rfc822;Bob+2BBox@Example.ORG"))
    ),
    (
        "RCPT TO:<bob@example.org> NOTIFY=DELAY",
        .rcpt(forwardPath: path("bob", "example.org"), parameters: .init(notify: "DELAY"))
    ),
    ("DATA", .data),
    ("data", .data),
    ("RSET", .rset),
    ("NOOP", .noop),
    ("NOOP anything at all", .noop),
    ("QUIT", .quit),
    ("VRFY bob", .vrfy("bob")),
    ("EXPN staff", .expn("staff")),
    ("HELP", .help(nil)),
    ("HELP MAIL", .help("MAIL")),
    ("STARTTLS", .startTLS),
    ("AUTH PLAIN", .auth(mechanism: "PLAIN", initialResponse: nil)),
    ("auth plain AGJvYgBzZWNyZXQ=", .auth(mechanism: "PLAIN", initialResponse: "AGJvYgBzZWNyZXQ=")),
    ("AUTH PLAIN =", .auth(mechanism: "PLAIN", initialResponse: "=")),
    ("AUTH LOGIN", .auth(mechanism: "LOGIN", initialResponse: nil)),
    ("AUTH SCRAM-SHA-256", .auth(mechanism: "SCRAM-SHA-256", initialResponse: nil)),
    ("BDAT 1000", .bdat(size: 1000, last: false)),
    ("BDAT 0 LAST", .bdat(size: 0, last: true)),
    ("bdat 12 last", .bdat(size: 12, last: true)),
]

/// (line without CRLF, expected error kind)
private let invalidCommands: [(String, SMTPDecodeError.Kind)] = [
    ("", .unrecognizedCommand),
    ("FOO", .unrecognizedCommand),
    ("MAIL2 FROM:<a@b>", .unrecognizedCommand),
    ("EHLO", .invalidArguments),
    ("EHLO ", .invalidArguments),
    ("EHLO -bad-", .invalidArguments),
    ("EHLO a b", .invalidArguments),
    ("EHLO [300.1.1.1]", .invalidArguments),
    ("MAIL", .invalidArguments),
    ("MAIL TO:<a@b>", .invalidArguments),
    ("MAIL FROM:a@b.c", .invalidAddress),
    ("MAIL FROM:<a@b.c", .invalidAddress),
    ("MAIL FROM:<a@>", .invalidAddress),
    ("MAIL FROM:<@b.c>", .invalidAddress),
    ("MAIL FROM:<a..b@c.d>", .invalidAddress),
    ("MAIL FROM:<.a@c.d>", .invalidAddress),
    ("MAIL FROM:<a@-c.d>", .invalidAddress),
    ("MAIL FROM:<a@c..d>", .invalidAddress),
    ("MAIL FROM:<a b@c.d>", .invalidAddress),
    ("MAIL FROM:<\"a\u{01}\"@c.d>", .invalidAddress),
    ("MAIL FROM:<postmaster>", .invalidAddress),
    ("MAIL FROM:<a@[1.2.3]>", .invalidAddress),
    ("MAIL FROM:<a@[IPv6:1::2::3]>", .invalidAddress),
    ("MAIL FROM:<a@b.c>x", .invalidArguments),
    ("MAIL FROM:<a@b.c> SIZE=", .invalidArguments),
    ("MAIL FROM:<a@b.c> SIZE=12a", .invalidArguments),
    ("MAIL FROM:<a@b.c> SIZE=-1", .invalidArguments),
    ("MAIL FROM:<a@b.c> BODY=9BIT", .invalidArguments),
    ("MAIL FROM:<a@b.c> SMTPUTF8=yes", .invalidArguments),
    ("MAIL FROM:<a@b.c> RET=ALL", .invalidArguments),
    // DSN (RFC 3461): ENVID is xtext of at most 100 characters; NOTIFY is NEVER alone or a
    // list of SUCCESS, FAILURE and DELAY; ORCPT is addr-type ";" xtext.
    ("MAIL FROM:<a@b.c> ENVID=a+2", .invalidArguments),
    ("MAIL FROM:<a@b.c> ENVID=a+zz", .invalidArguments),
    ("MAIL FROM:<a@b.c> ENVID=\(String(repeating: "x", count: 101))", .invalidArguments),
    ("RCPT TO:<b@c.d> NOTIFY=NEVER,SUCCESS", .invalidArguments),
    ("RCPT TO:<b@c.d> NOTIFY=SOMETIMES", .invalidArguments),
    ("RCPT TO:<b@c.d> NOTIFY=SUCCESS,", .invalidArguments),
    ("RCPT TO:<b@c.d> NOTIFY", .invalidArguments),
    ("RCPT TO:<b@c.d> ORCPT=b@c.d", .invalidArguments),
    ("RCPT TO:<b@c.d> ORCPT=;b@c.d", .invalidArguments),
    ("RCPT TO:<b@c.d> ORCPT=rfc822;b+3@c.d", .invalidArguments),
    ("MAIL FROM:<a@b.c> SIZE=1 SIZE=2", .invalidArguments),
    ("MAIL FROM:<a@b.c> -X", .invalidArguments),
    ("MAIL FROM:<a@b.c> X=a=b", .invalidArguments),
    ("MAIL FROM:<jörg@example.org>", .utf8NotPermitted),
    ("RCPT TO:<>", .invalidAddress),
    ("RCPT TO:<jörg@example.org>", .utf8NotPermitted),
    ("RCPT TO:bob@example.org", .invalidAddress),
    ("DATA now", .invalidArguments),
    ("QUIT please", .invalidArguments),
    ("VRFY", .invalidArguments),
    ("VRFY a\u{7F}b", .invalidArguments),
    ("AUTH", .invalidArguments),
    ("AUTH PLAIN abc def", .invalidBase64),
    ("AUTH THIS-MECHANISM-NAME-IS-TOO-LONG", .invalidArguments),
    ("BDAT", .invalidChunkCommand),
    ("BDAT x", .invalidChunkCommand),
    ("BDAT 10 FIRST", .invalidChunkCommand),
    ("BDAT 99999999999999999999", .sizeTooLarge),
]

@Suite("SMTPCommandDecoder")
struct SMTPCommandDecoderTests {
    @Test(arguments: validCommands)
    func parsesValidCommand(line: String, expected: SMTPCommand) {
        let input = (line + "\r\n").bytes
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces) == [.value(expected)], "line: \(line)")
        }
    }

    @Test(arguments: invalidCommands)
    func rejectsInvalidCommand(line: String, kind: SMTPDecodeError.Kind) {
        let results = decodeCommands([(line + "\r\n").bytes])
        guard results.count == 1, case .error(let error) = results[0] else {
            Issue.record("expected one error for \(line), got \(results)")
            return
        }
        #expect(error.kind == kind, "line: \(line)")
    }

    @Test func errorsCarryTheRightReplies() {
        func reply(_ line: String) -> String {
            guard case .error(let error) = decodeCommands([(line + "\r\n").bytes]).first else { return "" }
            return "\(error.reply.code) \(error.reply.enhancedStatusCode?.description ?? "")"
        }
        #expect(reply("FOO") == "500 5.5.2")
        #expect(reply("MAIL FROM:<a@b> SIZE=x") == "501 5.5.4")
        #expect(reply("MAIL FROM:<a@@b>") == "553 5.1.3")
        #expect(reply("RCPT TO:<ü@b>") == "553 5.6.7")
        #expect(reply(String(repeating: "x", count: 600)) == "500 5.5.2")
        #expect(reply("AUTH PLAIN a*b") == "501 5.5.2")
    }

    @Test func utf8AddressesNeedSMTPUTF8() {
        let on = SMTPCommandDecoder.Configuration(allowsUTF8Addresses: true)
        let mail = decodeCommands(["MAIL FROM:<jörg@bücher.example> SMTPUTF8\r\n".bytes], configuration: on)
        guard case .value(.mail(let reversePath, let parameters)) = mail.first else {
            Issue.record("expected MAIL, got \(mail)")
            return
        }
        #expect(reversePath.localPart == "jörg")
        #expect(reversePath.domain == .domain("bücher.example"))
        #expect(reversePath.isInternationalized)
        #expect(parameters.smtpUTF8)
        // Server offers SMTPUTF8 but the client did not ask for it on MAIL.
        let withoutParameter = decodeCommands(["MAIL FROM:<jörg@example.org>\r\n".bytes], configuration: on)
        guard case .error(let error) = withoutParameter.first else {
            Issue.record("expected an error")
            return
        }
        #expect(error.kind == .utf8NotPermitted)
        // RCPT: accepted when offered, flagged on the path for the server to check.
        let rcpt = decodeCommands(["RCPT TO:<用户@例子.中国>\r\n".bytes], configuration: on)
        guard case .value(.rcpt(let forwardPath, _)) = rcpt.first else {
            Issue.record("expected RCPT, got \(rcpt)")
            return
        }
        #expect(forwardPath.isInternationalized)
        #expect(forwardPath.address == "用户@例子.中国")
        // Invalid UTF-8 is never an address.
        var invalid = "RCPT TO:<a".bytes
        invalid += [0xC3, 0x28]
        invalid += "@b.c>\r\n".bytes
        guard case .error(let invalidError) = decodeCommands([invalid], configuration: on).first else {
            Issue.record("expected an error")
            return
        }
        #expect(invalidError.kind == .invalidAddress)
    }

    @Test func pipelinedCommandsComeOutOneByOne() {
        let input = "EHLO a.example\r\nMAIL FROM:<a@a.example>\r\nRCPT TO:<b@b.example>\r\nBOGUS\r\nDATA\r\n".bytes
        let expected: [SMTPDecodeResult<SMTPCommand>] = [
            .value(.ehlo(.domain("a.example"))),
            .value(.mail(reversePath: path("a", "a.example"), parameters: .init())),
            .value(.rcpt(forwardPath: path("b", "b.example"), parameters: .init())),
            .error(SMTPDecodeError(.unrecognizedCommand, "unrecognized command")),
            .value(.data),
        ]
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces) == expected)
        }
    }

    @Test func overlongLineIsDiscardedAndReportedOnceAtItsEnd() {
        let long = "NOOP " + String(repeating: "x", count: 2000)
        let input = (long + "\r\nQUIT\r\n").bytes
        let expected: [SMTPDecodeResult<SMTPCommand>] = [
            .error(SMTPDecodeError(.lineTooLong, "line too long")), .value(.quit),
        ]
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces, configuration: .init(maximumLineLength: 512, maximumAuthenticationLineLength: 512)) == expected)
        }
        // With the default configuration the framer bound is the AUTH bound, but non-AUTH
        // lines are still held to 512.
        #expect(decodeCommands([input]) == expected)
    }

    @Test func lineLengthBoundIsExact() {
        let config = SMTPCommandDecoder.Configuration(maximumLineLength: 20, maximumAuthenticationLineLength: 20)
        let fits = "NOOP " + String(repeating: "x", count: 13)  // 18 + CRLF = 20
        #expect(decodeCommands([(fits + "\r\n").bytes], configuration: config) == [.value(.noop)])
        let tooLong = fits + "y"
        #expect(decodeCommands([(tooLong + "\r\n").bytes], configuration: config) == [.error(SMTPDecodeError(.lineTooLong, "line too long"))])
    }

    @Test func authMayUseTheLongerBound() {
        let response = String(repeating: "QUFB", count: 500)  // 2000 base64 characters
        let input = "AUTH PLAIN \(response)\r\n".bytes
        #expect(decodeCommands([input]) == [.value(.auth(mechanism: "PLAIN", initialResponse: response))])
    }

    /// MAIL and RCPT may go past 512 by what their parameters add (RFC 1870, 3461, 4954): a
    /// relaying MTA's RCPT with a 500-character ORCPT fits; other commands keep 512.
    @Test func mailAndRecipientLinesMayCarryLongParameters() {
        let original = "rfc822;" + String(repeating: "o", count: 480) + "@example.org"  // 499 characters
        let rcpt = "RCPT TO:<" + String(repeating: "r", count: 64) + "@example.org> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=" + original
        #expect(rcpt.utf8.count + 2 > 512)
        guard case .value(.rcpt(_, let parameters)) = decodeCommands([(rcpt + "\r\n").bytes]).first else {
            Issue.record("a RCPT with a long ORCPT was refused")
            return
        }
        #expect(parameters.originalRecipient?.utf8.count == original.utf8.count)
        let mail = "mail from:<a@example.org> SIZE=1000 RET=HDRS ENVID=" + String(repeating: "e", count: 100)
            + " AUTH=" + String(repeating: "u", count: 480) + "+40example.org"
        #expect(mail.utf8.count + 2 > 512)
        guard case .value(.mail) = decodeCommands([(mail + "\r\n").bytes]).first else {
            Issue.record("a MAIL with long parameters was refused")
            return
        }
        let tooLong = [SMTPDecodeResult<SMTPCommand>.error(SMTPDecodeError(.lineTooLong, "line too long"))]
        #expect(decodeCommands([("NOOP " + String(repeating: "x", count: 600) + "\r\n").bytes]) == tooLong)
        #expect(decodeCommands([("RCPT TO:<a@b.c> ORCPT=rfc822;" + String(repeating: "x", count: 2100) + "\r\n").bytes]) == tooLong)
        // The bound is exact: 2048 with CRLF.
        let prefix = "RCPT TO:<a@b.c> ORCPT=rfc822;"
        let fits = prefix + String(repeating: "x", count: 2046 - prefix.utf8.count)
        #expect(decodeCommands([(fits + "\r\n").bytes]).first != tooLong.first)
        #expect(decodeCommands([(fits + "x\r\n").bytes]) == tooLong)
    }

    @Test func bareLineFeedIsRejectedByDefault() {
        let input = "NOOP\nQUIT\r\n".bytes
        for pieces in deliveries(of: input) {
            #expect(decodeCommands(pieces) == [.error(SMTPDecodeError(.bareLineFeed, "bare LF")), .value(.quit)])
        }
        let lenient = SMTPCommandDecoder.Configuration(acceptsBareLineFeed: true)
        #expect(decodeCommands([input], configuration: lenient) == [.value(.noop), .value(.quit)])
    }

    @Test func bytesAfterDataStayInTheBuffer() {
        var decoder = SMTPCommandDecoder()
        var buffer = ByteBuffer(string: "DATA\r\nSubject: hi\r\n")
        #expect(decoder.next(&buffer) == .value(.data))
        #expect(buffer.string == "Subject: hi\r\n")
    }

    @Test func authenticationLines() {
        var decoder = SMTPCommandDecoder()
        var buffer = ByteBuffer(string: "dXNlcg==\r\n*\r\n=  \r\nnot base64!\r\n")
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("dXNlcg=="))
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("*"))
        #expect(decoder.nextAuthenticationLine(&buffer) == .value("="))
        guard case .error = decoder.nextAuthenticationLine(&buffer) else {
            Issue.record("expected an error")
            return
        }
        #expect(decoder.nextAuthenticationLine(&buffer) == .needMoreData)
    }

    @Test func hostileInputNeverCrashes() {
        // Every prefix of a few nasty lines, and random-ish bytes.
        let nasty = [
            "MAIL FROM:<\"\\", "MAIL FROM:<@", "MAIL FROM:<@a,", "MAIL FROM:<a@[", "MAIL FROM:<a@[IPv6:", "RCPT TO:<\"",
            "AUTH \u{0}", "BDAT 1 LAST x", "EHLO [", "EHLO [IPv6:::::::::]", "MAIL FROM:<a@b> =",
        ]
        for line in nasty {
            let bytes = line.bytes
            for end in 0...bytes.count {
                _ = SMTPCommandDecoder.parse(line: Array(bytes[..<end]))
            }
        }
        var state: UInt32 = 12345
        for _ in 0..<2000 {
            var line: [UInt8] = Array("MAIL FROM:<".utf8)
            for _ in 0..<Int(state % 40) {
                state = state &* 1_103_515_245 &+ 12345
                line.append(UInt8(truncatingIfNeeded: state >> 16))
            }
            _ = SMTPCommandDecoder.parse(line: line)
        }
    }
}

@Suite("Bounded buffering")
struct SMTPBoundedBufferingTests {
    /// Random bytes (few line feeds, so long lines are common) in random pieces: the decoders
    /// always make progress and never leave more than one line bound in the buffer.
    @Test func decodersNeverHoldMoreThanOneLine() {
        var state: UInt64 = 7
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let configuration = SMTPCommandDecoder.Configuration(maximumLineLength: 64, maximumAuthenticationLineLength: 128,
                                                               maximumParameterLineLength: 96)
        var commands = SMTPCommandDecoder(configuration: configuration)
        var replies = SMTPReplyDecoder(configuration: .init(maximumLineLength: 64, maximumLineCount: 4))
        var commandBuffer = ByteBuffer()
        var replyBuffer = ByteBuffer()
        for _ in 0..<3000 {
            let piece = (0..<random(200)).map { _ in random(40) == 0 ? UInt8(ascii: "\n") : UInt8(truncatingIfNeeded: random(256)) }
            commandBuffer.writeBytes(piece)
            replyBuffer.writeBytes(piece)
            var steps = 0
            while commands.next(&commandBuffer) != .needMoreData { steps += 1 }
            while replies.next(&replyBuffer) != .needMoreData { steps += 1 }
            #expect(steps < 1000)
            #expect(commandBuffer.readableBytes < 128)
            #expect(replyBuffer.readableBytes < 64)
        }
    }
}
