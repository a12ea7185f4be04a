import Foundation
import MailwardMIME

/// A SEARCH string prepared once for the many header values it is compared with. The match is
/// a substring match ignoring case (RFC 3501 §6.4.4) and diacritics (Mailward's choice, for
/// Pinyin and accented names), which Foundation's `range(of:options:)` does character cluster
/// by cluster: a `TEXT` search over 89 000 messages spent half of its 8 s there. Most header
/// values are ASCII, and for them folding the needle once and comparing bytes gives the same
/// answer; other values still go through Foundation.
struct SearchNeedle {
    let text: String
    /// The needle folded (case and diacritics) when that leaves ASCII only; an ASCII value can
    /// hold no other needle.
    private let foldedASCII: [UInt8]?

    init(_ text: String) {
        self.text = text
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        foldedASCII = folded.utf8.allSatisfy { $0 < 0x80 } ? Array(folded.utf8).map(\.asciiLowercased) : nil
    }

    func isFound(in haystack: String) -> Bool {
        let asciiAnswer = haystack.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            guard let needle = foldedASCII else { return false }
            return Self.find(needle, in: bytes)
        }
        if let answer = asciiAnswer ?? nil { return answer }
        return haystack.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
    }

    /// Whether `needle` (lowercase ASCII) occurs in `bytes` (ASCII) ignoring ASCII case.
    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard bytes.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(bytes.count - needle.count) where bytes[start].asciiLowercased == first {
            var i = 1
            while i < needle.count && bytes[start + i].asciiLowercased == needle[i] { i += 1 }
            if i == needle.count { return true }
        }
        return false
    }
}
