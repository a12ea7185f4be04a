#if canImport(Glibc)
import Glibc
#endif
import IMAPCodec
import ProtocolFuzzing

// Deterministic mutation fuzzer for IMAPCodec.
// Usage: imap-fuzz [iterations=100000] [seed=1] | imap-fuzz --write-seeds DIR
// Mutated commands, checked as `IMAPFuzzCheck` says. `FuzzTarget.swift` has the same checks for
// libFuzzer (coverage-guided, with AddressSanitizer).

let arguments = CommandLine.arguments
if SeedFiles.writeIfAsked(arguments, seeds: { SeedCorpus.commands.map { Array($0.utf8) } }) { exit(0) }
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1

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

for iteration in 0..<iterations {
    let input = mutator.mutate(corpus[iteration % corpus.count], corpus: corpus)
    let whole = IMAPFuzzCheck.run(input, iteration: iteration, random: &mutator.random)
    for result in whole {
        switch result {
        case .command: counts["command", default: 0] += 1
        case .continuationNeeded: counts["continuation", default: 0] += 1
        case .error: counts["error", default: 0] += 1
        case .idleDone, .authenticateResponse: counts["mode", default: 0] += 1
        case .needMoreData: break
        }
    }
}

let elapsed = clock.now - start
print("imap-fuzz: \(iterations) inputs, seed \(seed), \(elapsed)")
print("  " + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
