import IMAPCodec
import NIOCore
import ProtocolFuzzing

// Deterministic mutation fuzzer for IMAPCodec.
// Usage: imap-fuzz [iterations=100000] [seed=1]
// Feeds mutated commands to IMAPCommandDecoder in random chunks, as a server would (switching
// to IDLE / AUTHENTICATE modes when asked), and checks that it never crashes, never loops,
// never holds more bytes than its limits allow, and gives the same results however the input
// is split. Also fuzzes modified UTF-7 and dates.

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1

let limits = IMAPDecoderLimits(maxLineLength: 1024, maxAppendLiteralSize: 4096, maxOtherLiteralSize: 256, maxCommandSize: 8192)
let maxChunk = 64
/// The decoder may hold at most one command, plus one unread chunk.
let memoryBound = limits.maxCommandSize + maxChunk

let corpus = SeedCorpus.commands.map { Array($0.utf8) }
var mutator = ProtocolMutator(
    seed: seed,
    // Bytes and fragments that matter to the IMAP grammar.
    interesting: Array("{}+~\r\n\"\\()[]<>*%$:,. 0123456789-".utf8) + [0, 0x80, 0xFF],
    tokens: ["{4294967296}\r\n", "{99999999999+}\r\n", "{0}\r\n", "~{3}\r\n", "\r\n", "NIL", "NOT ", "OR ", "(", ")",
             "BODY[", "<0.1>", "*", "&", "&-", "\"", "\\", "DONE\r\n", "1:*"])
var counts: [String: Int] = [:]
let clock = ContinuousClock()
let start = clock.now

/// Decodes `input` fed in chunks of the sizes `nextChunk` picks, checking progress and memory.
func decode(_ input: [UInt8], iteration: Int, nextChunk: () -> Int) -> [IMAPDecodeResult] {
    var decoder = IMAPCommandDecoder(limits: limits)
    var buffer = ByteBuffer()
    var results: [IMAPDecodeResult] = []
    var offset = 0
    while offset < input.count {
        let end = min(input.count, offset + nextChunk())
        buffer.writeBytes(input[offset..<end])
        offset = end
        var calls = 0
        decoding: while true {
            calls += 1
            precondition(calls <= input.count + 2, "decoder did not make progress (iteration \(iteration))")
            let result = decoder.next(&buffer)
            if result == .needMoreData { break decoding }
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
        }
        precondition(buffer.readableBytes <= memoryBound,
                     "decoder holds \(buffer.readableBytes) bytes (iteration \(iteration))")
    }
    return results
}

for iteration in 0..<iterations {
    let input = mutator.mutate(corpus[iteration % corpus.count], corpus: corpus)
    // Oracle: however the bytes are split, the results are the same as decoding them whole.
    let whole = decode(input, iteration: iteration) { input.count }
    let split = decode(input, iteration: iteration) { 1 + Int(mutator.random.next() % UInt64(maxChunk)) }
    FuzzOracles.requireSplitIndependent(whole, split, iteration: iteration, input: input, what: "decoding")
    for result in whole {
        switch result {
        case .command: counts["command", default: 0] += 1
        case .continuationNeeded: counts["continuation", default: 0] += 1
        case .error: counts["error", default: 0] += 1
        case .idleDone, .authenticateResponse: counts["mode", default: 0] += 1
        case .needMoreData: break
        }
    }
    _ = try? ModifiedUTF7.decode(input)
    if input.count < 64 { _ = IMAPDateTime(String(decoding: input, as: UTF8.self)) }
}

let elapsed = clock.now - start
print("imap-fuzz: \(iterations) inputs, seed \(seed), \(elapsed)")
print("  " + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
