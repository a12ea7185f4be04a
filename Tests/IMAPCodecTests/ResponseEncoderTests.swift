import IMAPCodec
import NIOCore
import Testing

/// Byte-exact encoder output, mostly from the RFCs' own examples.
struct EncoderFixture: CustomTestStringConvertible, Sendable {
    var response: Response
    var wire: String
    var utf8Accept = false
    var testDescription: String { wire.trimmingSuffixCRLF }
}

private func uids(_ ranges: (UInt32, UInt32)...) -> SequenceSet {
    .ranges(ranges.map { SequenceRange(.number($0.0), .number($0.1)) })
}

let gray = IMAPAddress(name: "Terry Gray", mailbox: "gray", host: "cac.washington.edu")

/// RFC 3501 §8 sample ENVELOPE.
let rfcEnvelope = IMAPEnvelope(
    date: "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
    subject: "IMAP4rev1 WG mtg summary and minutes",
    from: [gray], sender: [gray], replyTo: [gray],
    to: [IMAPAddress(name: nil, mailbox: "imap", host: "cac.washington.edu")],
    cc: [IMAPAddress(name: nil, mailbox: "minutes", host: "CNRI.Reston.VA.US"),
         IMAPAddress(name: "John Klensin", mailbox: "KLENSIN", host: "MIT.EDU")],
    messageID: "<B27397-0100000@cac.washington.edu>")

let rfcTextPart = IMAPBodyStructure.singlePart(.init(
    type: "TEXT", subtype: "PLAIN", parameters: [.init("CHARSET", "US-ASCII")], encoding: "7BIT", size: 3028, kind: .text(lines: 92)))

