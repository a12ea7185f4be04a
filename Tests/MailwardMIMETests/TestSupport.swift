import Foundation
@testable import MailwardMIME

/// Helpers shared by the test files: fixture and corpus locations, CRLF message literals.
enum TestSupport {
    /// `Tests/MailwardMIMETests/Fixtures`, found relative to this source file (no bundle resources).
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// `/work/shared/corpora/mime` beside the repository (`<repo>/../shared/corpora/mime`), or
    /// beside the folder of a git worktree (`<worktree>/../../shared/corpora/mime`).
    static let corpusDirectory: URL = {
        let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = ["../shared/corpora/mime", "../../shared/corpora/mime"].map {
            repository.appendingPathComponent($0).standardizedFileURL
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
    }()

    /// Repository root (for `scripts/mime_reference.py`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent(name)))) ?? []
    }

    static func fixtureNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
    }

    /// Every `.eml` under the shared corpus (empty when the folder is missing).
    static func corpusFiles() -> [URL] {
        guard let e = FileManager.default.enumerator(at: corpusDirectory, includingPropertiesForKeys: nil) else { return [] }
        return e.compactMap { $0 as? URL }.filter { $0.pathExtension == "eml" }.sorted { $0.path < $1.path }
    }

    /// A message literal with LF line ends turned into CRLF.
    static func crlf(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// The text of a byte range of `bytes`.
    static func slice(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Whitespace runs collapsed, trimmed.
    static func normalised(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Deterministic generator for builder tests and the fuzzer-style tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
