import Foundation
import IMAPCodec
import NIOCore
import Testing

/// Real-world messages (../shared/corpora/mime) survive APPEND framing byte for byte,
/// with synchronizing and non-synchronizing literals, whole and split.
@Suite struct CorpusAppendTests {
    static func corpusMessages() -> [(String, [UInt8])] {
        let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [repoRoot.appendingPathComponent("../shared/corpora/mime").path, "/work/shared/corpora/mime"]
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
              let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var messages: [(String, [UInt8])] = []
        for case let path as String in enumerator where path.hasSuffix(".eml") {
            if let data = FileManager.default.contents(atPath: root + "/" + path) {
                messages.append((path, Array(data)))
            }
        }
        return messages.sorted { $0.0 < $1.0 }
    }

    @Test func appendsEveryCorpusMessage() throws {
        let messages = Self.corpusMessages()
        try #require(!messages.isEmpty, "MIME corpus not found")
        for (name, bytes) in messages {
            for plus in ["", "+"] {
                let head = Array("A1 APPEND INBOX (\\Seen) {\(bytes.count)\(plus)}\r\n".utf8)
                let input = head + bytes + Array("\r\nA2 NOOP\r\n".utf8)
                let expectedContinuations = plus.isEmpty ? 1 : 0
                // Whole, then at a spread of split points.
                let step = max(1, input.count / 37)
                for split in stride(from: 0, through: input.count, by: step) {
                    var harness = DecoderHarness()
                    let results = harness.feed(input[..<split]) + harness.feed(input[split...])
                    let continuations = results.filter { if case .continuationNeeded = $0 { true } else { false } }
                    #expect(continuations.count == expectedContinuations, "\(name)")
                    let commands = results.compactMap { result -> TaggedCommand? in
                        if case .command(let c) = result { c } else { nil }
                    }
                    guard commands.count == 2, case .append(let append) = commands[0].command else {
                        Issue.record("\(name) split \(split): \(results)")
                        break
                    }
                    #expect(append.messages.first?.data == ByteBuffer(bytes: bytes), "\(name)")
                    #expect(commands[1].command == .noop)
                }
            }
        }
    }
}
