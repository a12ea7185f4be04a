import MailwardMIME
import Testing

/// RFC 5322 §2.1.1's 998-octet line limit for what leaves the server (LongLines).
@Suite struct LongLinesTests {
    func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    }

    @Test func linesWithinTheLimitAreLeftAlone() {
        let message = Array(("Subject: \(String(repeating: "s", count: 989))\r\n\r\n" + String(repeating: "b", count: 998) + "\r\n").utf8)
        #expect(!LongLines.exceed(message))
        #expect(LongLines.folded(message) == message)
        #expect(LongLines.folded([]) == [])
    }

    @Test func aLongHeaderFieldIsFoldedAtItsSpacesAndUnfoldsToItself() {
        let words = (1...300).map { "word\($0)" }.joined(separator: " ")
        let message = Array("To: a@example.org\r\nSubject: \(words)\r\n\r\nBody\r\n".utf8)
        #expect(LongLines.exceed(message))
        let folded = LongLines.folded(message)
        let out = lines(folded)
        #expect(out.allSatisfy { $0.utf8.count <= 998 })
        #expect(out.first == "To: a@example.org")
        #expect(out.dropFirst(2).first?.first == " ", "a continuation line starts with the space it was folded at")
        // Unfolding (RFC 5322 §2.2.3: remove each CRLF before a blank) gives the field back.
        let text = String(decoding: folded, as: UTF8.self)
        #expect(text.replacingOccurrences(of: "\r\n ", with: " ") == String(decoding: message, as: UTF8.self))
        #expect(text.hasSuffix("\r\n\r\nBody\r\n"))
    }

    @Test func aLineWithoutBlanksGetsAnAddedSpaceNeverInsideACharacter() {
        // 1 500 three-octet characters: 4 500 octets, no blank anywhere.
        let chinese = String(repeating: "中", count: 1_500)
        let message = Array("Subject: x\r\n\r\n\(chinese)\r\n".utf8)
        let folded = LongLines.folded(message)
        let out = lines(folded)
        #expect(out.allSatisfy { $0.utf8.count <= 998 }, "\(out.map { $0.utf8.count })")
        #expect(!out.joined().contains("\u{FFFD}"), "every piece is whole UTF-8")
        let pieces = out.dropFirst(2).filter { !$0.isEmpty }
        #expect(pieces.count == 5)
        #expect(pieces.dropFirst().allSatisfy { $0.hasPrefix(" 中") })
        #expect(pieces.map { $0.replacingOccurrences(of: " ", with: "") }.joined() == chinese)
    }

    @Test func aVeryLongLineBecomesManyAndBlankRunsStayWhole() {
        let line = (0..<2_000).map { $0 % 50 == 49 ? "  " : "x" }.joined()
        let message = Array(("<p>" + line + "</p>\r\nnext\r\n").utf8)
        let folded = LongLines.folded(message)
        let out = lines(folded)
        #expect(out.count > 3 && out.allSatisfy { $0.utf8.count <= 998 })
        // Breaks come before a run of blanks: no line ends in a blank.
        #expect(out.allSatisfy { $0.last != " " })
        #expect(String(decoding: folded, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: " ")
                == String(decoding: message, as: UTF8.self))
        #expect(LongLines.folded(folded) == folded, "folding twice changes nothing more")
    }

    /// Random messages (a fixed seed): every line ends within the limit, short lines and valid
    /// UTF-8 stay so, and folding again changes nothing.
    @Test func randomLinesKeepTheInvariants() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let pieces = ["a", "word", " ", "\t", "  ", "中", "é", "😀", "<b>", "x"]
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<(1 + next(6)) {
                let length = [0, 5, 900, 998, 999, 1_500, 4_000][next(7)]
                var line = ""
                while line.utf8.count < length { line += pieces[next(pieces.count)] }
                text += line + "\r\n"
            }
            let message = Array(text.utf8)
            let folded = LongLines.folded(message, limit: 998)
            let out = lines(folded)
            #expect(out.allSatisfy { $0.utf8.count <= 998 })
            #expect(String(validating: folded, as: UTF8.self) != nil)
            #expect(LongLines.folded(folded) == folded)
            for line in lines(message) where line.utf8.count <= 998 { #expect(out.contains(line)) }
        }
    }

    @Test func aLastLineWithoutItsEndingIsFoldedToo() {
        let message = Array(String(repeating: "y", count: 2_500).utf8)
        let out = lines(LongLines.folded(message))
        #expect(out.map(\.utf8.count) == [998, 998, 506])
    }
}