let encoderFixtures: [EncoderFixture] = [
    .init(response: .tagged(tag: "A142", .init(.ok, code: .readWrite, text: "SELECT completed")),
          wire: "A142 OK [READ-WRITE] SELECT completed\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .unseen(12), text: "Message 12 is first unseen"))),
          wire: "* OK [UNSEEN 12] Message 12 is first unseen\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .uidValidity(3_857_529_045), text: "UIDs valid"))),
          wire: "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .uidNext(4392), text: "Predicted next UID"))),
          wire: "* OK [UIDNEXT 4392] Predicted next UID\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .permanentFlags([.deleted, .seen], allowsNewKeywords: true), text: "Limited"))),
          wire: "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"),
    .init(response: .untagged(.flags([.answered, .flagged, .deleted, .seen, .draft])),
          wire: "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"),
    .init(response: .untagged(.exists(23)), wire: "* 23 EXISTS\r\n"),
    .init(response: .untagged(.recent(5)), wire: "* 5 RECENT\r\n"),
    .init(response: .untagged(.expunge(3)), wire: "* 3 EXPUNGE\r\n"),
    .init(response: .untagged(.capability(["IMAP4rev1", "STARTTLS", "AUTH=GSSAPI", "LOGINDISABLED"])),
          wire: "* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n"),
    .init(response: .tagged(tag: "a1", .init(.ok, code: .capability(["IMAP4rev1", "IDLE"]), text: "Logged in")),
          wire: "a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n"),
    .init(response: .untagged(.list(.init(attributes: [.noSelect], delimiter: "/", mailbox: "~/Mail/foo"))),
          wire: "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n"),
    .init(response: .untagged(.list(.init(attributes: [], delimiter: nil, mailbox: "INBOX"))),
          wire: "* LIST () NIL INBOX\r\n"),
    .init(response: .untagged(.list(.init(attributes: [.hasNoChildren, .sent], mailbox: "已发送"))),
          wire: "* LIST (\\HasNoChildren \\Sent) \"/\" &XfJT0ZAB-\r\n"),
    .init(response: .untagged(.list(.init(attributes: [.hasNoChildren, .sent], mailbox: "已发送"))),
          wire: "* LIST (\\HasNoChildren \\Sent) \"/\" \"已发送\"\r\n", utf8Accept: true),
    .init(response: .untagged(.list(.init(attributes: [.hasChildren], mailbox: "Sent Items", childInfoSubscribed: true))),
          wire: "* LIST (\\HasChildren) \"/\" \"Sent Items\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
    .init(response: .untagged(.lsub(.init(attributes: [], delimiter: ".", mailbox: "#news.comp.mail.misc"))),
          wire: "* LSUB () \".\" #news.comp.mail.misc\r\n"),
    .init(response: .untagged(.list(.init(attributes: [], mailbox: "NIL"))),
          wire: "* LIST () \"/\" \"NIL\"\r\n"),
    .init(response: .untagged(.mailboxStatus(mailbox: "blurdybloop", [.init(.messages, 231), .init(.uidNext, 44292)])),
          wire: "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n"),
    .init(response: .untagged(.search([2, 84, 882], modSequence: nil)), wire: "* SEARCH 2 84 882\r\n"),
    .init(response: .untagged(.search([], modSequence: nil)), wire: "* SEARCH\r\n"),
    .init(response: .untagged(.search([2, 5], modSequence: 917_162_500)), wire: "* SEARCH 2 5 (MODSEQ 917162500)\r\n"),
    .init(response: .untagged(.sort([5, 3, 4, 1, 2], modSequence: nil)), wire: "* SORT 5 3 4 1 2\r\n"),
    .init(response: .untagged(.sort([], modSequence: nil)), wire: "* SORT\r\n"),
    .init(response: .untagged(.sort([9, 2], modSequence: 620_162_338)), wire: "* SORT 9 2 (MODSEQ 620162338)\r\n"),
    .init(response: .untagged(.thread(ThreadList([.open, .message(2), .close, .open, .message(3), .message(6),
                                                  .open, .message(4), .message(23), .close,
                                                  .open, .message(44), .message(7), .message(96), .close, .close]))),
          wire: "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"),
    .init(response: .untagged(.thread(ThreadList([.open, .open, .message(1), .close, .open, .message(5), .close, .close]))),
          wire: "* THREAD ((1)(5))\r\n"),
    .init(response: .untagged(.thread(ThreadList())), wire: "* THREAD\r\n"),
    .init(response: .untagged(.esearch(.init(tag: "A282", uid: false, min: 2, count: 3))),
          wire: "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n"),
    .init(response: .untagged(.esearch(.init(tag: "A283", uid: true, all: .ranges([SequenceRange(.number(2), .number(10)), SequenceRange(.number(15))])))),
          wire: "* ESEARCH (TAG \"A283\") UID ALL 2:10,15\r\n"),
    .init(response: .untagged(.vanished(earlier: true, uids((41, 41), (43, 116)))),
          wire: "* VANISHED (EARLIER) 41,43:116\r\n"),
    .init(response: .continuation("Ready for additional command text"), wire: "+ Ready for additional command text\r\n"),
    .init(response: .continuation(""), wire: "+ \r\n"),
    .init(response: .authenticationChallenge(Array("Hi!".utf8)), wire: "+ SGkh\r\n"),
    .init(response: .authenticationChallenge([]), wire: "+ \r\n"),
    .init(response: .tagged(tag: "A003", .init(.ok, code: .appendUID(uidValidity: 38505, uids: uids((3955, 3955))), text: "APPEND completed")),
          wire: "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"),
    .init(response: .tagged(tag: "A004", .init(.ok, code: .copyUID(uidValidity: 38505, source: uids((304, 304), (319, 320)), destination: uids((3956, 3958))), text: "Done")),
          wire: "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"),
    .init(response: .tagged(tag: "a", .init(.no, code: .authenticationFailed, text: "Use a client-specific password")),
          wire: "a NO [AUTHENTICATIONFAILED] Use a client-specific password\r\n"),
    .init(response: .tagged(tag: "a", .init(.no, code: .tooBig, text: "Message too big")), wire: "a NO [TOOBIG] Message too big\r\n"),
    .init(response: .tagged(tag: "a", .init(.no, code: .tryCreate, text: "No such mailbox")), wire: "a NO [TRYCREATE] No such mailbox\r\n"),
    .init(response: .tagged(tag: "a", .init(.ok, code: .modified(uids((7, 7), (9, 9))), text: "Conditional STORE failed")),
          wire: "a OK [MODIFIED 7,9] Conditional STORE failed\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .highestModSeq(715_194_045_007), text: "Highest"))),
          wire: "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"),
    .init(response: .untagged(.status(.init(.no, code: .alert, text: "A client-specific password is needed\r\nSee the web"))),
          wire: "* NO [ALERT] A client-specific password is needed  See the web\r\n"),
    .init(response: .untagged(.status(.init(.bye, text: "Logging out"))), wire: "* BYE Logging out\r\n"),
    .init(response: .untagged(.status(.init(.ok, code: .closed, text: ""))), wire: "* OK [CLOSED] ok\r\n"),
    .init(response: .untagged(.namespace(personal: [.init(prefix: "", delimiter: "/")], otherUsers: [], shared: [.init(prefix: "Shared/", delimiter: "/")])),
          wire: "* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))\r\n"),
    .init(response: .untagged(.id([.init(key: "name", value: "Mailward"), .init(key: "version", value: nil)])),
          wire: "* ID (\"name\" \"Mailward\" \"version\" NIL)\r\n"),
    .init(response: .untagged(.id(nil)), wire: "* ID NIL\r\n"),
    .init(response: .untagged(.enabled(["CONDSTORE"])), wire: "* ENABLED CONDSTORE\r\n"),
    .init(response: .untagged(.quota(root: "", [.init(name: "STORAGE", usage: 10, limit: 512)])), wire: "* QUOTA \"\" (STORAGE 10 512)\r\n"),
    .init(response: .untagged(.quotaRoot(mailbox: "INBOX", roots: [""])), wire: "* QUOTAROOT INBOX \"\"\r\n"),
    .init(response: .untagged(.acl(mailbox: "INBOX", [.init(identifier: "Fred", rights: "rwipsldexta")])),
          wire: "* ACL INBOX Fred rwipsldexta\r\n"),
    .init(response: .untagged(.listRights(mailbox: "~/Mail/saved", identifier: "smith", required: "la", optional: ["r", "swicdkxte"])),
          wire: "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n"),
    .init(response: .untagged(.myRights(mailbox: "INBOX", rights: "rwiptsldaex")), wire: "* MYRIGHTS INBOX rwiptsldaex\r\n"),
    // FETCH
    .init(response: .untagged(.fetch(12, [
        .flags([.seen]),
        .internalDate(IMAPDateTime(secondsSince1970: 837_596_665, zoneOffsetMinutes: -420)),
        .rfc822Size(4286), .envelope(rfcEnvelope), .bodyStructure(rfcTextPart, extensible: false),
    ])), wire: "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n"),
    .init(response: .untagged(.fetch(1, [.bodyStructure(.multipart(.init(parts: [
        .singlePart(.init(type: "TEXT", subtype: "PLAIN", parameters: [.init("CHARSET", "US-ASCII")], encoding: "7BIT", size: 1152, kind: .text(lines: 23))),
        .singlePart(.init(type: "TEXT", subtype: "PLAIN", parameters: [.init("CHARSET", "US-ASCII"), .init("NAME", "cc.diff")],
                          id: "<960723163407.20117h@cac.washington.edu>", description: "Compiler diff", encoding: "BASE64", size: 4554, kind: .text(lines: 73))),
    ], subtype: "MIXED")), extensible: false)])),
          wire: "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n"),
    .init(response: .untagged(.fetch(2, [.bodyStructure(.multipart(.init(parts: [
        .singlePart(.init(type: "TEXT", subtype: "PLAIN", parameters: [.init("CHARSET", "UTF-8")], encoding: "QUOTED-PRINTABLE", size: 10, kind: .text(lines: 1))),
        .singlePart(.init(type: "APPLICATION", subtype: "PDF", parameters: [.init("NAME", "a.pdf")], encoding: "BASE64", size: 100,
                          disposition: .init(type: "ATTACHMENT", parameters: [.init("FILENAME", "a.pdf")]), language: ["en", "de"])),
    ], subtype: "MIXED", parameters: [.init("BOUNDARY", "xyz")])), extensible: true)])),
          wire: "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 10 1 NIL NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"a.pdf\") NIL NIL \"BASE64\" 100 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.pdf\")) (\"en\" \"de\") NIL) \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL NIL NIL))\r\n"),
    .init(response: .untagged(.fetch(3, [.bodyStructure(.singlePart(.init(type: "MESSAGE", subtype: "RFC822", encoding: "7BIT", size: 50,
        kind: .message(IMAPEnvelope(subject: "Hi"), rfcTextPart, lines: 4))), extensible: false)])),
          wire: "* 3 FETCH (BODY (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 50 (NIL \"Hi\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92) 4))\r\n"),
    .init(response: .untagged(.fetch(12, [.uid(7), .bodySection(.init(kind: .headerFields(["DATE", "FROM"])), origin: nil, data: ByteBuffer("Date: x\r\n\r\n"))])),
          wire: "* 12 FETCH (UID 7 BODY[HEADER.FIELDS (DATE FROM)] {11}\r\nDate: x\r\n\r\n)\r\n"),
    .init(response: .untagged(.fetch(1, [.bodySection(.init(part: [1, 2], kind: .mime), origin: 0, data: ByteBuffer("ab")), .bodySection(.init(), origin: nil, data: nil)])),
          wire: "* 1 FETCH (BODY[1.2.MIME]<0> {2}\r\nab BODY[] NIL)\r\n"),
    .init(response: .untagged(.fetch(1, [.binary(part: [1], origin: nil, data: ByteBuffer("a\0b")), .binarySize(part: [1], size: 3), .modSequence(624_140_003)])),
          wire: "* 1 FETCH (BINARY[1] ~{3}\r\na\0b BINARY.SIZE[1] 3 MODSEQ (624140003))\r\n"),
    .init(response: .untagged(.fetch(1, [.rfc822(ByteBuffer("x")), .rfc822Header(nil), .rfc822Text(ByteBuffer(""))])),
          wire: "* 1 FETCH (RFC822 {1}\r\nx RFC822.HEADER NIL RFC822.TEXT {0}\r\n)\r\n"),
    // String representation choice
    .init(response: .untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: "line\r\nbreak"))])),
          wire: "* 1 FETCH (ENVELOPE (NIL {11}\r\nline\r\nbreak NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
    .init(response: .untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: "say \"hi\" \\o/"))])),
          wire: "* 1 FETCH (ENVELOPE (NIL \"say \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
    .init(response: .untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: "你好"))])),
          wire: "* 1 FETCH (ENVELOPE (NIL {6}\r\n你好 NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
    .init(response: .untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: "你好"))])),
          wire: "* 1 FETCH (ENVELOPE (NIL \"你好\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", utf8Accept: true),
    .init(response: .untagged(.fetch(1, [.envelope(IMAPEnvelope(subject: String(repeating: "a", count: 1025)))])),
          wire: "* 1 FETCH (ENVELOPE (NIL {1025}\r\n" + String(repeating: "a", count: 1025) + " NIL NIL NIL NIL NIL NIL NIL NIL))\r\n"),
]

@Suite struct ResponseEncoderTests {
    @Test(arguments: encoderFixtures)
    func encodes(_ fixture: EncoderFixture) {
        let encoder = IMAPResponseEncoder(utf8Accept: fixture.utf8Accept)
        let bytes = encoder.bytes(of: fixture.response)
        #expect(String(buffer: bytes) == fixture.wire)
    }

    @Test func encoderAppends() {
        var buffer = ByteBuffer()
        let encoder = IMAPResponseEncoder()
        encoder.encode(.untagged(.exists(1)), into: &buffer)
        encoder.encode(.tagged(tag: "a", .init(.ok, text: "done")), into: &buffer)
        #expect(String(buffer: buffer) == "* 1 EXISTS\r\na OK done\r\n")
    }
}
