import IMAPCodec
import NIOCore
import Testing

@Suite struct DecoderBehaviourTests {
    @Test func synchronizingLiteralAsksOnceThenWaits() {
        var harness = DecoderHarness()
        #expect(harness.feed(Array("a LOGIN {3}\r\n".utf8)) == [.continuationNeeded(tag: "a")])
        // No more continuations while the literal trickles in.
        #expect(harness.feed(Array("jo".utf8)) == [])
        #expect(harness.feed(Array("e {6}\r\n".utf8)) == [.continuationNeeded(tag: "a")])
        #expect(harness.feed(Array("secret\r\n".utf8)) == [.command(.init(tag: "a", command: .login(username: "joe", password: "secret")))])
        #expect(harness.buffer.readableBytes == 0)
    }

    @Test func serverMayRefuseTheContinuation() {
        var harness = DecoderHarness()
        #expect(harness.feed(Array("4 APPEND Nowhere {12}\r\n".utf8)) == [.continuationNeeded(tag: "4")])
        harness.decoder.rejectContinuation(&harness.buffer)
        #expect(harness.buffer.readableBytes == 0)
        #expect(harness.feed(Array("5 NOOP\r\n".utf8)) == [.command(.init(tag: "5", command: .noop))])
    }

    /// What a session reserves memory for, and how it drops an APPEND it cannot hold: the
    /// literal's remaining bytes (LITERAL+, sent anyway) and the rest of its line are skipped,
    /// a second LITERAL+ literal on that line (MULTIAPPEND) too, and the next command decodes.
    @Test func anArrivingCommandCanBeAbandoned() {
        var harness = DecoderHarness()
        #expect(harness.decoder.awaitedCommandLength == 0)
        #expect(harness.feed(Array("7 APPEND INBOX {10+}\r\nabc".utf8)) == [])
        #expect(harness.decoder.awaitedCommandLength == "7 APPEND INBOX {10+}\r\n".utf8.count + 10)
        #expect(harness.decoder.abandonCommand(&harness.buffer) == "7")
        #expect(harness.decoder.awaitedCommandLength == 0)
        #expect(harness.feed(Array("defghij (\\Seen) {3+}\r\nxyz\r\n8 NOOP\r\n".utf8)) == [.command(.init(tag: "8", command: .noop))])
        #expect(harness.buffer.readableBytes == 0)
        // Nothing to abandon between commands.
        #expect(harness.decoder.abandonCommand(&harness.buffer) == nil)
        #expect(harness.feed(Array("9 APPEND INBOX {4}\r\n".utf8)) == [.continuationNeeded(tag: "9")])
        #expect(harness.decoder.awaitedCommandLength == "9 APPEND INBOX {4}\r\n".utf8.count + 4)
    }

    /// A thousand search keys pass (nested ones counted); one more is a syntax error, not a
    /// search the server would run over every message a hundred thousand times.
    @Test func searchKeysAreBounded() {
        let thousand = "a SEARCH" + String(repeating: " SEEN", count: 998) + " NOT DRAFT\r\n"
        guard case .command = DecoderHarness.decode(thousand).first else {
            Issue.record("1000 keys refused")
            return
        }
        let more = "a SEARCH" + String(repeating: " SEEN", count: 999) + " NOT DRAFT\r\n"
        guard case .error(let error) = DecoderHarness.decode(more).first else {
            Issue.record("1001 keys accepted")
            return
        }
        #expect(error.tag == "a" && "\(error)".contains("1000 search keys"))
    }

    @Test func literalPlusNeedsNoContinuation() {
        let results = DecoderHarness.decodeAllSplits("a LOGIN {3+}\r\njoe secret\r\n")
        #expect(results == [.command(.init(tag: "a", command: .login(username: "joe", password: "secret")))])
    }

    @Test func zeroLengthLiteral() {
        let results = DecoderHarness.decodeAllSplits("a LOGIN {0}\r\n {0+}\r\n\r\n")
        #expect(results == [.continuationNeeded(tag: "a"), .command(.init(tag: "a", command: .login(username: "", password: "")))])
    }

