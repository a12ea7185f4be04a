import Foundation
import Testing
@testable import MailwardMIME

/// Compares MailwardMIME's reading of every fixture and corpus file with Python's `email` package
/// (`scripts/mime_reference.py`, `policy=email.policy.default`). Skipped when `python3` is missing.
///
/// Compared: the depth-first list of content types (Python's `walk()` order, which descends into
/// message/rfc822) and the decoded text of every text part, whitespace-normalised.
///
/// Deliberate differences (documented, not failures):
/// - a multipart whose boundary never occurs: we report one empty text/plain child (as Dovecot
///   does, IMAP needs one); Python reports no children;
/// - charsets: we decode GB2312/GBK with GB18030, Big5 with Big5-HKSCS, unknown labels and raw
///   8-bit "us-ascii" with UTF-8-then-GB18030; texts where Python produced U+FFFD (or failed) are
///   not compared;
/// - text bodies whose transfer encoding Python does not know; message/rfc822 parts with a
///   Base64/QP encoding and message/external-body, which we (like Dovecot) do not descend into.
@Suite("Reference comparison with Python email")
struct ReferenceComparisonTests {
    struct ReferencePart: Decodable {
        var content_type: String
        var filename: String?
        var is_attachment: Bool
        var text: String?
    }

    struct Reference: Decodable {
        var subject: String?
        var parts: [ReferencePart]
    }

    static func python() -> String? {
        for path in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(path)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func reference(for file: URL, python: String) -> Reference? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestSupport.repositoryRoot.appendingPathComponent("scripts/mime_reference.py").path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try? JSONDecoder().decode(Reference.self, from: data)
    }

    /// Our entities in Python's walk order: node, multipart children, encapsulated message root.
    static func walk(_ node: BodyStructure, _ visit: (BodyStructure) -> Void) {
        visit(node)
        for child in node.children { walk(child, visit) }
        if let inner = node.encapsulated { walk(inner, visit) }
    }

    @Test func structureAndTextMatchPython() throws {
        guard let python = Self.python() else { return }  // no python3: nothing to compare with
        var files = TestSupport.fixtureNames().map { TestSupport.fixturesDirectory.appendingPathComponent($0) }
        files += TestSupport.corpusFiles()
        var compared = 0, textsCompared = 0, skipped: [String] = []
        for file in files {
            let name = file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
            guard let reference = Self.reference(for: file, python: python) else { skipped.append(name); continue }
            let bytes = try [UInt8](Data(contentsOf: file))
            let root = MIMEParser.parse(bytes).bodyStructure
            var ours: [BodyStructure] = []
            Self.walk(root) { ours.append($0) }
            let theirs = reference.parts
            // Our synthetic empty part of a multipart without delimiters has no Python counterpart.
            ours.removeAll { $0.size == 0 && $0.headerRange.isEmpty && $0.mimeType == "text/plain" }
            if ours.map(\.mimeType) != theirs.map({ $0.content_type.lowercased() }) {
                // Deliberate: message/external-body and Base64/QP-encoded message/rfc822 are leaves for us.
                let deliberate = ours.contains { part in
                    part.mimeType == "message/external-body" || (part.mimeType == "message/rfc822" && part.encapsulated == nil)
                }
                if !deliberate {
                    Issue.record("\(name): structure differs\n ours:   \(ours.map(\.mimeType))\n python: \(theirs.map(\.content_type))")
                }
                continue
            }
            compared += 1
            for (part, ref) in zip(ours, theirs) {
                guard let expected = ref.text, part.isText, !expected.contains("\u{FFFD}") else { continue }
                if case .other = part.transferEncoding { continue }
                let actual = part.decodedText(in: bytes)
                if TestSupport.normalised(actual) != TestSupport.normalised(expected) {
                    Issue.record("\(name) \(part.mimeType) charset=\(part.charset): text differs\n ours:   \(actual.prefix(200).debugDescription)\n python: \(expected.prefix(200).debugDescription)")
                }
                textsCompared += 1
            }
        }
        #expect(compared >= 10)
        print("reference comparison: \(compared) files, \(textsCompared) texts compared; skipped: \(skipped)")
    }
}
