// mime-fuzz: a deterministic mutation fuzzer for MailwardMIME.
//
//     mime-fuzz [--iterations N] [--seed S] [--max-size BYTES] DIR...
//
// Loads every file under the DIRs as seeds, then for N iterations mutates a seed (byte flips,
// insertions of boundaries / "=?" / CRLF / MIME headers, deletions, truncation, splicing two
// seeds), and runs the input through MIMEParser, MessageContent, every section's decoding and a
// MessageBuilder round trip. Invariant violations abort with the offending input written to
// `mime-fuzz-crash.eml`. Progress and throughput are printed every 10 000 iterations.
//
// libFuzzer: `LLVMFuzzerTestOneInput` in FuzzTarget.swift runs the same checks on one input; build
// it with `swiftc -parse-as-library -sanitize=fuzzer,address -D LIBFUZZER ...` (see that file).
import Foundation
import MailwardMIME

/// Writes a line unbuffered, so progress shows up promptly even when output is piped.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

var iterations = 100_000
var seed: UInt64 = 0x4D61_696C_7761_7264
var maxSize = 256 * 1024
var directories: [String] = []
var benchmarkFiles: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--iterations": iterations = arguments.popFirst().flatMap { Int($0) } ?? iterations
    case "--seed": seed = arguments.popFirst().flatMap { UInt64($0) } ?? seed
    case "--max-size": maxSize = arguments.popFirst().flatMap { Int($0) } ?? maxSize
    case "--bench": if let file = arguments.popFirst() { benchmarkFiles.append(file) }
    case "-h", "--help":
        say("usage: mime-fuzz [--iterations N] [--seed S] [--max-size BYTES] DIR...   |   mime-fuzz --bench FILE")
        exit(0)
    default: directories.append(arg)
    }
}

// --bench FILE: time MIMEParser.parse and MessageContent.extract on one message.
for file in benchmarkFiles {
    guard let data = FileManager.default.contents(atPath: file) else { continue }
    let bytes = [UInt8](data)
    let rounds = max(100, 20_000_000 / max(1, bytes.count))
    let clock = ContinuousClock()
    let parse = clock.measure { for _ in 0..<rounds { _ = MIMEParser.parse(bytes) } }
    let structure = clock.measure { for _ in 0..<rounds { _ = MIMEParser.parseStructure(bytes) } }
    let withoutText = clock.measure { for _ in 0..<rounds { _ = MIMEParser.parse(bytes, searchText: false) } }
    let extract = clock.measure { for _ in 0..<rounds { _ = MessageContent.extract(from: bytes) } }
    // What a parse cache costs against parsing again: JSON of the parse (as stored) both ways.
    var cached = MIMEParser.parse(bytes, searchText: false)
    cached.searchText = ""
    let json = (try? JSONEncoder().encode(cached)) ?? Data()
    let encode = clock.measure { for _ in 0..<rounds { _ = try? JSONEncoder().encode(cached) } }
    let decode = clock.measure { for _ in 0..<rounds { _ = try? JSONDecoder().decode(ParsedMessage.self, from: json) } }
    say("\(file): \(bytes.count) bytes; parse \(parse / rounds), without search text \(withoutText / rounds), "
        + "structure only \(structure / rounds), extract \(extract / rounds); "
        + "JSON of the parse (\(json.count) bytes): encode \(encode / rounds), decode \(decode / rounds)")
}
if !benchmarkFiles.isEmpty { exit(0) }

var corpus: [[UInt8]] = []
for directory in directories {
    guard let e = FileManager.default.enumerator(atPath: directory) else { continue }
    for case let path as String in e {
        let full = (directory as NSString).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: full), data.count <= maxSize else { continue }
        corpus.append([UInt8](data))
    }
}
if corpus.isEmpty {
    corpus = [Array("From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n".utf8)]
}
say("mime-fuzz: \(corpus.count) seeds, \(iterations) iterations, seed \(seed)")

var rng = SplitMix64(seed: seed)
var mutator = Mutator(corpus: corpus, maxSize: maxSize)
let start = Date()
var bytesProcessed = 0
var lastReport = start
for i in 1...max(1, iterations) {
    let input = mutator.next(&rng)
    bytesProcessed += input.count
    if let failure = FuzzChecks.run(input) {
        _ = FileManager.default.createFile(atPath: "mime-fuzz-crash.eml", contents: Data(input))
        say("FAILED at iteration \(i): \(failure) (input saved to mime-fuzz-crash.eml)")
        exit(1)
    }
    if i % 10_000 == 0 || i == iterations {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        if i == iterations || now.timeIntervalSince(lastReport) >= 5 {
            lastReport = now
            say(String(format: "%9d inputs  %7.1f s  %8.0f inputs/s  %6.1f MB/s", i, elapsed, Double(i) / elapsed,
                         Double(bytesProcessed) / elapsed / 1_048_576))
        }
    }
}
say("mime-fuzz: done, no failures")