    static let small = IMAPDecoderLimits(maxLineLength: 100, maxAppendLiteralSize: 1000, maxOtherLiteralSize: 10, maxCommandSize: 2000)

    @Test func synchronizingLiteralTooBigIsRefusedAndNeverReceived() {
        let results = DecoderHarness.decodeAllSplits("a LOGIN {11}\r\nb NOOP\r\n", limits: Self.small)
        #expect(results == [
            .error(.init(tag: "a", reason: .literalTooBig(announced: 11, limit: 10))),
            .command(.init(tag: "b", command: .noop)),
        ])
    }

    @Test func appendLiteralTooBigIsTooBig() {
        let results = DecoderHarness.decode("a APPEND INBOX {1001}\r\n", limits: Self.small)
        #expect(results.count == 1)
        if case .error(let error) = results[0] {
            #expect(error.tag == "a")
            #expect(error.isTooBig)
        } else {
            Issue.record("expected error")
        }
    }

    @Test func nonSynchronizingLiteralTooBigIsSkippedWithoutBuffering() {
        let literal = String(repeating: "x", count: 1500)
        let input = "a APPEND INBOX {1500+}\r\n\(literal) more {3+}\r\nabc\r\nb NOOP\r\n"
        let results = DecoderHarness.decodeAllSplits(input, limits: Self.small)
        #expect(results == [
            .error(.init(tag: "a", reason: .literalTooBig(announced: 1500, limit: 1000))),
            .command(.init(tag: "b", command: .noop)),
        ])
        // The skipped bytes were consumed as they came, not buffered.
        var harness = DecoderHarness(limits: Self.small)
        _ = harness.feed(Array("a APPEND INBOX {1500+}\r\n".utf8))
        _ = harness.feed(Array(literal.utf8.prefix(1400)))
        #expect(harness.buffer.readableBytes == 0)
    }

    @Test func lineTooLongIsRefusedAndSkipped() {
        let long = "a SEARCH TEXT " + String(repeating: "y", count: 500) + "\r\nb NOOP\r\n"
        let results = DecoderHarness.decodeAllSplits(long, limits: Self.small)
        #expect(results == [
            .error(.init(tag: "a", reason: .lineTooLong(limit: 100))),
            .command(.init(tag: "b", command: .noop)),
        ])
        var harness = DecoderHarness(limits: Self.small)
        _ = harness.feed(Array(repeating: UInt8(ascii: "z"), count: 10_000))
        #expect(harness.buffer.readableBytes <= 100)
    }

    @Test func commandTooLong() {
        let limits = IMAPDecoderLimits(maxLineLength: 100, maxAppendLiteralSize: 1000, maxOtherLiteralSize: 10, maxCommandSize: 30)
        let results = DecoderHarness.decodeAllSplits("a LOGIN {10}\r\n0123456789 {10}\r\nb NOOP\r\n", limits: limits)
        #expect(results.count == 3)
        #expect(results.last == .command(.init(tag: "b", command: .noop)))
    }

    @Test func manySmallLiteralsCannotAddUp() {
        let limits = IMAPDecoderLimits(maxLineLength: 100, maxAppendLiteralSize: 1000, maxOtherLiteralSize: 10,
                                       maxCommandSize: 2000, maxOtherCommandSize: 50)
        let input = "a SEARCH" + String(repeating: " TEXT {5+}\r\nhello", count: 10) + "\r\nb NOOP\r\n"
        let results = DecoderHarness.decodeAllSplits(input, limits: limits)
        #expect(results == [.error(.init(tag: "a", reason: .commandTooLong(limit: 50))), .command(.init(tag: "b", command: .noop))])
    }

    @Test func idleDone() {
        let results = DecoderHarness.decodeAllSplits("9 IDLE\r\nDONE\r\n10 NOOP\r\n")
        #expect(results == [.command(.init(tag: "9", command: .idle)), .idleDone, .command(.init(tag: "10", command: .noop))])
        let wrong = DecoderHarness.decodeAllSplits("9 IDLE\r\n10 NOOP\r\n11 NOOP\r\n")
        #expect(wrong == [.command(.init(tag: "9", command: .idle)), .error(.init(tag: nil, reason: .expectedDone)),
                          .command(.init(tag: "11", command: .noop))])
        let lower = DecoderHarness.decode("9 IDLE\r\ndone\r\n")
        #expect(lower.last == .idleDone)
    }

    /// An over-long AUTHENTICATE response (or IDLE line) is refused and skipped through its end,
    /// however it arrives; what it ends with is not a literal announcement (found by libFuzzer:
    /// split in pieces, the line's `{5+}` made the next five bytes vanish as a literal).
    @Test func overLongSingleLinesAreSkippedWithoutLiterals() {
        let long = String(repeating: "QUFB", count: 40)
        for (start, expected) in [
            ("a AUTHENTICATE PLAIN\r\n", IMAPDecodeResult.command(.init(tag: "a", command: .authenticate(mechanism: "PLAIN", initialResponse: nil)))),
            ("a IDLE\r\n", IMAPDecodeResult.command(.init(tag: "a", command: .idle))),
        ] {
            let results = DecoderHarness.decodeAllSplits(start + long + " {5+}\r\nb NOOP\r\n", limits: Self.small)
            #expect(results == [
                expected,
                .error(.init(tag: nil, reason: .lineTooLong(limit: 100))),
                .command(.init(tag: "b", command: .noop)),
            ])
        }
    }

    @Test func authenticateResponses() {
        let results = DecoderHarness.decodeAllSplits("a AUTHENTICATE PLAIN\r\nAHUAcA==\r\nb AUTHENTICATE LOGIN\r\n*\r\nc AUTHENTICATE X\r\n\r\nd AUTHENTICATE Y\r\n!!\r\n")
        #expect(results == [
            .command(.init(tag: "a", command: .authenticate(mechanism: "PLAIN", initialResponse: nil))),
            .authenticateResponse(.data(Array("\0u\0p".utf8))),
            .command(.init(tag: "b", command: .authenticate(mechanism: "LOGIN", initialResponse: nil))),
            .authenticateResponse(.cancelled),
            .command(.init(tag: "c", command: .authenticate(mechanism: "X", initialResponse: nil))),
            .authenticateResponse(.data([])),
            .command(.init(tag: "d", command: .authenticate(mechanism: "Y", initialResponse: nil))),
            .error(.init(tag: nil, reason: .invalidBase64)),
        ])
    }
}

