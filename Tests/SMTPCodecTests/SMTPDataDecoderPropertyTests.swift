import NIOCore
import SMTPCodec
import Testing

/// A deliberately naive model of RFC 5321 §4.5.2, written differently from the decoder:
/// search the first `CRLF . CRLF` in `CRLF + input`, then remove one leading "." from every
/// line that starts after a CRLF.
private func referenceDecode(_ input: [UInt8]) -> (payload: [UInt8], bare: Bool, leftover: [UInt8])? {
    let wire: [UInt8] = [13, 10] + input
    let marker: [UInt8] = [13, 10, 46, 13, 10]
    guard wire.count >= 5, let start = (0...(wire.count - 5)).first(where: { Array(wire[$0..<($0 + 5)]) == marker }) else {
        return nil
    }
    let message = Array(wire[2..<(start + 2)])  // includes the CRLF that ends the last line
    var payload: [UInt8] = []
    var bare = false
    for (index, byte) in message.enumerated() {
        let previous: UInt8? = index > 0 ? message[index - 1] : nil
        let next: UInt8? = index + 1 < message.count ? message[index + 1] : nil
        let atLineStart = index == 0 || (index >= 2 && message[index - 2] == 13 && previous == 10)
        if byte == 13 && next != 10 { bare = true }
        if byte == 10 && previous != 13 { bare = true }
        if atLineStart && byte == 46 { continue }
        payload.append(byte)
    }
    // A "." CR at the very end of the message (before the marker) cannot happen: the marker
    // search would have matched earlier. A lone "." line start before "\r" x is covered above.
    return (payload, bare, Array(wire[(start + 5)...]))
}

private func decode(_ pieces: [[UInt8]]) -> (payload: [UInt8], final: SMTPDataEvent, leftover: [UInt8]) {
    var decoder = SMTPDataDecoder(maximumMessageSize: 1 << 20)
    var buffer = ByteBuffer()
    var payload: [UInt8] = []
    var final = SMTPDataEvent.needMoreData
    for piece in pieces {
        buffer.writeBytes(piece)
        loop: while final == .needMoreData {
            switch decoder.next(&buffer) {
            case .needMoreData: break loop
            case .content(let chunk): payload += Array(chunk.readableBytesView)
            case let event: final = event
            }
        }
    }
    return (payload, final, Array(buffer.readableBytesView))
}

@Suite("SMTPDataDecoder against a reference model")
struct SMTPDataDecoderPropertyTests {
    @Test func agreesWithTheReferenceOnRandomInput() {
        let alphabet: [UInt8] = [46, 13, 10, 97, 0, 46, 13, 10]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<5000 {
            let input = (0..<random(24)).map { _ in alphabet[random(alphabet.count)] } + [13, 10, 46, 13, 10, 81]
            guard let expected = referenceDecode(input) else {
                Issue.record("reference found no end in \(input)")
                continue
            }
            let cut = random(input.count + 1)
            for pieces in [[input], [Array(input[..<cut]), Array(input[cut...])], input.map { [$0] }] {
                let actual = decode(pieces)
                let summary = SMTPDataSummary(
                    byteCount: expected.payload.count, sawBareLineEnding: expected.bare, sawNUL: expected.payload.contains(0))
                #expect(actual.payload == expected.payload, "input: \(input)")
                #expect(actual.final == .end(summary), "input: \(input)")
                #expect(actual.leftover == expected.leftover, "input: \(input)")
            }
        }
    }
}
