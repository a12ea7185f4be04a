import LineCodec
import NIOCore
import SMTPCodec
import Testing

private struct DataOutcome: Equatable {
    var payload: String
    var final: SMTPDataEvent
    var leftover: String
}

private func decodeData(_ pieces: [[UInt8]], limit: Int = 1_000_000) -> DataOutcome {
    var decoder = SMTPDataDecoder(maximumMessageSize: limit)
    var buffer = ByteBuffer()
    var payload: [UInt8] = []
    var final = SMTPDataEvent.needMoreData
    for piece in pieces {
        buffer.writeBytes(piece)
        loop: while final == .needMoreData {
            let event = decoder.next(&buffer)
            switch event {
            case .needMoreData: break loop
            case .content(let chunk): payload += Array(chunk.readableBytesView)
            case .end, .tooLarge: final = event
            }
        }
    }
    return DataOutcome(
        payload: String(decoding: payload, as: UTF8.self), final: final, leftover: buffer.string)
}

private func end(_ size: Int, bare: Bool = false, nul: Bool = false) -> SMTPDataEvent {
    .end(SMTPDataSummary(byteCount: size, sawBareLineEnding: bare, sawNUL: nul))
}

/// (input after the DATA line, payload, final event, bytes left in the buffer)
private let fixtures: [(String, String, SMTPDataEvent, String)] = [
    (".\r\n", "", end(0), ""),
    ("Subject: x\r\n\r\nHello\r\n.\r\n", "Subject: x\r\n\r\nHello\r\n", end(21), ""),
    ("Hello\r\n.\r\nQUIT\r\n", "Hello\r\n", end(7), "QUIT\r\n"),
    ("..dot\r\n.\r\n", ".dot\r\n", end(6), ""),
    ("a\r\n..\r\n.\r\n", "a\r\n.\r\n", end(6), ""),
    ("a\r\n...\r\n.\r\n", "a\r\n..\r\n", end(7), ""),
    ("a\r\n.x\r\n.\r\n", "a\r\nx\r\n", end(6), ""),
    ("a.\r\n.\r\n", "a.\r\n", end(4), ""),
    ("a\u{0}b\r\n.\r\n", "a\u{0}b\r\n", end(5, nul: true), ""),
    // SMTP smuggling: none of these end the message; the real end is the last CRLF.CRLF.
    ("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", end(7, bare: true), ""),
    ("a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n", end(8, bare: true), ""),
    ("a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n", end(7, bare: true), ""),
    ("a\r.\r\nb\r\n.\r\n", "a\r.\r\nb\r\n", end(8, bare: true), ""),
    ("a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n", end(7, bare: true), ""),
    ("a\r\n.\r.\r\n.\r\n", "a\r\n\r.\r\n", end(7, bare: true), ""),
    ("a\r\n.\r\r\n.\r\n", "a\r\n\r\r\n", end(6, bare: true), ""),
    ("a\rb\r\n.\r\n", "a\rb\r\n", end(5, bare: true), ""),
    ("a\r\r\n.\r\n", "a\r\r\n", end(4, bare: true), ""),
    ("\n.\r\n.\r\n", "\n.\r\n", end(4, bare: true), ""),
]

@Suite("SMTPDataDecoder")
struct SMTPDataDecoderTests {
    @Test(arguments: fixtures)
    func decodes(input: String, payload: String, final: SMTPDataEvent, leftover: String) {
        let expected = DataOutcome(payload: payload, final: final, leftover: leftover)
        for pieces in deliveries(of: input.bytes) {
            #expect(decodeData(pieces) == expected, "input: \(input.debugDescription)")
        }
    }

    @Test func unterminatedMessageNeverEnds() {
        for input in ["Hello", "Hello\r\n", "Hello\r\n.", "Hello\r\n.\r", "Hello\n.\n", "Hello\r\n.\n"] {
            let outcome = decodeData([input.bytes])
            #expect(outcome.final == .needMoreData, "input: \(input.debugDescription)")
        }
    }

