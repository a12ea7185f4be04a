import NIOCore
import ProtocolFuzzing
import SMTPCodec

/// The checks of one input against SMTPCodec alone, without a session, by the mutation loop
/// (`main.swift`, on each mutated transcript) and the libFuzzer entry point (`FuzzTarget.swift`):
/// the same bytes read as command lines by the server's decoder, as replies by the outbound client's
/// decoder (a remote server is as hostile as a client), and as DATA text with the smuggling
/// oracles. Every decoder must make progress, hold at most a bounded line, and give the same
/// results however the input is split.
enum SMTPCodecFuzzCheck {
    static let maxChunk = 64
    static let commandConfiguration = SMTPCommandDecoder.Configuration(allowsUTF8Addresses: true)
    static let replyConfiguration = SMTPReplyDecoder.Configuration(maximumLineLength: 512, maximumLineCount: 16)

    static func run(_ input: [UInt8], random: inout SplitMix64) {
        let commandBound = commandConfiguration.lineBound
        let commands = decode(input, bound: commandBound, decoder: SMTPCommandDecoder(configuration: commandConfiguration)) { input.count }
        let commandsSplit = decode(input, bound: commandBound, decoder: SMTPCommandDecoder(configuration: commandConfiguration)) {
            1 + Int(random.next() % UInt64(maxChunk))
        }
        FuzzOracles.requireSplitIndependent(commands, commandsSplit, iteration: 0, input: input, what: "commands")

        let replies = decode(input, bound: replyConfiguration.maximumLineLength, decoder: SMTPReplyDecoder(configuration: replyConfiguration)) {
            input.count
        }
        let repliesSplit = decode(input, bound: replyConfiguration.maximumLineLength,
                                  decoder: SMTPReplyDecoder(configuration: replyConfiguration)) { 1 + Int(random.next() % UInt64(maxChunk)) }
        FuzzOracles.requireSplitIndependent(replies, repliesSplit, iteration: 0, input: input, what: "replies")
        for case .value(let reply) in replies {
            // Re-encoded, what the client decoded reads back as one reply with the same code.
            var wire = reply.encoded
            var decoder = SMTPReplyDecoder()
            guard case .value(let again) = decoder.next(&wire), wire.readableBytes == 0, again.code == reply.code else {
                fatalError("a decoded reply does not encode back: \(reply)")
            }
        }

        let limitChoice = random.next()
        _ = checkRawDATA(input, iteration: 0, limit: { size in
            limitChoice % 3 == 0 ? Int((limitChoice >> 2) % UInt64(size + 2)) : 1 << 20
        }, nextChunk: { 1 + Int(random.next() % 32) })
    }

    /// Decodes `input` fed in chunks of the sizes `nextChunk` picks, checking progress and that at
    /// most `bound` bytes (one unfinished line) plus one chunk are held.
    static func decode<Decoder: LineDecoding>(_ input: [UInt8], bound: Int, decoder: Decoder,
                                              nextChunk: () -> Int) -> [SMTPDecodeResult<Decoder.Value>] {
        var decoder = decoder
        var results: [SMTPDecodeResult<Decoder.Value>] = []
        ChunkedFeed.run(input, bound: bound + maxChunk, iteration: 0, nextChunk: nextChunk) { buffer in
            let result = decoder.next(&buffer)
            if case .needMoreData = result { return false }
            results.append(result)
            return true
        }
        return results
    }
}

/// The two SMTP line decoders, to `SMTPCodecFuzzCheck.decode`.
protocol LineDecoding {
    associatedtype Value: Sendable & Equatable
    mutating func next(_ buffer: inout ByteBuffer) -> SMTPDecodeResult<Value>
}

extension SMTPCommandDecoder: LineDecoding {}
extension SMTPReplyDecoder: LineDecoding {}
