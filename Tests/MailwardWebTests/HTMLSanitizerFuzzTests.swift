import ProtocolFuzzing
import Testing
@testable import MailwardWeb

/// Deterministic mutation fuzzing of ``HTMLSanitizer``: the hostile corpus and some harmless
/// mail, spliced and mutated with what matters to an HTML tokenizer, checked for the properties
/// of ``HTMLSanitizerFuzzing`` (which the libFuzzer target checks too).
@Suite struct HTMLSanitizerFuzzTests {
    static let inputs = 20_000
    static let seed: UInt64 = 0x5A71_7E2E_D00D_F00D

    // MARK: - The fuzz loop

    @Test func mutatedInputsKeepTheSanitizersPromises() {
        var random = FuzzRandom(seed: Self.seed)
        let corpus = HTMLSanitizerTests.hostile + HTMLSanitizerFuzzing.harmless
        var failures: [String: String] = [:]  // property → shortest failing input
        for n in 0..<Self.inputs {
            let input = Self.mutant(corpus, &random, round: n)
            // Every input through the blocking sanitizer (the default), every other one also through the allowing one.
            let sanitizers = n % 2 == 0 ? [(HTMLSanitizerFuzzing.blocking, "blocking"), (HTMLSanitizerFuzzing.allowing, "allowing")]
                : [(HTMLSanitizerFuzzing.blocking, "blocking")]
            for problem in HTMLSanitizerFuzzing.check(input, sanitizers: sanitizers) {
                if let known = failures[problem], known.utf8.count <= input.utf8.count { continue }
                failures[problem] = input
            }
        }
        for (problem, input) in failures.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(problem) — shortest input: \(String(reflecting: input))")
        }
    }

    /// The input limit cuts a huge mail (even inside a multi-byte character) and the output stays bounded.
    @Test func hugeInputIsCutAndChecked() {
        let unit = "中文 text &amp; more text <b>b</b> and some more plain text to make the unit long enough."
        // 55 bytes ahead put the cut after the second of the three bytes of a 中.
        let input = String(repeating: "x", count: 55) + String(repeating: unit, count: HTMLSanitizer.inputLimit / unit.utf8.count + 1) + "<img src=//evil.example/i><script>alert(1)</script>"
        let output = HTMLSanitizerFuzzing.blocking.sanitize(input).html
        #expect(output.utf8.count <= HTMLSanitizerFuzzing.ratioBound * HTMLSanitizer.inputLimit)
        #expect(!output.contains("<img") && !output.contains("<script") && output.hasSuffix("</b> and some more plain text to make the unit long enough.\u{FFFD}"))
    }

    // MARK: - Mutations

    static func mutant(_ corpus: [String], _ random: inout FuzzRandom, round: Int) -> String {
        var bytes = Array(corpus[random.below(corpus.count)].utf8)
        let steps = 1 + random.below(6)
        for _ in 0..<steps {
            let at = random.below(bytes.count + 1)
            switch random.below(12) {
            case 0:  // splice another entry's piece
                let other = Array(corpus[random.below(corpus.count)].utf8)
                let from = random.below(other.count)
                let to = min(other.count, from + 1 + random.below(80))
                bytes.insert(contentsOf: other[from..<to], at: at)
            case 1:  // delete a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    bytes.removeSubrange(from..<min(bytes.count, from + 1 + random.below(8)))
                }
            case 2:  // duplicate a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    let run = bytes[from..<min(bytes.count, from + 1 + random.below(24))]
                    bytes.insert(contentsOf: run, at: random.below(bytes.count + 1))
                }
            case 3:  // a random byte (possibly breaking UTF-8)
                bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 4:  // flip a byte
                if !bytes.isEmpty { bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8)) }
            case 5:  // upper-case a run
                if !bytes.isEmpty {
                    let from = random.below(bytes.count)
                    for k in from..<min(bytes.count, from + 1 + random.below(20)) where bytes[k] >= 0x61 && bytes[k] <= 0x7A {
                        bytes[k] -= 32
                    }
                }
            case 6:  // random text, Chinese and other scripts
                var text = String.UnicodeScalarView()
                for _ in 0..<(1 + random.below(6)) {
                    let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x4E00...0x9FFF, 0x80...0x2FF, 0x0600...0x06FF, 0x1F300...0x1F5FF, 0x300...0x36F]
                    let range = ranges[random.below(ranges.count)]
                    text.append(Unicode.Scalar(range.lowerBound + UInt32(random.below(Int(range.upperBound - range.lowerBound + 1))))!)
                }
                bytes.insert(contentsOf: Array(String(text).utf8), at: at)
            case 7:  // over-long names and values
                let long = String(repeating: ["a", "x", "on", "é", "&", "<"][random.below(6)], count: 100 + random.below(random.chance(10) ? 1200 : 200))
                bytes.insert(contentsOf: Array((["<", " ", "=\"", ""][random.below(4)] + long).utf8), at: at)
            case 8:  // deep nesting
                let open = ["<div>", "<b>", "<a href=https://x/>", "<table><tr><td>", "<svg>", "<p title='"][random.below(6)]
                bytes.insert(contentsOf: Array(String(repeating: open, count: 1 + (random.chance(10) ? random.below(300) : random.below(20))).utf8), at: at)
            default:  // a token that matters to HTML parsing
                var token = HTMLSanitizerFuzzing.tokens[random.below(HTMLSanitizerFuzzing.tokens.count)]
                if random.chance(20) { token = token.uppercased() }
                bytes.insert(contentsOf: Array(token.utf8), at: at)
            }
            if bytes.count > 3 * 1024 { bytes.removeSubrange((3 * 1024)...) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The fuzzers' seeded generator (ProtocolFuzzing's SplitMix64), with the two draws this test uses.
struct FuzzRandom {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