    @Test func tooLargeKeepsConsumingUntilTheEnd() {
        let body = String(repeating: "0123456789\r\n", count: 10)  // 120 octets
        let input = (body + ".\r\nQUIT\r\n").bytes
        for pieces in deliveries(of: input) {
            let outcome = decodeData(pieces, limit: 50)
            #expect(outcome.payload.utf8.count == 50)
            #expect(outcome.final == .tooLarge(SMTPDataSummary(byteCount: 120, sawBareLineEnding: false, sawNUL: false)))
            #expect(outcome.leftover == "QUIT\r\n")
        }
        // Exactly at the limit is fine.
        #expect(decodeData([input], limit: 120).final == end(120))
    }

    @Test func finalEventRepeatsWithoutConsuming() {
        var decoder = SMTPDataDecoder(maximumMessageSize: 100)
        var buffer = ByteBuffer(string: ".\r\nNOOP\r\n")
        #expect(decoder.next(&buffer) == end(0))
        #expect(decoder.next(&buffer) == end(0))
        #expect(buffer.string == "NOOP\r\n")
    }

    @Test func stufferAndDecoderRoundTrip() {
        let messages = [
            "", "x", ".", "..", ".\r\n", "a\r\n.\r\nb", "a\n.\nb\n", "\r\n\r\n", "a\rb", ".hidden\r\n..double\r\n",
            "Subject: test\r\n\r\nline1\r\n.\r\n..\r\nend",
        ]
        for message in messages {
            let wire = DotStuffer.stuffed(ByteBuffer(string: message))
            let outcome = decodeData([Array(wire.readableBytesView)])
            // The stuffer normalises every line ending to CRLF and completes the last line.
            var normalised = message.replacingBareLineEndings()
            if !normalised.isEmpty && !normalised.hasSuffix("\r\n") { normalised += "\r\n" }
            #expect(outcome.payload == normalised, "message: \(message.debugDescription)")
            guard case .end(let summary) = outcome.final else {
                Issue.record("no end for \(message.debugDescription)")
                continue
            }
            #expect(!summary.sawBareLineEnding)
        }
    }
}

extension String {
    /// CR LF stays; any other CR or LF becomes CRLF (what DotStuffer does).
    fileprivate func replacingBareLineEndings() -> String {
        var output: [UInt8] = []
        let bytes = Array(self.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                output += [13, 10]
                if index + 1 < bytes.count && bytes[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                output += [13, 10]
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}

@Suite("SMTPChunkReader")
struct SMTPChunkReaderTests {
    @Test func readsExactlyTheChunk() {
        let input = "Hello\r\n.\r\nworldQUIT\r\n".bytes
        for pieces in deliveries(of: input) {
            var reader = SMTPChunkReader(size: 15)
            var payload: [UInt8] = []
            var ended = false
            var buffer = ByteBuffer()
            for piece in pieces {
                buffer.writeBytes(piece)
                loop: while !ended {
                    switch reader.next(&buffer) {
                    case .content(let chunk): payload += Array(chunk.readableBytesView)
                    case .end(let summary):
                        #expect(summary.byteCount == 15)
                        ended = true
                    case .needMoreData, .tooLarge: break loop
                    }
                }
            }
            #expect(ended)
            #expect(String(decoding: payload, as: UTF8.self) == "Hello\r\n.\r\nworld")
            #expect(buffer.string == "QUIT\r\n")
        }
    }

    @Test func emptyChunkEndsAtOnce() {
        var reader = SMTPChunkReader(size: 0)
        var buffer = ByteBuffer(string: "QUIT\r\n")
        #expect(reader.next(&buffer) == .end(SMTPDataSummary(byteCount: 0, sawBareLineEnding: false, sawNUL: false)))
        #expect(buffer.readableBytes == 6)
    }
}
