import IMAPCodec
import NIOCore
import Testing

/// One line in, one command out — every split of the line gives the same.
struct CommandFixture: CustomTestStringConvertible, Sendable {
    var line: String
    var expected: Command
    var testDescription: String { line.trimmingSuffixCRLF }
}

extension String {
    var trimmingSuffixCRLF: String { hasSuffix("\r\n") ? String(dropLast(2)) : self }
}

private func mb(_ s: String) -> MailboxName { MailboxName(bytes: Array(s.utf8)) }
private func set(_ ranges: (UInt32, UInt32?)...) -> SequenceSet {
    .ranges(ranges.map { SequenceRange(.number($0.0), $0.1.map { $0 == 0 ? .last : .number($0) } ?? .number($0.0)) })
}
private let oneToStar = SequenceSet.ranges([SequenceRange(.number(1), .last)])
private func date(_ y: Int, _ m: Int, _ d: Int) -> IMAPDate { IMAPDate(year: y, month: m, day: d)! }

let commandFixtures: [CommandFixture] = [
    // Any state
    .init(line: "a CAPABILITY\r\n", expected: .capability),
    .init(line: "a noop\r\n", expected: .noop),
    .init(line: "a LOGOUT\r\n", expected: .logout),
    .init(line: "a ID NIL\r\n", expected: .id(nil)),
    .init(line: "a1 ID (\"name\" \"Foxmail\" \"version\" \"7.2\")\r\n",
          expected: .id([.init(key: "name", value: "Foxmail"), .init(key: "version", value: "7.2")])),
    .init(line: "a ID (\"name\" NIL)\r\n", expected: .id([.init(key: "name", value: nil)])),
    // Not authenticated
    .init(line: "a STARTTLS\r\n", expected: .starttls),
    .init(line: "a COMPRESS DEFLATE\r\n", expected: .compress("DEFLATE")),
    .init(line: "a AUTHENTICATE PLAIN\r\n", expected: .authenticate(mechanism: "PLAIN", initialResponse: nil)),
    .init(line: "a AUTHENTICATE PLAIN AHVzZXIAcGFzcw==\r\n",
          expected: .authenticate(mechanism: "PLAIN", initialResponse: Array("\0user\0pass".utf8))),
    .init(line: "a AUTHENTICATE XOAUTH2 =\r\n", expected: .authenticate(mechanism: "XOAUTH2", initialResponse: [])),
    .init(line: "a LOGIN joe secret\r\n", expected: .login(username: "joe", password: "secret")),
    .init(line: "a LOGIN \"joe@example.com\" \"p a\\\"ss\\\\\"\r\n",
          expected: .login(username: "joe@example.com", password: "p a\"ss\\")),
    .init(line: "a LOGIN {3+}\r\njoe {6+}\r\nsecret\r\n", expected: .login(username: "joe", password: "secret")),
    .init(line: "a LOGIN \"张三\" \"密码\"\r\n", expected: .login(username: "张三", password: "密码")),
    // Authenticated
    .init(line: "a ENABLE CONDSTORE UTF8=ACCEPT\r\n", expected: .enable(["CONDSTORE", "UTF8=ACCEPT"])),
    .init(line: "a SELECT INBOX\r\n", expected: .select(.inbox, [])),
    .init(line: "a select \"inbox\"\r\n", expected: .select(.inbox, [])),
    .init(line: "a SELECT Inbox (CONDSTORE)\r\n", expected: .select(.inbox, [.condstore])),
    .init(line: "a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n",
          expected: .select(.inbox, [.qresync(.init(uidValidity: 67_890_007, modSequence: 20_050_715_194_045_000,
                                                    knownUIDs: set((41, nil), (43, 211), (214, 541))))])),
    .init(line: "a SELECT INBOX (QRESYNC (1 2 1:10 (1:3 4:6)))\r\n",
          expected: .select(.inbox, [.qresync(.init(uidValidity: 1, modSequence: 2, knownUIDs: set((1, 10)),
                                                    sequenceMatch: (set((1, 3)), set((4, 6)))))])),
    .init(line: "a EXAMINE \"&XfJT0ZAB-\"\r\n", expected: .examine(mb("&XfJT0ZAB-"), [])),
    .init(line: "a CREATE Drafts2 (USE (\\Drafts))\r\n", expected: .create(mb("Drafts2"), specialUse: [.drafts])),
    .init(line: "a CREATE \"a/b\"\r\n", expected: .create(mb("a/b"), specialUse: [])),
    .init(line: "a DELETE foo\r\n", expected: .delete(mb("foo"))),
    .init(line: "a SELECT ~/Mail/foo\r\n", expected: .select(mb("~/Mail/foo"), [])),
    .init(line: "a LIST ~/Mail/ %\r\n", expected: .list(.init(reference: mb("~/Mail/"), patterns: [Array("%".utf8)]))),
    .init(line: "a RENAME foo \"bar baz\"\r\n", expected: .rename(from: mb("foo"), to: mb("bar baz"))),
    .init(line: "a SUBSCRIBE foo\r\n", expected: .subscribe(mb("foo"))),
    .init(line: "a UNSUBSCRIBE foo\r\n", expected: .unsubscribe(mb("foo"))),
    .init(line: "a LIST \"\" *\r\n", expected: .list(.init(reference: mb(""), patterns: [Array("*".utf8)]))),
    .init(line: "a LIST \"\" \"\"\r\n", expected: .list(.init(reference: mb(""), patterns: [[]]))),
    .init(line: "a LIST \"\" %/%\r\n", expected: .list(.init(reference: mb(""), patterns: [Array("%/%".utf8)]))),
    .init(line: "a LIST (SUBSCRIBED SPECIAL-USE) \"\" (\"*\" INBOX) RETURN (SPECIAL-USE CHILDREN STATUS (MESSAGES UNSEEN))\r\n",
          expected: .list(.init(selectionOptions: [.subscribed, .specialUse], reference: mb(""),
                                patterns: [Array("*".utf8), Array("INBOX".utf8)],
                                returnOptions: [.specialUse, .children, .status([.messages, .unseen])]))),
    .init(line: "a LIST \"\" \"*\" RETURN ()\r\n", expected: .list(.init(reference: mb(""), patterns: [Array("*".utf8)]))),
    .init(line: "a LSUB \"\" \"*\"\r\n", expected: .lsub(reference: mb(""), pattern: Array("*".utf8))),
    .init(line: "a NAMESPACE\r\n", expected: .namespace),
    .init(line: "a STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)\r\n",
          expected: .status(.inbox, [.messages, .recent, .uidNext, .uidValidity, .unseen, .highestModSeq, .size])),
    .init(line: "a IDLE\r\n", expected: .idle),
    // Selected
    .init(line: "a CHECK\r\n", expected: .check),
    .init(line: "a CLOSE\r\n", expected: .close),
    .init(line: "a UNSELECT\r\n", expected: .unselect),
    .init(line: "a EXPUNGE\r\n", expected: .expunge),
    .init(line: "a UID EXPUNGE 3000:3002\r\n", expected: .uidExpunge(set((3000, 3002)))),
    .init(line: "a SEARCH ALL\r\n", expected: .search(.init(keys: [.all]), uid: false)),
    .init(line: "3 UID SEARCH UNDELETED SINCE 1-Nov-2026\r\n",
          expected: .search(.init(keys: [.undeleted, .since(date(2026, 11, 1))]), uid: true)),
    .init(line: "a SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n你好\r\n",
          expected: .search(.init(charset: "UTF-8", keys: [.subject("你好")]), uid: false)),
    .init(line: "a SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
          expected: .search(.init(keys: [.flagged, .since(date(1994, 2, 1)), .not(.from("Smith"))]), uid: false)),
    .init(line: "a SEARCH OR (FROM a TO b) NOT (SEEN DELETED) 2:4,* UID 1:* LARGER 100 SMALLER 9999\r\n",
          expected: .search(.init(keys: [
              .or(.and([.from("a"), .to("b")]), .not(.and([.seen, .deleted]))),
              .sequenceNumbers(.ranges([SequenceRange(.number(2), .number(4)), SequenceRange(.last)])),
              .uid(oneToStar), .larger(100), .smaller(9999),
          ]), uid: false)),
    .init(line: "a SEARCH $\r\n", expected: .search(.init(keys: [.sequenceNumbers(.lastSearchResult)]), uid: false)),
    .init(line: "a SEARCH HEADER Message-ID \"<x@y>\" KEYWORD $Junk UNKEYWORD NonJunk\r\n",
          expected: .search(.init(keys: [.header(field: "Message-ID", value: "<x@y>"), .keyword("$Junk"),
                                         .unkeyword("NonJunk")]), uid: false)),
    .init(line: "a SEARCH BEFORE \"1-Jan-2000\" ON 29-Feb-2024 SENTBEFORE 1-Jan-2000 SENTON 2-Jan-2000 SENTSINCE 3-Jan-2000\r\n",
          expected: .search(.init(keys: [.before(date(2000, 1, 1)), .on(date(2024, 2, 29)), .sentBefore(date(2000, 1, 1)),
                                         .sentOn(date(2000, 1, 2)), .sentSince(date(2000, 1, 3))]), uid: false)),
    .init(line: "a SEARCH ANSWERED DRAFT NEW OLD RECENT UNANSWERED UNDRAFT UNFLAGGED UNSEEN BCC x CC y BODY z TEXT t\r\n",
          expected: .search(.init(keys: [.answered, .draft, .new, .old, .recent, .unanswered, .undraft, .unflagged,
                                         .unseen, .bcc("x"), .cc("y"), .body("z"), .text("t")]), uid: false)),
    .init(line: "a SEARCH MODSEQ 620162338 OLDER 3600 YOUNGER 60\r\n",
          expected: .search(.init(keys: [.modSequence(620_162_338), .older(3600), .younger(60)]), uid: false)),
    .init(line: "a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
          expected: .search(.init(keys: [.modSequence(620_162_338)]), uid: false)),
    .init(line: "a UID SEARCH RETURN (MIN MAX COUNT ALL SAVE) UNSEEN\r\n",
          expected: .search(.init(keys: [.unseen], returnOptions: [.min, .max, .count, .all, .save]), uid: true)),
    .init(line: "a SEARCH RETURN () ALL\r\n", expected: .search(.init(keys: [.all], returnOptions: []), uid: false)),
    .init(line: "a SORT (REVERSE ARRIVAL) UTF-8 ALL\r\n",
          expected: .sort(.init(criteria: [.init(.arrival, reverse: true)], charset: "UTF-8", keys: [.all]), uid: false)),
    .init(line: "a uid sort (subject reverse date displayfrom SIZE) us-ascii UNSEEN FROM \"wang\"\r\n",
          expected: .sort(.init(criteria: [.init(.subject), .init(.date, reverse: true), .init(.displayFrom), .init(.size)],
                                charset: "us-ascii", keys: [.unseen, .from("wang")]), uid: true)),
    .init(line: "a SORT (CC TO FROM DISPLAYTO) \"UTF-8\" 1:* SUBJECT {6+}\r\n你好\r\n",
          expected: .sort(.init(criteria: [.init(.cc), .init(.to), .init(.from), .init(.displayTo)], charset: "UTF-8",
                                keys: [.sequenceNumbers(oneToStar), .subject("你好")]), uid: false)),
    .init(line: "a UID SORT RETURN (MIN max COUNT ALL SAVE) (DATE) UTF-8 UNSEEN\r\n",
          expected: .sort(.init(criteria: [.init(.date)], charset: "UTF-8", keys: [.unseen],
                                returnOptions: [.min, .max, .count, .all, .save]), uid: true)),
    .init(line: "a SORT RETURN () (SIZE) UTF-8 ALL\r\n",
          expected: .sort(.init(criteria: [.init(.size)], charset: "UTF-8", keys: [.all], returnOptions: []), uid: false)),
    .init(line: "a THREAD REFERENCES UTF-8 ALL\r\n",
          expected: .thread(.init(algorithm: .references, charset: "UTF-8", keys: [.all]), uid: false)),
    .init(line: "a uid thread orderedsubject \"us-ascii\" UNDELETED SINCE 1-Nov-2026\r\n",
          expected: .thread(.init(algorithm: .orderedSubject, charset: "us-ascii",
                                  keys: [.undeleted, .since(date(2026, 11, 1))]), uid: true)),
    .init(line: "a FETCH 1:* ALL\r\n", expected: .fetch(oneToStar, FetchAttribute.allMacro, modifiers: [], uid: false)),
    .init(line: "a FETCH 1 FAST\r\n", expected: .fetch(set((1, nil)), FetchAttribute.fastMacro, modifiers: [], uid: false)),
    .init(line: "a FETCH 1 FULL\r\n", expected: .fetch(set((1, nil)), FetchAttribute.fullMacro, modifiers: [], uid: false)),
    .init(line: "a FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
          expected: .fetch(set((2, 4)), [.flags, .bodySection(.init(kind: .headerFields(["DATE", "FROM"])), partial: nil, peek: false)],
                           modifiers: [], uid: false)),
    .init(line: "2 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM SUBJECT)])\r\n",
          expected: .fetch(oneToStar, [.uid, .flags, .rfc822Size,
                                       .bodySection(.init(kind: .headerFields(["DATE", "FROM", "SUBJECT"])), partial: nil, peek: true)],
                           modifiers: [], uid: true)),
    .init(line: "a UID FETCH 5 FLAGS\r\n", expected: .fetch(set((5, nil)), [.uid, .flags], modifiers: [], uid: true)),
    .init(line: "a FETCH 1 (UID INTERNALDATE RFC822 RFC822.HEADER RFC822.TEXT ENVELOPE BODY BODYSTRUCTURE MODSEQ)\r\n",
          expected: .fetch(set((1, nil)), [.uid, .internalDate, .rfc822, .rfc822Header, .rfc822Text, .envelope,
                                           .bodyStructure(extensible: false), .bodyStructure(extensible: true), .modSequence],
                           modifiers: [], uid: false)),
    .init(line: "a FETCH 1 (BODY[] BODY.PEEK[1.2.3] BODY[1.2.MIME] BODY[3.TEXT]<0.2048> BODY[HEADER] BODY[TEXT] BODY[2.HEADER.FIELDS.NOT (X-A)])\r\n",
          expected: .fetch(set((1, nil)), [
              .bodySection(.init(), partial: nil, peek: false),
              .bodySection(.init(part: [1, 2, 3]), partial: nil, peek: true),
              .bodySection(.init(part: [1, 2], kind: .mime), partial: nil, peek: false),
              .bodySection(.init(part: [3], kind: .text), partial: 0...2047, peek: false),
              .bodySection(.init(kind: .header), partial: nil, peek: false),
              .bodySection(.init(kind: .text), partial: nil, peek: false),
              .bodySection(.init(part: [2], kind: .headerFieldsNot(["X-A"])), partial: nil, peek: false),
          ], modifiers: [], uid: false)),
    .init(line: "a FETCH 1 (BINARY[1] BINARY.PEEK[1.2]<10.20> BINARY.SIZE[2] BINARY[])\r\n",
          expected: .fetch(set((1, nil)), [.binary(part: [1], partial: nil, peek: false), .binary(part: [1, 2], partial: 10...29, peek: true),
                                           .binarySize(part: [2]), .binary(part: [], partial: nil, peek: false)],
                           modifiers: [], uid: false)),
    .init(line: "a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
          expected: .fetch(oneToStar, [.uid, .flags], modifiers: [.changedSince(12345), .vanished], uid: true)),
    .init(line: "a STORE 2:4 +FLAGS (\\Deleted)\r\n",
          expected: .store(set((2, 4)), .init(kind: .add, silent: false, flags: [.deleted]), unchangedSince: nil, uid: false)),
    .init(line: "a UID STORE 5 -FLAGS.SILENT (\\Seen $Forwarded)\r\n",
          expected: .store(set((5, nil)), .init(kind: .remove, silent: true, flags: [.seen, .keyword("$Forwarded")]),
                           unchangedSince: nil, uid: true)),
    .init(line: "a STORE 1 FLAGS \\Answered \\Flagged\r\n",
          expected: .store(set((1, nil)), .init(kind: .replace, silent: false, flags: [.answered, .flagged]), unchangedSince: nil, uid: false)),
    .init(line: "a STORE 1 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Draft)\r\n",
          expected: .store(set((1, nil)), .init(kind: .add, silent: true, flags: [.draft]), unchangedSince: 320_162_338, uid: false)),
    .init(line: "a STORE 1 FLAGS ()\r\n",
          expected: .store(set((1, nil)), .init(kind: .replace, silent: false, flags: []), unchangedSince: nil, uid: false)),
    .init(line: "a COPY 2:4 MEETING\r\n", expected: .copy(set((2, 4)), mb("MEETING"), uid: false)),
    .init(line: "a UID COPY 4:2 \"Sent Items\"\r\n", expected: .copy(set((4, 2)), mb("Sent Items"), uid: true)),
    .init(line: "a MOVE 1 Trash\r\n", expected: .move(set((1, nil)), mb("Trash"), uid: false)),
    .init(line: "a UID MOVE 5,7:* \"Deleted Messages\"\r\n",
          expected: .move(.ranges([SequenceRange(.number(5)), SequenceRange(.number(7), .last)]), mb("Deleted Messages"), uid: true)),
    // QUOTA and ACL
    .init(line: "a GETQUOTA \"\"\r\n", expected: .getQuota(root: "")),
    .init(line: "a GETQUOTAROOT INBOX\r\n", expected: .getQuotaRoot(.inbox)),
    .init(line: "a SETQUOTA \"\" (STORAGE 512 MESSAGE 1000)\r\n",
          expected: .setQuota(root: "", limits: [.init(resource: "STORAGE", limit: 512), .init(resource: "MESSAGE", limit: 1000)])),
    .init(line: "a GETACL INBOX\r\n", expected: .getACL(.inbox)),
    .init(line: "a SETACL INBOX bob lrswi\r\n", expected: .setACL(.inbox, identifier: "bob", rights: "lrswi")),
    .init(line: "a SETACL INBOX bob -w\r\n", expected: .setACL(.inbox, identifier: "bob", rights: "-w")),
    .init(line: "a DELETEACL INBOX bob\r\n", expected: .deleteACL(.inbox, identifier: "bob")),
    .init(line: "a LISTRIGHTS INBOX bob\r\n", expected: .listRights(.inbox, identifier: "bob")),
    .init(line: "a MYRIGHTS INBOX\r\n", expected: .myRights(.inbox)),
    // Unknown
    .init(line: "a XYZZY foo bar\r\n", expected: .unknown("XYZZY")),
    .init(line: "a XLIST \"\" *\r\n", expected: .unknown("XLIST")),
    // Bare LF is tolerated
    .init(line: "a NOOP\n", expected: .noop),
]

@Suite struct CommandFixtureTests {
    @Test(arguments: commandFixtures)
    func parses(_ fixture: CommandFixture) {
        let tag = String(fixture.line.prefix { $0 != " " })
        let results = DecoderHarness.decodeAllSplits(fixture.line).filter {
            if case .continuationNeeded = $0 { return false }
            return true
        }
        #expect(results == [.command(TaggedCommand(tag: tag, command: fixture.expected))])
    }
}
