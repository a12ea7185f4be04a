import IMAPCodec

/// LIST/LSUB pattern matching (RFC 3501 §6.3.8): `*` matches anything, `%` anything but the
/// hierarchy delimiter `/`. Dynamic programming, so hostile patterns cost O(name × pattern).
/// `INBOX` matches case-insensitively.
///
/// Names and patterns are compared by Unicode scalar, not by `Character`: a combining mark after
/// a `/` or a `%` would otherwise make one grapheme of the two, so that `%` matched across the
/// delimiter and a wildcard stopped being one; and two spellings of a name that are canonically
/// equivalent are two names to the store, so they are two to LIST as well.
enum ListPattern {
    static func matches(name: String, pattern: String) -> Bool {
        if name == "INBOX" || name.hasPrefix("INBOX/") {
            let scalars = Array(pattern.unicodeScalars)
            let upper = String(String.UnicodeScalarView(scalars.prefix(5))).uppercased().unicodeScalars + scalars.dropFirst(5)
            if match(Array(name.unicodeScalars), Array(upper)) { return true }
        }
        return match(Array(name.unicodeScalars), Array(pattern.unicodeScalars))
    }

    private static func match(_ name: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        guard pattern.count <= 1024 else { return false }
        // reachable[j]: the first i characters of the name can match the first j of the pattern.
        var reachable = [Bool](repeating: false, count: pattern.count + 1)
        reachable[0] = true
        for j in 0..<pattern.count where pattern[j] == "*" || pattern[j] == "%" {
            guard reachable[j] else { break }
            reachable[j + 1] = true
        }
        for character in name {
            var next = [Bool](repeating: false, count: pattern.count + 1)
            for j in 0..<pattern.count {
                let p = pattern[j]
                switch p {
                case "*":
                    // Stay on the wildcard (consume the character), or it was reachable already.
                    if reachable[j + 1] || reachable[j] { next[j + 1] = true }
                case "%":
                    if character != "/", reachable[j + 1] || reachable[j] { next[j + 1] = true }
                default:
                    if reachable[j], p == character { next[j + 1] = true }
                }
                // A wildcard may also match nothing after this character.
                if (p == "*" || p == "%"), next[j] { next[j + 1] = true }
            }
            reachable = next
        }
        return reachable[pattern.count]
    }
}

/// Builds compact sequence sets (`2:4,9`) from numbers.
enum SequenceSets {
    /// The numbers as a set: sorted, without repeats, runs joined into ranges.
    static func make(_ numbers: [UInt32]) -> SequenceSet {
        ordered(Array(Set(numbers)).sorted())
    }

    /// The numbers in the order given (COPYUID pairs source and destination UIDs in matching
    /// order; ESORT's ALL keeps the sort order), only ascending runs joined into ranges: `5:7`
    /// reads back as 5, 6, 7 whatever the reader's order, while `7:5` would not.
    static func ordered(_ numbers: [UInt32]) -> SequenceSet {
        var ranges: [SequenceRange] = []
        var start: UInt32?
        var previous: UInt32 = 0
        for n in numbers {
            if start != nil, previous < UInt32.max, n == previous + 1 {
                previous = n
                continue
            }
            if let s = start { ranges.append(SequenceRange(.number(s), .number(previous))) }
            start = n
            previous = n
        }
        if let s = start { ranges.append(SequenceRange(.number(s), .number(previous))) }
        return .ranges(ranges)
    }
}
