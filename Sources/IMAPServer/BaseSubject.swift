import Foundation
import MailwardMIME

/// The "base subject" of RFC 5256 §2.1, which SORT (SUBJECT) orders by: the subject without
/// the `Re:` / `Fw:` / `Fwd:` leaders, `[list]` blobs, `(fwd)` trailers and `[Fwd: …]` wrappers
/// that replies and forwards add, so a thread's messages sort together. Chinese clients'
/// leaders (`回复:`, `答复:`, `转发:`, with an ASCII or a full-width colon — Foxmail, Outlook
/// zh-CN) are removed as well; RFC 5256 allows a server to know more leaders than its grammar.
///
/// The subject is cut from both ends of one array slice (each cut O(1)), so a hostile subject of
/// thousands of leaders or nested `[Fwd:` wrappers costs time linear in its length.
enum BaseSubject {
    private typealias Text = ArraySlice<Character>

    /// The base subject of a `Subject:` field value (encoded words still encoded).
    static func of(_ subject: String) -> String {
        extract(subject).base
    }

    /// The base subject, and whether the subject is a reply's or a forward's: whether a `Re:` /
    /// `Fwd:` leader, a `(fwd)` trailer or a `[Fwd: …]` wrapper was removed (THREAD=REFERENCES
    /// joins such a message under the one it answers, RFC 5256 §3).
    static func extract(_ subject: String) -> (base: String, isReplyOrForward: Bool) {
        // (1) Decode, turn every run of white space into one space.
        var s = Text(EncodedWord.decode(subject).split(whereSeparator: { $0.isWhitespace }).joined(separator: " "))
        var replyOrForward = false
        while true {
            // (2) Remove trailers: "(fwd)" and white space at the end.
            if removeTrailers(&s) { replyOrForward = true }
            // (3)–(5) Remove leaders and leading blobs until none is left.
            while true {
                let leaders = removeLeaders(&s)
                if leaders.refwd { replyOrForward = true }
                var changed = leaders.removed
                // (4) Leading blobs, as long as something is left after them (all at once: a
                // blob followed by a leader would have gone in step 3).
                var blobs = 0
                while let blob = blobLength(s, at: blobs), blobs + blob < s.count { blobs += blob }
                if blobs > 0 {
                    s.removeFirst(blobs)
                    changed = true
                }
                if !changed { break }
            }
            // (6) "[fwd: …]" wraps the rest: unwrap and start again.
            if s.count >= 6, hasWord("[fwd:", in: s, at: 0), s.last == "]" {
                s.removeFirst(5)
                s.removeLast()
                replyOrForward = true
                continue
            }
            return (String(s).trimmingCharacters(in: .whitespaces), replyOrForward)
        }
    }

    /// Removes `(fwd)` trailers and white space at the end; whether a `(fwd)` was removed.
    private static func removeTrailers(_ s: inout Text) -> Bool {
        var forward = false
        while true {
            if s.last == " " {
                s.removeLast()
            } else if s.count >= 5, hasWord("(fwd)", in: s, at: s.count - 5) {
                s.removeLast(5)
                forward = true
            } else {
                return forward
            }
        }
    }

    /// `subj-leader = (*subj-blob subj-refwd) / WSP`, repeated; whether one was removed, and
    /// whether one of them was a `subj-refwd`.
    private static func removeLeaders(_ s: inout Text) -> (removed: Bool, refwd: Bool) {
        var start = 0
        var refwd = false
        while true {
            if start < s.count, character(s, start) == " " {
                start += 1
                continue
            }
            var i = start
            while let blob = blobLength(s, at: i) { i += blob }
            guard let length = refwdLength(s, at: i) else { break }
            start = i + length
            refwd = true
        }
        s.removeFirst(start)
        return (start > 0, refwd)
    }

    /// `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"` (and the Chinese leaders).
    private static func refwdLength(_ s: Text, at start: Int) -> Int? {
        var i = start
        if hasWord("fwd", in: s, at: i) { i += 3 }
        else if ["fw", "re", "回复", "答复", "转发"].contains(where: { hasWord($0, in: s, at: i) }) { i += 2 }
        else { return nil }
        while i < s.count, character(s, i) == " " { i += 1 }
        if let blob = blobLength(s, at: i) { i += blob }
        guard i < s.count, character(s, i) == ":" || character(s, i) == "：" else { return nil }
        return i + 1 - start
    }

    /// `subj-blob = "[" *BLOBCHAR "]" *WSP`: its length at offset `start`, if one is there.
    private static func blobLength(_ s: Text, at start: Int) -> Int? {
        guard start < s.count, character(s, start) == "[" else { return nil }
        var i = start + 1
        while i < s.count, character(s, i) != "[", character(s, i) != "]" { i += 1 }
        guard i < s.count, character(s, i) == "]" else { return nil }
        i += 1
        while i < s.count, character(s, i) == " " { i += 1 }
        return i - start
    }

    /// Whether `word` (lower case) is at offset `start`, ignoring case.
    private static func hasWord(_ word: String, in s: Text, at start: Int) -> Bool {
        guard start >= 0, s.count - start >= word.count else { return false }
        return zip(s[(s.startIndex + start)...], word).allSatisfy { $0.lowercased() == String($1) }
    }

    private static func character(_ s: Text, _ offset: Int) -> Character {
        s[s.startIndex + offset]
    }
}
