import IMAPCodec
import NIOCore
import Testing

/// What real clients send, line for line, decoded as one connection's byte stream.
struct ClientTranscript: CustomTestStringConvertible, Sendable {
    var client: String
    var input: String
    /// The tags of the commands expected, in order (continuations and IDLE `DONE` are listed as
    /// `+` and `DONE`; AUTHENTICATE responses as `AUTH`).
    var expected: [String]
    var testDescription: String { client }
}

let clientTranscripts: [ClientTranscript] = [
    .init(client: "Foxmail", input: """
        a1 ID ("name" "Foxmail" "version" "7.2")\r
        C2 LOGIN user@example.com secret\r
        C3 LIST "" "*"\r
        C4 SELECT "&XfJT0ZAB-"\r
        2 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)])\r
        3 UID SEARCH UNDELETED SINCE 1-Nov-2026\r
        4 APPEND INBOX (\\Seen) "29-Nov-2026 10:00:00 +0800" {12}\r
        Hello world!\r
        C5 LOGOUT\r

        """, expected: ["a1", "C2", "C3", "C4", "2", "3", "+", "4", "C5"]),
    .init(client: "iPhone Mail", input: """
        1 CAPABILITY\r
        2 ID ("name" "iPhone Mail" "version" "21A329" "os" "iOS" "os-version" "17.0 (21A329)")\r
        3 LOGIN "user@example.com" "pass word"\r
        4 LIST "" ""\r
        5 LIST "" "*"\r
        6 SELECT INBOX\r
        7 FETCH 1:* (FLAGS UID)\r
        8 UID FETCH 1:12 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT TO CC MESSAGE-ID REFERENCES IN-REPLY-TO)])\r
        9 IDLE\r
        DONE\r
        10 UID FETCH 5 (BODYSTRUCTURE)\r
        11 UID FETCH 5 (BODY.PEEK[1]<0.20480>)\r
        12 UID STORE 5 +FLAGS.SILENT (\\Seen)\r
        13 UID MOVE 5 "Deleted Messages"\r
        14 APPEND "Sent Messages" (\\Seen) {5}\r
        Hi!\r\n\r
        15 LOGOUT\r

        """, expected: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "DONE", "10", "11", "12", "13", "+", "14", "15"]),
    .init(client: "Outlook", input: """
        AAAA CAPABILITY\r
        AAAB AUTHENTICATE PLAIN\r
        AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0\r
        AAAC LIST "" "*"\r
        AAAD SELECT "INBOX"\r
        AAAE UID FETCH 1:* (UID FLAGS)\r
        AAAF UID STORE 7 +FLAGS (\\Deleted \\Seen)\r
        AAAG EXPUNGE\r
        AAAH STATUS "Sent Items" (MESSAGES UNSEEN)\r
        AAAI NOOP\r

        """, expected: ["AAAA", "AAAB", "AUTH", "AAAC", "AAAD", "AAAE", "AAAF", "AAAG", "AAAH", "AAAI"]),
    .init(client: "Thunderbird", input: """
        1 capability\r
        2 authenticate PLAIN\r
        AHVzZXIAc2VjcmV0\r
        3 ID ("name" "Thunderbird" "version" "128.5.0")\r
        4 namespace\r
        5 list (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)\r
        6 select "INBOX" (CONDSTORE)\r
        7 UID fetch 1:* (FLAGS) (CHANGEDSINCE 12345)\r
        8 UID fetch 3:4 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])\r
        9 UID fetch 4 (UID RFC822.SIZE BODY.PEEK[]<0.10240>)\r
        10 getquotaroot "INBOX"\r
        11 uid store 4 +Flags (\\Seen)\r
        12 IDLE\r
        DONE\r
        13 logout\r

        """, expected: ["1", "2", "AUTH", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "DONE", "13"]),
    .init(client: "mbsync", input: """
        1 CAPABILITY\r
        2 AUTHENTICATE PLAIN AHVzZXIAc2VjcmV0\r
        3 LIST "" "*"\r
        4 SELECT "INBOX"\r
        5 UID FETCH 1:1000000000 (UID FLAGS)\r
        6 UID FETCH 3 (BODY.PEEK[])\r
        7 APPEND "INBOX" (\\Seen) "29-Nov-2026 10:00:00 +0800" {12+}\r
        Hello world!\r
        8 UID STORE 3 +FLAGS.SILENT \\Deleted\r
        9 CLOSE\r
        10 LOGOUT\r

        """, expected: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]),
    .init(client: "Python imaplib", input: """
        JLNK1 CAPABILITY\r
        JLNK2 LOGIN user "secret"\r
        JLNK3 SELECT INBOX\r
        JLNK4 SEARCH ALL\r
        JLNK5 FETCH 1 (RFC822)\r
        JLNK6 APPEND INBOX () "29-Nov-2026 10:00:00 +0800" {6}\r
        a\r\nb\r\r
        JLNK7 STORE 1 +FLAGS (\\Deleted)\r
        JLNK8 EXPUNGE\r
        JLNK9 LOGOUT\r

        """, expected: ["JLNK1", "JLNK2", "JLNK3", "JLNK4", "JLNK5", "+", "JLNK6", "JLNK7", "JLNK8", "JLNK9"]),
]

@Suite struct ClientTranscriptTests {
    @Test(arguments: clientTranscripts)
    func decodes(_ transcript: ClientTranscript) {
        let results = DecoderHarness.decodeAllSplits(transcript.input)
        let summary: [String] = results.map {
            switch $0 {
            case .command(let c):
                if case .unknown = c.command { return "unknown" }
                return c.tag
            case .continuationNeeded: return "+"
            case .idleDone: return "DONE"
            case .authenticateResponse: return "AUTH"
            case .error(let e): return "error(\(e))"
            case .needMoreData: return "?"
            }
        }
        #expect(summary == transcript.expected)
    }

    @Test func appendCarriesMessageBytes() {
        let results = DecoderHarness.decode("4 APPEND INBOX (\\Seen) \"29-Nov-2026 10:00:00 +0800\" {12}\r\nHello world!\r\n")
        #expect(results.first == .continuationNeeded(tag: "4"))
        guard case .command(let command) = results.last, case .append(let append) = command.command else {
            Issue.record("no APPEND")
            return
        }
        #expect(append.mailbox == .inbox)
        #expect(append.messages.count == 1)
        #expect(append.messages[0].flags == [.seen])
        #expect(append.messages[0].internalDate == IMAPDateTime("29-Nov-2026 10:00:00 +0800"))
        #expect(append.messages[0].data == ByteBuffer("Hello world!"))
    }

    @Test func multiAppendAndBinary() {
        let input = "a APPEND Drafts {2+}\r\nab (\\Draft) ~{3+}\r\nc\0d UTF8 (~{1+}\r\ne)\r\n"
        let results = DecoderHarness.decodeAllSplits(input)
        guard case .command(let command) = results.last, case .append(let append) = command.command else {
            Issue.record("no APPEND: \(results)")
            return
        }
        #expect(append.messages.map { String(buffer: $0.data) } == ["ab", "c\0d", "e"])
        #expect(append.messages.map(\.isBinary) == [false, true, true])
        #expect(append.messages[1].flags == [.draft])
    }
}
