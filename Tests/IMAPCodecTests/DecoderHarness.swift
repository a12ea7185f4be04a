import IMAPCodec
import NIOCore
import Testing

/// Drives an ``IMAPCommandDecoder`` the way a channel handler does.
struct DecoderHarness {
    var decoder: IMAPCommandDecoder
    var buffer = ByteBuffer()
    /// Calls `expectIdleDone()` / `expectAuthenticateResponse()` when a command asks for it,
    /// as the server would.
    var followModes = true

    init(limits: IMAPDecoderLimits = .default) {
        decoder = IMAPCommandDecoder(limits: limits)
    }

    /// Appends `bytes` and drains every result.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [IMAPDecodeResult] where Bytes.Element == UInt8 {
        buffer.writeBytes(Array(bytes))
        var results: [IMAPDecodeResult] = []
        var guardCounter = 0
        while true {
            guardCounter += 1
            precondition(guardCounter < 100_000, "decoder loops")
            let result = decoder.next(&buffer)
            if result == .needMoreData { return results }
            results.append(result)
            if followModes, case .command(let command) = result {
                switch command.command {
                case .idle: decoder.expectIdleDone()
                case .authenticate(_, nil): decoder.expectAuthenticateResponse()
                default: break
                }
            }
        }
    }

    /// Decodes `input` in one piece.
    static func decode(_ input: String, limits: IMAPDecoderLimits = .default) -> [IMAPDecodeResult] {
        var harness = DecoderHarness(limits: limits)
        return harness.feed(Array(input.utf8))
    }

    /// Decodes `input` split in two at every byte position (and byte by byte), and checks
    /// every way gives the same results as decoding it whole. Returns the results.
    @discardableResult
    static func decodeAllSplits(_ input: String, limits: IMAPDecoderLimits = .default,
                                sourceLocation: SourceLocation = #_sourceLocation) -> [IMAPDecodeResult] {
        let bytes = Array(input.utf8)
        let whole = decode(input, limits: limits)
        for split in 0...bytes.count {
            var harness = DecoderHarness(limits: limits)
            var results = harness.feed(bytes[..<split])
            results += harness.feed(bytes[split...])
            #expect(results == whole, "split at \(split)", sourceLocation: sourceLocation)
        }
        var harness = DecoderHarness(limits: limits)
        var results: [IMAPDecodeResult] = []
        for b in bytes { results += harness.feed([b]) }
        #expect(results == whole, "byte by byte", sourceLocation: sourceLocation)
        return whole
    }
}

extension ByteBuffer {
    init(_ text: String) {
        self.init(string: text)
    }
}
