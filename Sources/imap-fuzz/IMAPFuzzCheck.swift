import IMAPCodec
import ProtocolFuzzing

/// What is checked of one input, by the mutation loop (`main.swift`) and by the libFuzzer entry
/// point (`FuzzTarget.swift`) alike: the bytes are fed to `IMAPCommandDecoder` whole and in random
/// chunks, as a server would (switching to IDLE / AUTHENTICATE modes when asked); the decoder must
/// never crash, never loop, never hold more bytes than its limits allow, and give the same
/// results however the input is split. Modified UTF-7 and dates get the same bytes.
enum IMAPFuzzCheck {
    static let limits = IMAPDecoderLimits(maxLineLength: 1024, maxAppendLiteralSize: 4096, maxOtherLiteralSize: 256,
                                          maxCommandSize: 8192)
    static let maxChunk = 64
    /// The decoder may hold at most one command, plus one unread chunk.
    static let memoryBound = limits.maxCommandSize + maxChunk

    /// Checks `input` (chunk sizes drawn from `random`); returns the results of decoding it whole.
    static func run(_ input: [UInt8], iteration: Int, random: inout SplitMix64) -> [IMAPDecodeResult] {
        let whole = decode(input, iteration: iteration) { input.count }
        let split = decode(input, iteration: iteration) { 1 + Int(random.next() % UInt64(maxChunk)) }
        FuzzOracles.requireSplitIndependent(whole, split, iteration: iteration, input: input, what: "decoding")
        _ = try? ModifiedUTF7.decode(input)
        if input.count < 64 { _ = IMAPDateTime(String(decoding: input, as: UTF8.self)) }
        return whole
    }

    /// Decodes `input` fed in chunks of the sizes `nextChunk` picks, checking progress and memory.
    static func decode(_ input: [UInt8], iteration: Int, nextChunk: () -> Int) -> [IMAPDecodeResult] {
        var decoder = IMAPCommandDecoder(limits: limits)
        var results: [IMAPDecodeResult] = []
        ChunkedFeed.run(input, bound: memoryBound, iteration: iteration, nextChunk: nextChunk) { buffer in
            let result = decoder.next(&buffer)
            if result == .needMoreData { return false }
            results.append(result)
            if case .command(let command) = result {
                switch command.command {
                case .idle: decoder.expectIdleDone()
                case .authenticate(_, nil): decoder.expectAuthenticateResponse()
                case .select(let name, _), .examine(let name, _), .create(let name, _):
                    _ = try? name.decoded()
                    _ = try? name.decoded(utf8Accept: true)
                default: break
                }
            }
            return true
        }
        return results
    }
}
