import Foundation
import MailwardMIME

/// The checks run on every fuzz input; returns a description of the first violated invariant.
enum FuzzChecks {
    static func run(_ input: [UInt8]) -> String? {
        let parsed = MIMEParser.parse(input)
        var failure: String?
        parsed.bodyStructure.forEachPart { path, part in
            guard failure == nil else { return }
            if part.headerRange.lowerBound < 0 || part.bodyRange.upperBound > input.count
                || part.headerRange.upperBound > part.bodyRange.lowerBound {
                failure = "range out of bounds at \(path)"
                return
            }
            if parsed.bodyStructure.part(at: path) != part { failure = "part(at: \(path)) disagrees with forEachPart" }
            _ = part.decodedText(in: input)
        }
        if let failure { return failure }
        if parsed.searchText.utf8.count > ParsedMessage.searchTextLimit + 1 { return "searchText over its limit" }
        let content = MessageContent.extract(from: parsed.bodyStructure, in: input)
        for a in content.attachments where MessageContent.attachmentData(at: a.partPath, structure: parsed.bodyStructure, in: input) == nil {
            return "attachment \(a.partPath) has no data"
        }
        return roundTrip(parsed, content)
    }

    /// Rebuilds a message from what was extracted and checks the parser reads the same content back.
    static func roundTrip(_ parsed: ParsedMessage, _ content: MessageContent) -> String? {
        var builder = MessageBuilder(date: parsed.date ?? Date(timeIntervalSince1970: 0))
        builder.from = parsed.from.filter { isPlainAddress($0.address) }
        builder.subject = parsed.subject
        builder.textBody = content.textBody
        builder.htmlBody = content.htmlBody
        builder.attachments = content.attachments.prefix(3).map {
            .init(filename: $0.filename ?? "file", contentType: $0.contentType, data: Array($0.filename?.utf8 ?? "x".utf8))
        }
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: parsed.size))
        let rebuilt = builder.build(using: &rng).bytes
        let reparsed = MIMEParser.parse(rebuilt)
        let recontent = MessageContent.extract(from: reparsed.bodyStructure, in: rebuilt)
        func norm(_ s: String?) -> String { (s ?? "").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        if norm(reparsed.subject) != norm(parsed.subject) { return "round trip: subject \(String(reflecting: parsed.subject)) became \(String(reflecting: reparsed.subject))" }
        // With neither body the builder writes an empty text/plain part.
        let expectedText = normalisedText(content.textBody ?? (content.htmlBody == nil ? "" : nil))
        if recontent.textBody != expectedText { return "round trip: text body differs: " + difference(recontent.textBody, expectedText) }
        if recontent.htmlBody != normalisedText(content.htmlBody) { return "round trip: html body differs: " + difference(recontent.htmlBody, normalisedText(content.htmlBody)) }
        if recontent.attachments.map(\.filename) != builder.attachments.map(\.filename) { return "round trip: attachment names differ" }
        if reparsed.from.map(\.address) != builder.from.map(\.address) { return "round trip: from differs" }
        return nil
    }

    /// `dot-atom@dot-atom`: the addresses the builder writes without quoting.
    static func isPlainAddress(_ address: String) -> Bool {
        let pieces = address.split(separator: "@", omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return false }
        return pieces.allSatisfy { piece in
            !piece.isEmpty && !piece.hasPrefix(".") && !piece.hasSuffix(".") && !piece.contains("..")
                && piece.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || "!#$%&'*+-/=?^_`{|}~.".utf8.contains($0) }
        }
    }

    static func difference(_ a: String?, _ b: String?) -> String {
        guard let a, let b else { return "\(a == nil ? "nil" : "text") vs \(b == nil ? "nil" : "text")" }
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0
        while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
        func around(_ s: [Unicode.Scalar]) -> String {
            String(String.UnicodeScalarView(s[max(0, i - 20)..<min(s.count, i + 20)])).debugDescription
        }
        return "at scalar \(i): got \(around(x)) expected \(around(y))"
    }

    /// Text bodies already have LF line ends; the builder only changes lone CRs.
    static func normalisedText(_ s: String?) -> String? {
        s.map { $0.replacingOccurrences(of: "\r", with: "\n") }
    }
}
