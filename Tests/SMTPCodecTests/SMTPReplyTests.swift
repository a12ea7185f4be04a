import NIOCore
import SMTPCodec
import Testing

@Suite("SMTPReply encoding")
struct SMTPReplyTests {
    @Test func singleLine() {
        #expect(SMTPReply.ok.encoded.string == "250 2.0.0 OK\r\n")
        #expect(SMTPReply(code: 354, nil, "Go ahead").encoded.string == "354 Go ahead\r\n")
        #expect(SMTPReply(code: 250, enhancedStatusCode: nil, lines: []).encoded.string == "250 \r\n")
        #expect(SMTPReply(code: 334, nil, "").encoded.string == "334 \r\n")
    }

    @Test func multiLineRepeatsTheEnhancedCode() {
        let reply = SMTPReply(code: 550, enhancedStatusCode: .init(5, 7, 1), lines: ["first", "second", "third"])
        #expect(reply.encoded.string == "550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 third\r\n")
    }

    @Test func textCannotInjectLines() {
        let reply = SMTPReply(code: 250, nil, "ok\r\n250 injected\u{0}")
        #expect(reply.encoded.string == "250 ok  250 injected \r\n")
    }

    @Test func ehloResponse() {
        let reply = SMTPReply.ehlo(
            hostname: "mx.example.org", greeting: "Hello client",
            capabilities: [.pipelining, .size(10_485_760), .eightBitMIME, .enhancedStatusCodes, .startTLS, .smtpUTF8, .auth(["PLAIN", "LOGIN"]), .chunking])
        #expect(
            reply.encoded.string
                == "250-mx.example.org Hello client\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n250-STARTTLS\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 CHUNKING\r\n")
        #expect(SMTPReply.ehlo(hostname: "h", capabilities: []).encoded.string == "250 h\r\n")
        #expect(SMTPReply.helo(hostname: "h").encoded.string == "250 h\r\n")
    }

    /// (reply, expected code, expected enhanced code)
    @Test(arguments: [
        (SMTPReply.greeting(hostname: "h"), 220, ""),
        (.closing(hostname: "h"), 221, "2.0.0"),
        (.authenticationSucceeded, 235, "2.7.0"),
        (.ok, 250, "2.0.0"), (.senderOK, 250, "2.1.0"), (.recipientOK, 250, "2.1.5"),
        (.authenticationChallenge(""), 334, ""), (.startMailInput, 354, ""),
        (.timeout(hostname: "h"), 421, "4.4.2"), (.localError, 451, "4.3.0"),
        (.mailboxFull, 452, "4.2.2"), (.tooManyRecipients, 452, "4.5.3"), (.tlsNotAvailable, 454, "4.7.0"),
        (.syntaxError, 500, "5.5.2"), (.lineTooLong, 500, "5.5.2"), (.authenticationLineTooLong, 500, "5.5.6"), (.badArguments, 501, "5.5.4"),
        (.notImplemented, 502, "5.5.1"), (.badSequence, 503, "5.5.1"), (.authenticationRequired, 530, "5.7.0"),
        (.authenticationFailed(), 535, "5.7.8"), (.noSuchUser, 550, "5.1.1"), (.relayDenied, 550, "5.7.1"),
        (.bareLineEndingRejected, 550, "5.6.11"), (.messageTooLarge, 552, "5.3.4"), (.mailboxFullPermanent, 552, "5.2.2"),
        (.badAddressSyntax, 553, "5.1.3"), (.transactionRefused, 554, "5.7.1"), (.bareLineEndingTransactionFailed, 554, "5.6.11"),
        (.parameterNotRecognized, 555, "5.5.4"),
    ])
    func catalogue(reply: SMTPReply, code: Int, enhanced: String) {
        #expect(reply.code == code)
        #expect((reply.enhancedStatusCode?.description ?? "") == enhanced)
    }

    @Test func enhancedStatusCodeParsing() {
        #expect(SMTPEnhancedStatusCode("5.1.1") == .init(5, 1, 1))
        #expect(SMTPEnhancedStatusCode("4.7.123") == .init(4, 7, 123))
        for bad in ["", "5", "5.1", "3.1.1", "5.1.1.1", "5.1000.1", "5..1", "5.a.1", "５.1.1"] {
            #expect(SMTPEnhancedStatusCode(bad) == nil, "\(bad)")
        }
    }
}

@Suite("SMTPReplyDecoder")
struct SMTPReplyDecoderTests {
    private func decode(_ pieces: [[UInt8]], configuration: SMTPReplyDecoder.Configuration = .init()) -> [SMTPDecodeResult<SMTPReply>] {
        var decoder = SMTPReplyDecoder(configuration: configuration)
        return drain(pieces, decoder: &decoder, isNeedMoreData: { $0 == .needMoreData }, step: { $0.next(&$1) }).outputs
    }

    /// (wire input, expected replies)
    @Test(arguments: [
        ("220 mx.example.org ESMTP\r\n", [SMTPReply(code: 220, nil, "mx.example.org ESMTP")]),
        ("250 2.1.0 Sender OK\r\n", [SMTPReply(code: 250, .init(2, 1, 0), "Sender OK")]),
        (
            "250-mx.example.org\r\n250-PIPELINING\r\n250 SIZE 1000\r\n",
            [SMTPReply(code: 250, enhancedStatusCode: nil, lines: ["mx.example.org", "PIPELINING", "SIZE 1000"])]
        ),
        (
            "550-5.1.1 no such\r\n550 5.1.1 user\r\n",
            [SMTPReply(code: 550, enhancedStatusCode: .init(5, 1, 1), lines: ["no such", "user"])]
        ),
        ("250\r\n", [SMTPReply(code: 250, nil, "")]),
        ("354 go\n", [SMTPReply(code: 354, nil, "go")]),
        ("550 4.1.1 class mismatch\r\n", [SMTPReply(code: 550, nil, "4.1.1 class mismatch")]),
        ("250 ok\r\n221 bye\r\n", [SMTPReply(code: 250, nil, "ok"), SMTPReply(code: 221, nil, "bye")]),
    ])
    func decodesReplies(input: String, expected: [SMTPReply]) {
        for pieces in deliveries(of: input.bytes) {
            #expect(decode(pieces) == expected.map { .value($0) }, "input: \(input.debugDescription)")
        }
    }

    @Test(arguments: ["25 x\r\n", "abc\r\n", "250x\r\n", "650 no\r\n", "250-a\r\n251 b\r\n", "199 x\r\n", "\r\n"])
    func rejectsMalformed(input: String) {
        let results = decode([input.bytes])
        guard case .error(let error) = results.first else {
            Issue.record("expected an error for \(input.debugDescription), got \(results)")
            return
        }
        #expect(error.kind == .malformedReply)
    }

    @Test func boundsLinesAndLineCount() {
        let config = SMTPReplyDecoder.Configuration(maximumLineLength: 64, maximumLineCount: 3)
        let long = "250 " + String(repeating: "x", count: 100) + "\r\n250 ok\r\n"
        #expect(decode([long.bytes], configuration: config) == [
            .error(SMTPDecodeError(.replyTooLong, "reply line too long")), .value(SMTPReply(code: 250, nil, "ok")),
        ])
        let many = String(repeating: "250-x\r\n", count: 5) + "250 y\r\n"
        let results = decode([many.bytes], configuration: config)
        #expect(results.first == .error(SMTPDecodeError(.replyTooLong, "too many reply lines")))
    }
}