/// Malformed input → `BAD` with the tag when there is one; the next command still decodes.
let malformedInputs: [(String, String?)] = [
    ("\r\n", nil),
    ("* NOOP\r\n", nil),
    ("+tag NOOP\r\n", nil),
    ("a\r\n", nil),
    ("a LOGIN\r\n", "a"),
    ("a LOGIN joe\r\n", "a"),
    ("a LOGIN joe secret extra\r\n", "a"),
    ("a LOGIN \"unterminated\r\n", "a"),
    ("a LOGIN \"bad\\escape\" x\r\n", "a"),
    ("a SELECT\r\n", "a"),
    ("a SELECT INBOX (BOGUS)\r\n", "a"),
    ("a FETCH 0 FLAGS\r\n", "a"),
    ("a FETCH 1:x FLAGS\r\n", "a"),
    ("a FETCH 1 (FLAGS\r\n", "a"),
    ("a FETCH 1 BODY[4.BOGUS]\r\n", "a"),
    ("a FETCH 1 BODY[MIME]\r\n", "a"),
    ("a FETCH 1 BODY.PEEK\r\n", "a"),
    ("a FETCH 1 BODY[]<5>\r\n", "a"),
    ("a FETCH 99999999999 FLAGS\r\n", "a"),
    ("a STORE 1 FLAGS (\\Recent)\r\n", "a"),
    ("a STORE 1 +FLAG (\\Seen)\r\n", "a"),
    ("a SEARCH\r\n", "a"),
    ("a SEARCH SINCE 31-Feb-2024\r\n", "a"),
    ("a SEARCH SINCE 1-Foo-2024\r\n", "a"),
    ("a SEARCH OR SEEN\r\n", "a"),
    ("a SEARCH BOGUS\r\n", "a"),
    ("a COMPRESS\r\n", "a"),
    ("a COMPRESS (DEFLATE)\r\n", "a"),
    ("a SORT\r\n", "a"),
    ("a SORT () UTF-8 ALL\r\n", "a"),
    ("a SORT (ARRIVAL)\r\n", "a"),
    ("a SORT (ARRIVAL) UTF-8\r\n", "a"),
    ("a SORT (ARRIVAL) ALL\r\n", "a"),
    ("a SORT (REVERSE) UTF-8 ALL\r\n", "a"),
    ("a SORT (THREAD) UTF-8 ALL\r\n", "a"),
    ("a SORT ARRIVAL UTF-8 ALL\r\n", "a"),
    ("a SORT RETURN (NEWEST) (ARRIVAL) UTF-8 ALL\r\n", "a"),
    ("a SORT RETURN (ARRIVAL) UTF-8 ALL\r\n", "a"),
    ("a SORT (ARRIVAL) RETURN (MIN) UTF-8 ALL\r\n", "a"),
    ("a THREAD\r\n", "a"),
    ("a THREAD REFERENCES\r\n", "a"),
    ("a THREAD REFERENCES UTF-8\r\n", "a"),
    ("a THREAD REFS UTF-8 ALL\r\n", "a"),
    ("a THREAD (REFERENCES) UTF-8 ALL\r\n", "a"),
    ("a UID THREAD ORDEREDSUBJECT UTF-8 (ALL\r\n", "a"),
    ("a SORT (" + String(repeating: "SIZE ", count: 19) + "SIZE) UTF-8 ALL\r\n", "a"),
    ("a SEARCH " + String(repeating: "NOT ", count: 200) + "ALL\r\n", "a"),
    ("a SEARCH " + String(repeating: "(", count: 200) + "ALL" + String(repeating: ")", count: 200) + "\r\n", "a"),
    ("a APPEND INBOX (\\Seen) \"31-Nov-2026 10:00:00 +0800\" {1+}\r\nx\r\n", "a"),
    ("a APPEND INBOX \"hello\"\r\n", "a"),
    ("a UID BOGUS 1\r\n", "a"),
    ("a STATUS INBOX (BOGUS)\r\n", "a"),
    ("a STATUS INBOX ()\r\n", "a"),
    ("a LIST \"\" \"*\" RETURN (BOGUS)\r\n", "a"),
    ("a ID (\"k\")\r\n", "a"),
    ("a AUTHENTICATE PLAIN ***\r\n", "a"),
    ("a  NOOP\r\n", "a"),
    ("a NOOP \r\n", "a"),
    ("a LOGIN {3+}\r\nj\0e x\r\n", "a"),
    ("* LOGIN {3}\r\n", nil),
    ("a LOGIN ~{3+}\r\nabc x\r\n", "a"),
    ("a ID (\"a\" ~{1+}\r\nb)\r\n", "a"),
]

@Suite struct MalformedInputTests {
    @Test(arguments: malformedInputs)
    func badWithTag(_ input: String, _ tag: String?) {
        let results = DecoderHarness.decodeAllSplits(input + "z NOOP\r\n")
        #expect(results.count == 2)
        if case .error(let error) = results.first {
            #expect(error.tag == tag)
            #expect(!error.isTooBig)
        } else {
            Issue.record("expected an error, got \(results)")
        }
        #expect(results.last == .command(.init(tag: "z", command: .noop)))
    }
}
