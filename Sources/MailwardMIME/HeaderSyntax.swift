/// Checks for values that callers put into header fields of messages they build: a message
/// identifier (RFC 5322 §3.6.4) and a MIME type (RFC 2045 §5.1). Both answer a normalized form
/// or nil, so a caller refuses (or replaces) anything else instead of writing it into a message.
public enum HeaderSyntax {
    /// Longest accepted msg-id, angle brackets included. RFC 5322 sets no bound below the line
    /// limit; real identifiers are well under 100 characters.
    public static let maxMessageIDLength = 250

    /// `<id-left@id-right>` with angle brackets (added when missing), or nil.
    ///
    /// id-left is atext and dots; id-right is atext and dots or a `[…]` literal of dtext. No
    /// blank, CR, LF, control or non-ASCII character anywhere — so the value can never start a
    /// new header line. Blanks around the whole value are trimmed.
    public static func messageID(_ text: String) -> String? {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first.isWSP { bytes = bytes.dropFirst() }
        while let last = bytes.last, last.isWSP { bytes = bytes.dropLast() }
        if bytes.first == ASCII.lessThan {
            guard bytes.last == ASCII.greaterThan, bytes.count >= 2 else { return nil }
            bytes = bytes.dropFirst().dropLast()
        }
        guard bytes.count + 2 <= maxMessageIDLength, let at = bytes.firstIndex(of: ASCII.at) else { return nil }
        let left = bytes[..<at], right = bytes[(at + 1)...]
        guard !left.isEmpty, left.allSatisfy(isIDText) else { return nil }
        if right.first == ASCII.openBracket {
            guard right.count >= 2, right.last == ASCII.closeBracket,
                  right.dropFirst().dropLast().allSatisfy(isDText) else { return nil }
        } else {
            guard !right.isEmpty, right.allSatisfy(isIDText) else { return nil }
        }
        return "<" + String(decoding: bytes, as: UTF8.self) + ">"
    }

    /// The msg-ids of a `References` or `In-Reply-To` value (`<a@b> <c@d>`, comments and other
    /// junk between them skipped), each as ``messageID(_:)`` answers it; invalid ones are dropped.
    public static func messageIDs(_ text: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            if let id = messageID(String(rest[open...close])) { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }

    /// `type/subtype` in lower case when both are RFC 2045 tokens (parameters after `;` are
    /// dropped), or nil.
    public static func mimeType(_ text: String) -> String? {
        let essence = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = essence.utf8.split(separator: ASCII.slash, omittingEmptySubsequences: false)
        var trimmed = parts.map { part -> ArraySlice<UInt8> in
            var p = ArraySlice(part)
            while let first = p.first, first.isWSP { p = p.dropFirst() }
            while let last = p.last, last.isWSP { p = p.dropLast() }
            return p
        }
        guard trimmed.count == 2, trimmed.allSatisfy({ !$0.isEmpty && $0.count <= 127 && $0.allSatisfy(isToken) }) else { return nil }
        trimmed = trimmed.map { ArraySlice($0.map(\.asciiLowercased)) }
        return String(decoding: trimmed[0], as: UTF8.self) + "/" + String(decoding: trimmed[1], as: UTF8.self)
    }

    /// RFC 5322 atext, plus the dot of dot-atom-text.
    static func isIDText(_ b: UInt8) -> Bool {
        b.isASCIILetter || b.isASCIIDigit || "!#$%&'*+-/=?^_`{|}~.".utf8.contains(b)
    }

    /// RFC 5322 dtext: printable ASCII except `[`, `]` and `\`.
    static func isDText(_ b: UInt8) -> Bool {
        b >= 0x21 && b <= 0x7E && b != ASCII.openBracket && b != ASCII.closeBracket && b != ASCII.backslash
    }

    /// RFC 2045 token: printable ASCII except blanks and tspecials.
    static func isToken(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && !"()<>@,;:\\\"/[]?=".utf8.contains(b)
    }
}
