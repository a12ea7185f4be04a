import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Real-socket IMAP dialogues against the whole server (`TestServer`).
@Suite(.serialized) struct DialogueTests {
    /// A message whose body file is gone is a server error (answered and logged), not the
    /// "expunged meanwhile" that makes a client drop it quietly.
    @Test func missingBodyFileIsAServerErrorNotAnExpunge() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("lost@example.com")
        let raw = Array(sampleMessage(subject: "big", body: String(repeating: "kept as a file ", count: 6_000)).utf8)
        let record = try #require(try await server.runtime.mail.deliver(raw, to: [account.id]).first)
        let path = server.runtime.blobs.path(of: record.blobID)
        guard FileManager.default.fileExists(atPath: path) else {  // PostgreSQL keeps every body in the database
            try await server.stop()
            return
        }
        try FileManager.default.removeItem(atPath: path)
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("lost@example.com")
        _ = try await client.run("SELECT INBOX")
        let fetch = try await client.run("FETCH 1 BODY.PEEK[]")
        #expect(fetch.tagged.contains("NO [SERVERBUG]"), "\(fetch)")
        await client.close()
        try await server.stop()
    }

    /// An account exactly at its quota shows usage equal to the limit (both rounded up to KiB),
    /// not one unit over it, which clients show as "over quota".
    @Test func quotaExactlyReachedShowsUsageEqualToLimit() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("full@example.com")
        let raw = Array(sampleMessage(subject: "fills it").utf8)
        _ = try await server.runtime.mail.deliver(raw, to: [account.id])
        try await server.runtime.store.setQuotaLimit(accountID: account.id, bytes: Int64(raw.count))
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("full@example.com")
        let kib = (raw.count + 1023) / 1024
        #expect(try await client.run("GETQUOTAROOT INBOX").contains("* QUOTA \"\" (STORAGE \(kib) \(kib))"))
        await client.close()
        try await server.stop()
    }

    @Test func greetingLoginListSelectFetch() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "First").utf8), to: [account.id])
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "Second").utf8), to: [account.id])
        let (client, greeting) = try await IMAPTestClient.connect(server)
        #expect(greeting.hasPrefix("* OK [CAPABILITY IMAP4rev1"))
        #expect(greeting.contains("AUTH=PLAIN"))  // loopback may log in without TLS
        // RFC 7889: the limit APPEND enforces, in CAPABILITY and in STATUS alike.
        let limit = server.runtime.configuration.smtp.maxMessageSize
        #expect(greeting.contains(" APPENDLIMIT=\(limit) "), "\(greeting)")

        let bad = try await client.run("LOGIN li@example.com wrong-password")
        #expect(bad.tagged.hasSuffix("NO [AUTHENTICATIONFAILED] Authentication failed."))
        try await client.login("li@example.com")

        let list = try await client.run("LIST \"\" \"*\"")
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" INBOX"))
        #expect(list.contains("* LIST (\\HasNoChildren \\Sent) \"/\" Sent"))
        #expect(list.contains("* LIST (\\HasNoChildren \\Trash) \"/\" Trash"))

        #expect(try await client.run("STATUS INBOX (APPENDLIMIT)").contains("* STATUS INBOX (APPENDLIMIT \(limit))"))

        let select = try await client.run("SELECT INBOX")
        #expect(select.contains("* 2 EXISTS"))
        #expect(select.contains("* 2 RECENT"), "the first session to select takes them as \\Recent")
        #expect(select.contains { $0.hasPrefix("* OK [UIDVALIDITY ") })
        #expect(select.contains("* OK [UIDNEXT 3] Predicted next UID"))
        #expect(select.contains("* OK [UNSEEN 1] First unseen"))
        #expect(select.tagged.contains("OK [READ-WRITE]"))

        let fetch = try await client.run("UID FETCH 1:* (UID FLAGS RFC822.SIZE)")
        #expect(fetch.count == 3)
        #expect(fetch[0].hasPrefix("* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE "))

        let envelope = try await client.run("FETCH 2 (ENVELOPE BODYSTRUCTURE)")
        #expect(envelope[0].contains("\"Second\""))
        #expect(envelope[0].contains("(\"Wang\" NIL \"wang\" \"example.org\")"))
        #expect(envelope[0].contains("BODYSTRUCTURE (\"text\" \"plain\""))

        // BODY.PEEK leaves \Seen alone; BODY[] sets it.
        let peek = try await client.run("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        #expect(peek[0].hasPrefix("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {"))
        #expect(peek.contains("Subject: First"))
        let flagsAfterPeek = try await client.run("FETCH 1 FLAGS")
        #expect(flagsAfterPeek[0] == "* 1 FETCH (FLAGS (\\Recent))")
        let body = try await client.run("FETCH 1 BODY[TEXT]")
        #expect(body.contains("Tea at four?"))
        #expect(body.contains { $0.contains("FLAGS (\\Recent \\Seen)") })
        let partial = try await client.run("FETCH 1 BODY.PEEK[TEXT]<4.2>")
        #expect(partial[0].hasSuffix("BODY[TEXT]<4> {2}"))
        #expect(partial[1].hasPrefix("at"))

        let search = try await client.run("UID SEARCH UNSEEN")
        #expect(search[0] == "* SEARCH 2")
        let esearch = try await client.run("SEARCH RETURN (MIN COUNT) SUBJECT second")
        #expect(esearch[0].hasSuffix("MIN 2 COUNT 1"))
        let text = try await client.run("SEARCH TEXT \"four\"")
        #expect(text[0] == "* SEARCH 1 2")

        let logout = try await client.run("LOGOUT")
        #expect(logout.contains { $0.hasPrefix("* BYE") })
        await client.close()
        try await server.stop()
    }

    /// A client's bare LF and lone CR are stored as CRLF (as Dovecot does): IMAP's sizes and
    /// bytes are then those of a proper message, and POP3's LIST counts what RETR sends.
    @Test func appendedBareLineEndsAreStoredAsCRLF() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let client = try await IMAPTestClient.signedIn(server)
        let written = "From: wang@example.org\nSubject: lf\n\nline one\nline two\r\nold mac\rend\n"
        let stored = "From: wang@example.org\r\nSubject: lf\r\n\r\nline one\r\nline two\r\nold mac\r\nend\r\n"
        #expect(try await client.run("APPEND INBOX {\(written.utf8.count)+}\r\n\(written)").tagged.contains("OK [APPENDUID"))
        _ = try await client.run("SELECT INBOX")
        #expect(try await client.run("FETCH 1 RFC822.SIZE")[0] == "* 1 FETCH (RFC822.SIZE \(stored.utf8.count))")
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        let record = try #require(try await server.runtime.mail.store.messages(mailboxID: inbox.id).first)
        #expect(try await server.runtime.mail.raw(record) == Array(stored.utf8))
        await client.close()
        try await server.stop()
    }

    /// SENTON and friends take the day the `Date:` field names, in its own zone: "disregarding
    /// time and timezone" (RFC 3501 §6.4.4). In UTC the first is 18 May, the second 22 March.
    @Test func sentDatesAreTheDaysAsWritten() async throws {
        func dated(_ date: String) -> String {
            "From: wang@example.org\r\nTo: li@example.com\r\nSubject: dated\r\nDate: \(date)\r\n\r\nhi\r\n"
        }
        let (server, _) = try await serverWithInbox([
            dated("Wed, 17 May 2000 23:26:16 -0400"),
            dated("Sun, 21 Mar 1993 23:56:48 -0800"),
            dated("Thu, 18 May 2000 07:00:00 +0800"),
        ])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        #expect(try await client.run("SEARCH SENTON 17-May-2000")[0] == "* SEARCH 1")
        #expect(try await client.run("SEARCH SENTON 18-May-2000")[0] == "* SEARCH 3")
        #expect(try await client.run("SEARCH SENTBEFORE 18-May-2000")[0] == "* SEARCH 1 2")
        #expect(try await client.run("SEARCH SENTSINCE 18-May-2000")[0] == "* SEARCH 3")
        #expect(try await client.run("SEARCH SENTON 21-Mar-1993")[0] == "* SEARCH 2")
        await client.close()
        try await server.stop()
    }

    /// BODY looks in the body only (RFC 3501 §6.4.4), TEXT in header and body — although the
    /// full-text index behind both also holds the subject and the addresses.
    @Test func searchBodyIgnoresTheHeader() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let messages = [
            sampleMessage(subject: "idle talk", body: "hi"),
            sampleMessage(subject: "国标测试", body: "正文没有那个词", from: "zs@remote.test"),
            sampleMessage(subject: "plain", body: "we idle at 国标测试 noon"),
            sampleMessage(subject: "idle again", body: "still idle"),
        ]
        for message in messages { _ = try await server.runtime.mail.deliver(Array(message.utf8), to: [account.id]) }
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        _ = try await client.run("SELECT INBOX")
        #expect(try await client.run("SEARCH BODY idle")[0] == "* SEARCH 3 4")
        #expect(try await client.run("SEARCH TEXT idle")[0] == "* SEARCH 1 3 4")
        #expect(try await client.run("SEARCH BODY remote.test")[0] == "* SEARCH")
        #expect(try await client.run("SEARCH CHARSET UTF-8 BODY {12+}\r\n国标测试")[0] == "* SEARCH 3")
        #expect(try await client.run("SEARCH NOT BODY idle")[0] == "* SEARCH 1 2")
        await client.close()
        try await server.stop()
    }

    /// SUBJECT, FROM and the other header keys match the text a reader sees, with encoded words
    /// decoded (RFC 2047) — never the encoding's own bytes (as in Dovecot): `?B?` or a piece of
    /// the base64 found nearly every Chinese subject before.
    @Test func headerSearchMatchesTheDecodedTextOnly() async throws {
        let encoded = "From: =?UTF-8?B?5byg5LiJ?= <zs@remote.test>\r\nTo: li@example.com\r\n"
            + "Subject: =?UTF-8?B?5YWx5Lqr6YKu566x?=\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\n\r\nhi\r\n"
        let (server, _) = try await serverWithInbox([encoded, sampleMessage(subject: "plain UTF-8 notes")])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        #expect(try await client.run("SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n共享")[0] == "* SEARCH 1")
        #expect(try await client.run("SEARCH CHARSET UTF-8 FROM {3+}\r\n张")[0] == "* SEARCH 1")
        #expect(try await client.run("SEARCH FROM zs@remote.test")[0] == "* SEARCH 1")
        #expect(try await client.run("SEARCH SUBJECT 5YWx")[0] == "* SEARCH")
        #expect(try await client.run("SEARCH SUBJECT \"?B?\"")[0] == "* SEARCH")
        #expect(try await client.run("SEARCH SUBJECT UTF-8")[0] == "* SEARCH 2")
        #expect(try await client.run("SEARCH FROM 5byg")[0] == "* SEARCH")
        #expect(try await client.run("SEARCH HEADER Subject \"=?UTF-8\"")[0] == "* SEARCH")
        await client.close()
        try await server.stop()
    }

    /// Once CONDSTORE is on, every untagged FETCH carries UID and MODSEQ (RFC 7162 §3.1): a
    /// STORE's, a silent STORE's, and a FETCH's that set \Seen on the way.
    @Test func condstoreFetchResponsesCarryUIDAndModSeq() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage(subject: "one"), sampleMessage(subject: "two")])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        // Before CONDSTORE: a STORE's FETCH as RFC 3501 has it.
        #expect(try await client.run("STORE 1 +FLAGS (\\Draft)")[0].hasPrefix("* 1 FETCH (FLAGS ("))
        _ = try await client.run("ENABLE CONDSTORE")
        let stored = try await client.run("STORE 1 +FLAGS (\\Flagged)")
        #expect(stored[0].hasPrefix("* 1 FETCH (UID 1 FLAGS (") && stored[0].contains(" MODSEQ ("), "\(stored)")
        let silent = try await client.run("STORE 1 -FLAGS.SILENT (\\Flagged)")
        #expect(silent[0].hasPrefix("* 1 FETCH (UID 1 MODSEQ ("), "\(silent)")
        let read = try await client.run("FETCH 2 (BODY[HEADER.FIELDS (SUBJECT)])").joined(separator: "\n")
        #expect(read.contains("UID 2 ") && read.contains("FLAGS (\\Recent \\Seen)") && read.contains("MODSEQ ("), "\(read)")
        await client.close()
        try await server.stop()
    }

    /// SORT (RFC 5256) needs a selected mailbox, orders the search's matches, and WITHIN's
    /// OLDER/YOUNGER (RFC 5032) count seconds back from now.
    @Test func sortOrdersTheMatchesAndWithinCountsFromNow() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let messages = [
            sampleMessage(subject: "Re: Zebra", body: String(repeating: "z", count: 300), from: "zhao@example.org"),
            sampleMessage(subject: "apple", body: "a", from: "an@example.org"),
            sampleMessage(subject: "[list] Mango (fwd)", body: String(repeating: "m", count: 100), from: "ma@example.org"),
        ]
        for message in messages { _ = try await server.runtime.mail.deliver(Array(message.utf8), to: [account.id]) }
        let (client, greeting) = try await IMAPTestClient.connect(server)
        #expect(greeting.contains(" SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES WITHIN "), "\(greeting)")
        try await client.login("li@example.com")
        #expect(try await client.run("SORT (SUBJECT) UTF-8 ALL").tagged.hasSuffix("BAD No mailbox selected"))
        _ = try await client.run("SELECT INBOX")
        let bySubject = try await client.run("SORT (SUBJECT) UTF-8 ALL")
        #expect(bySubject[0] == "* SORT 2 3 1")
        #expect(bySubject.tagged.hasSuffix("OK SORT completed"))
        #expect(try await client.run("SORT (REVERSE SIZE) US-ASCII ALL")[0] == "* SORT 1 3 2")
        #expect(try await client.run("SORT (FROM) UTF-8 2:3 OR FROM zhao FROM ma")[0] == "* SORT 3")
        #expect(try await client.run("UID SORT (REVERSE SUBJECT) UTF-8 YOUNGER 3600")[0] == "* SORT 1 3 2")
        #expect(try await client.run("SORT (ARRIVAL) UTF-8 OLDER 3600")[0] == "* SORT")
        #expect(try await client.run("SORT (ARRIVAL) ISO-2022-JP ALL").tagged.contains("NO [BADCHARSET (UTF-8 US-ASCII)]"))
        #expect(try await client.run("SORT (COLOUR) UTF-8 ALL").tagged.contains(" BAD "))
        #expect(try await client.run("SORT (SUBJECT) UTF-8 MODSEQ 1")[0].hasPrefix("* SORT 2 3 1 (MODSEQ "))
        // ESORT (RFC 5267): the answer as ESEARCH, MIN and MAX first and last in sort order,
        // ALL in sort order too, SAVE keeping what MIN picked for `$`.
        let extended = try await client.run("SORT RETURN (MIN MAX ALL COUNT) (SUBJECT) UTF-8 ALL")
        #expect(extended[0].hasPrefix("* ESEARCH (TAG \""), "\(extended)")
        #expect(extended[0].hasSuffix(" MIN 2 MAX 1 ALL 2:3,1 COUNT 3"), "\(extended)")
        #expect(extended.tagged.hasSuffix("OK SORT completed"))
        #expect(try await client.run("SORT RETURN () (REVERSE SIZE) UTF-8 ALL")[0].hasSuffix(" ALL 1,3,2"))
        let uids = try await client.run("UID SORT (ARRIVAL) UTF-8 ALL")[0].split(separator: " ").dropFirst(2).map(String.init)
        #expect(try await client.run("UID SORT RETURN (MAX) (SIZE) UTF-8 ALL")[0].hasSuffix(" UID MAX \(uids[0])"))
        #expect(try await client.run("SORT RETURN (COUNT) (SIZE) UTF-8 SUBJECT nothing")[0].hasSuffix(" COUNT 0"))
        let saved = try await client.run("SORT RETURN (SAVE MIN) (SUBJECT) UTF-8 ALL")
        #expect(saved[0].hasSuffix(" MIN 2"), "\(saved)")
        #expect(try await client.run("SEARCH $")[0] == "* SEARCH 2")
        #expect(try await client.run("SORT RETURN (SAVE) (REVERSE SUBJECT) UTF-8 1:2").count == 1)
        #expect(try await client.run("SEARCH $")[0] == "* SEARCH 1 2")
        #expect(try await client.run("SORT RETURN (NEWEST) (SIZE) UTF-8 ALL").tagged.contains(" BAD "))
        await client.close()
        try await server.stop()
    }

    /// THREAD (RFC 5256) over the socket: a conversation rebuilt from References and
    /// In-Reply-To, by UID or sequence number, limited by search keys.
    @Test func threadGroupsConversations() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        func message(_ id: String, _ subject: String, _ day: Int, references: String = "", inReplyTo: String = "") -> [UInt8] {
            var text = "From: Wang <wang@example.org>\r\nTo: li@example.com\r\nSubject: \(subject)\r\n"
            text += "Date: \(day) Nov 2026 10:00:00 +0800\r\nMessage-ID: <\(id)@example.org>\r\n"
            if !references.isEmpty { text += "References: \(references)\r\n" }
            if !inReplyTo.isEmpty { text += "In-Reply-To: \(inReplyTo)\r\n" }
            return Array((text + "\r\nbody\r\n").utf8)
        }
        let messages = [
            message("plan", "Plans", 2),
            message("lunch", "Lunch?", 3),
            message("plan-re", "Re: Plans", 4, inReplyTo: "<plan@example.org>"),
            message("plan-re-re", "Re: Re: Plans", 5, references: "<plan@example.org> <plan-re@example.org>"),
            message("plan-side", "回复: Plans", 6, references: "<plan@example.org>"),
        ]
        for raw in messages { _ = try await server.runtime.mail.deliver(raw, to: [account.id]) }
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        #expect(try await client.run("THREAD REFERENCES UTF-8 ALL").tagged.hasSuffix("BAD No mailbox selected"))
        _ = try await client.run("SELECT INBOX")
        let threads = try await client.run("THREAD REFERENCES UTF-8 ALL")
        #expect(threads[0] == "* THREAD (1 (3 4)(5))(2)")
        #expect(threads.tagged.hasSuffix("OK THREAD completed"))
        #expect(try await client.run("THREAD ORDEREDSUBJECT UTF-8 ALL")[0] == "* THREAD (1 (3)(4)(5))(2)")
        let uids = try await client.run("UID SEARCH ALL")[0].split(separator: " ").dropFirst(2).map(String.init)
        #expect(try await client.run("UID THREAD REFERENCES UTF-8 NOT SUBJECT lunch")[0]
                == "* THREAD (\(uids[0]) (\(uids[2]) \(uids[3]))(\(uids[4])))")
        // Without message 1 its replies stay together under a missing parent.
        #expect(try await client.run("THREAD REFERENCES UTF-8 3:5")[0] == "* THREAD ((3 4)(5))")
        #expect(try await client.run("THREAD REFERENCES UTF-8 SUBJECT nothing")[0] == "* THREAD")
        #expect(try await client.run("THREAD REFERENCES KOI8-R ALL").tagged.contains("NO [BADCHARSET"))
        #expect(try await client.run("THREAD REFS UTF-8 ALL").tagged.contains(" BAD "))
        await client.close()
        try await server.stop()
    }

    /// A mailbox's messages use at most `KeywordLimit.perMailbox` keywords between them: past
    /// that, a new one is refused with `NO [LIMIT]` (STORE, and APPEND into a mailbox that is not
    /// selected), PERMANENTFLAGS loses `\*`, and the keywords it has stay usable. Messages copied
    /// or moved in lose the new keywords that do not fit; FLAGS counts what it replaces.
    @Test func keywordsPerMailboxAreLimited() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage(subject: "a"), sampleMessage(subject: "b")])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        let limit = KeywordLimit.perMailbox
        let first = (0..<(limit - 1)).map { "kw\($0)" }.joined(separator: " ")
        #expect(try await client.run("STORE 1 +FLAGS.SILENT (\(first))").tagged.contains("OK"))
        let last = try await client.run("STORE 2 +FLAGS.SILENT (kw0 last \\Seen)")
        #expect(last.tagged.contains("OK"), "\(last)")
        #expect(last.contains { $0.contains("PERMANENTFLAGS") && !$0.contains("\\*") }, "full: no \\* any more: \(last)")
        let refused = try await client.run("STORE 2 +FLAGS (one-too-many)")
        #expect(refused.tagged.contains("NO [LIMIT]"), "\(refused)")
        #expect(try await client.run("FETCH 2 (FLAGS)").contains { $0.contains("last") && !$0.contains("one-too-many") })
        #expect(try await client.run("STORE 2 +FLAGS (kw5 \\Flagged)").tagged.contains("OK"), "keywords the mailbox has")
        let select = try await client.run("SELECT INBOX")
        #expect(select.contains { $0.hasPrefix("* OK [PERMANENTFLAGS (") && !$0.contains("\\*") }, "\(select)")

        // APPEND into the full mailbox from another one selected.
        _ = try await client.run("SELECT Trash")
        let message = sampleMessage(subject: "appended")
        let appendNew = try await client.run("APPEND INBOX (\\Seen brand-new) {\(message.utf8.count)+}\r\n\(message)")
        #expect(appendNew.tagged.contains("NO [LIMIT]"), "\(appendNew)")
        let appendKnown = try await client.run("APPEND INBOX (\\Seen kw7) {\(message.utf8.count)+}\r\n\(message)")
        #expect(appendKnown.tagged.contains("OK [APPENDUID"), "\(appendKnown)")
        #expect(try await client.run("STATUS INBOX (MESSAGES)").contains { $0.contains("MESSAGES 3") })

        // Copied and moved in: the messages come, with the keywords that fit (none here).
        let tagged = try await client.run("APPEND Trash (\\Seen t1 t2) {\(message.utf8.count)+}\r\n\(message)")
        #expect(tagged.tagged.contains("OK"), "\(tagged)")
        _ = try await client.run("SELECT Trash")
        #expect(try await client.run("COPY 1 INBOX").tagged.contains("OK [COPYUID"))
        #expect(try await client.run("MOVE 1 INBOX").tagged.contains("OK"))
        let inbox = try await client.run("SELECT INBOX")
        #expect(inbox.contains("* 5 EXISTS"), "\(inbox)")
        let copies = try await client.run("FETCH 4:5 (FLAGS)")
        #expect(copies.filter { $0.hasSuffix("FETCH (FLAGS (\\Recent \\Seen))") }.count == 2, "\(copies)")
        #expect(!copies.contains { $0.contains("t1") || $0.contains("t2") }, "\(copies)")

        // FLAGS replaces: a keyword only the replaced message had makes room.
        let replaced = try await client.run("STORE 2 FLAGS (kw5 replaced)")
        #expect(replaced.tagged.contains("OK"), "'last' was message 2's alone: \(replaced)")
        #expect(try await client.run("STORE 2 FLAGS (one two)").tagged.contains("NO [LIMIT]"))
        await client.close()
        try await server.stop()
    }

    @Test func storeCopyMoveExpungeAndUIDPlus() async throws {
        let (server, _) = try await serverWithInbox((1...3).map { sampleMessage(subject: "m\($0)") })
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        let store = try await client.run("STORE 1:2 +FLAGS (\\Flagged $Work)")
        #expect(store.contains("* 1 FETCH (FLAGS (\\Recent \\Flagged $Work))"))
        // $Work is new to the mailbox: its flag list changes (RFC 3501 §7.2.6) — said once.
        #expect(store.contains("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)"), "\(store)")
        #expect(store.contains { $0.hasPrefix("* OK [PERMANENTFLAGS (") && $0.contains("$Work \\*)") }, "\(store)")
        #expect(try await client.run("STORE 3 +FLAGS ($Work)").filter { $0.hasPrefix("* FLAGS") }.isEmpty)
        let silent = try await client.run("STORE 3 +FLAGS.SILENT (\\Seen)")
        #expect(silent.count == 1)

        let copy = try await client.run("UID COPY 1:2 Trash")
        #expect(copy.tagged.contains("OK [COPYUID "))
        let missing = try await client.run("COPY 1 Nowhere")
        #expect(missing.tagged.contains("NO [TRYCREATE]"))

        let move = try await client.run("UID MOVE 2 Junk")
        #expect(move.contains { $0.hasPrefix("* OK [COPYUID ") && $0.hasSuffix(" 2 1] Moved") })
        #expect(move.contains("* 2 EXPUNGE"))

        _ = try await client.run("STORE 1 +FLAGS (\\Deleted)")
        let expunge = try await client.run("EXPUNGE")
        #expect(expunge.contains("* 1 EXPUNGE"))
        let status = try await client.run("STATUS INBOX (MESSAGES UNSEEN UIDNEXT)")
        #expect(status[0] == "* STATUS INBOX (MESSAGES 1 UNSEEN 0 UIDNEXT 4)")

        // CONDSTORE: a STORE unchanged since an old MODSEQ is refused with MODIFIED.
        _ = try await client.run("ENABLE CONDSTORE")
        let conditional = try await client.run("UID STORE 3 (UNCHANGEDSINCE 1) +FLAGS (\\Answered)")
        #expect(conditional.tagged.contains("OK [MODIFIED 3]"))

        let append = try await client.run("APPEND Drafts (\\Draft) {\(sampleMessage().utf8.count)+}\r\n\(sampleMessage())")
        #expect(append.tagged.contains("OK [APPENDUID "))
        #expect(try await client.run("APPEND Drafts {0+}\r\n").tagged.contains("NO An empty message"))
        let quota = try await client.run("GETQUOTAROOT INBOX")
        #expect(quota.contains("* QUOTAROOT INBOX \"\""))
        #expect(quota.contains { $0.hasPrefix("* QUOTA \"\" (STORAGE ") })
        let rights = try await client.run("MYRIGHTS INBOX")
        #expect(rights[0] == "* MYRIGHTS INBOX lrswipkxtea")
        let namespace = try await client.run("NAMESPACE")
        #expect(namespace[0] == "* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))")
        await client.close()
        try await server.stop()
    }

    /// A folder subscribed deep under one that is not: `LSUB "" %` returns the unsubscribed
    /// parent flagged `\Noselect` (RFC 3501 §6.3.9), and `LIST (SUBSCRIBED RECURSIVEMATCH)`
    /// returns it with CHILDINFO ("SUBSCRIBED") (RFC 5258 §3); RECURSIVEMATCH alone is BAD.
    @Test func subscribedChildrenShowTheirParentsAtAHigherLevel() async throws {
        let server = try await TestServer.start()
        _ = try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        for command in ["CREATE Work/Projects/2026", "SUBSCRIBE Work/Projects/2026", "UNSUBSCRIBE Work",
                        "CREATE Home", "SUBSCRIBE Home", "CREATE Home/Garden", "SUBSCRIBE Home/Garden"] {
            _ = try await client.run(command)
        }
        let lsub = try await client.run("LSUB \"\" %")
        #expect(lsub.contains("* LSUB (\\Noselect) \"/\" Work"), "\(lsub)")
        #expect(lsub.contains("* LSUB () \"/\" Home"), "\(lsub)")
        #expect(!lsub.contains { $0.contains("Projects") || $0.contains("Garden") })
        let deeper = try await client.run("LSUB \"\" Work/%")
        #expect(deeper.contains("* LSUB (\\Noselect) \"/\" Work/Projects"), "\(deeper)")
        #expect(try await client.run("LSUB \"\" *").contains("* LSUB () \"/\" Work/Projects/2026"))
        let recursive = try await client.run("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %")
        #expect(recursive.contains { $0.hasPrefix("* LIST (") && $0.hasSuffix("\"/\" Work (\"CHILDINFO\" (\"SUBSCRIBED\"))") },
                "\(recursive)")
        #expect(recursive.contains { $0.contains("\\Subscribed") && $0.hasSuffix("\"/\" Home (\"CHILDINFO\" (\"SUBSCRIBED\"))") },
                "\(recursive)")
        let plain = try await client.run("LIST (SUBSCRIBED) \"\" %")
        #expect(!plain.contains { $0.contains(" Work") } && !plain.contains { $0.contains("CHILDINFO") }, "\(plain)")
        #expect(try await client.run("LIST (RECURSIVEMATCH) \"\" %").tagged.contains("BAD"))
        await client.close()
        try await server.stop()
    }

    /// RFC 3501 §6.3.5: RENAME INBOX moves its messages to a new folder of that name and leaves
    /// INBOX in place, empty (and still taking new mail).
    @Test func renamingInboxMovesItsMessagesAndKeepsIt() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        for subject in ["one", "two"] {
            _ = try await server.runtime.mail.append(Array("Subject: \(subject)\r\n\r\nbody\r\n".utf8), to: inbox.id)
        }
        #expect(try await client.run("RENAME INBOX \"Old mail\"").tagged.hasSuffix("OK RENAME completed"))
        #expect(try await client.run("STATUS INBOX (MESSAGES)").contains("* STATUS INBOX (MESSAGES 0)"))
        #expect(try await client.run("STATUS \"Old mail\" (MESSAGES)").contains("* STATUS \"Old mail\" (MESSAGES 2)"))
        let names = try await server.runtime.store.mailboxes(accountID: account.id).map(\.name)
        #expect(names.contains("INBOX") && names.contains("Old mail"))
        #expect(try await client.run("RENAME INBOX \"Old mail\"").tagged.contains("NO [ALREADYEXISTS]"))
        await client.close()
        try await server.stop()
    }

    /// A client that sends its commands and ends its side (`shutdown(SHUT_WR)`) still gets every
    /// answer, LOGOUT's included, before the end of the stream.
    @Test func aHalfClosedClientStillGetsItsAnswers() async throws {
        let server = try await TestServer.start()
        _ = try await server.addUser("li@example.com")
        let commands = "a LOGIN li@example.com Tea-Garden-42\r\nb SELECT INBOX\r\nc LOGOUT\r\n"
        let result = try await RawSocketExchange.run(port: await server.port(.imap), send: Array(commands.utf8), halfClose: true)
        let text = String(decoding: result.received, as: UTF8.self)
        #expect(text.contains("\r\na OK") && text.contains("\r\nb OK") && text.contains("* BYE") && text.contains("\r\nc OK"), "\(text)")
        #expect(result.ending == .endOfStream)
        try await server.stop()
    }

    @Test func chineseFolderNamesRoundTripInModifiedUTF7() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        // 工作/项目 in modified UTF-7
        let create = try await client.run("CREATE &XeVPXA-/&mHl27g-")
        #expect(create.tagged.hasSuffix("OK CREATE completed"))
        let names = try await server.runtime.store.mailboxes(accountID: account.id).map(\.name)
        #expect(names.contains("工作/项目"))
        #expect(names.contains("工作"))
        let list = try await client.run("LIST \"\" \"&XeVPXA-/*\"")
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" &XeVPXA-/&mHl27g-"))
        let parent = try await client.run("LIST \"\" %")
        #expect(parent.contains("* LIST (\\HasChildren) \"/\" &XeVPXA-"))
        let rename = try await client.run("RENAME &XeVPXA-/&mHl27g- &XeVPXA-/2026")
        #expect(rename.tagged.hasSuffix("OK RENAME completed"))
        let bad = try await client.run("CREATE \"&Jjo\"")
        #expect(bad.tagged.contains("NO"))
        let utf8 = try await client.run("ENABLE UTF8=ACCEPT")
        #expect(utf8[0] == "* ENABLED UTF8=ACCEPT")
        let listUTF8 = try await client.run("LIST \"\" \"工作/*\"")
        #expect(listUTF8.contains("* LIST (\\HasNoChildren) \"/\" \"工作/2026\""))
        await client.close()
        try await server.stop()
    }

    @Test func idleIsWokenByADeliveryAndByAnotherSession() async throws {
        let (server, account) = try await serverWithInbox([sampleMessage()])
        let idler = try await IMAPTestClient.signedIn(server)
        _ = try await idler.run("SELECT INBOX")
        try await idler.line.send("i1 IDLE\r\n")
        #expect(try await idler.line.readLine() == "+ idling")

        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "New").utf8), to: [account.id])
        #expect(try await idler.line.readLine() == "* 2 EXISTS")
        #expect(try await idler.line.readLine() == "* 2 RECENT", "the idling session takes the new message as \\Recent")

        let (other, _) = try await IMAPTestClient.connect(server)
        try await other.login("li@example.com")
        _ = try await other.run("SELECT INBOX")
        _ = try await other.run("STORE 1 +FLAGS (\\Seen)")
        #expect(try await idler.line.readLine() == "* 1 FETCH (UID 1 FLAGS (\\Recent \\Seen))")
        _ = try await other.run("STORE 2 +FLAGS (\\Deleted)")
        #expect(try await idler.line.readLine() == "* 2 FETCH (UID 2 FLAGS (\\Recent \\Deleted))")
        _ = try await other.run("EXPUNGE")
        #expect(try await idler.line.readLine() == "* 2 EXPUNGE")

        try await idler.line.send("DONE\r\n")
        #expect(try await idler.line.readLine() == "i1 OK IDLE terminated")
        let fetch = try await idler.run("FETCH 1:* UID")
        #expect(fetch == ["* 1 FETCH (UID 1)", fetch.tagged])
        await idler.close()
        await other.close()
        try await server.stop()
    }

    /// SPEC A13: a changed password ends what the old one opened — an idling session too, at the
    /// next change it would have announced (it used to hear of new mail until its next command).
    @Test func anIdlingSessionOfAChangedPasswordHearsNoMoreMail() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        let (idler, _) = try await IMAPTestClient.connect(server)
        try await idler.login("li@example.com")
        _ = try await idler.run("SELECT INBOX")
        try await idler.line.send("i1 IDLE\r\n")
        #expect(try await idler.line.readLine() == "+ idling")
        try await server.runtime.accounts.setPassword("li@example.com", to: "Another-Tea-Garden-43")
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "After the change").utf8), to: [account.id])
        #expect(try await idler.line.readLine() == "* BYE Your credentials are no longer valid: The account password was changed")
        #expect(await idler.line.waitForClose())
        try await server.stop()
    }

    @Test func otherSessionsChangesArriveAfterNoopNotDuringFetch() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage(), sampleMessage()])
        let a = try await IMAPTestClient.signedIn(server)
        let b = try await IMAPTestClient.signedIn(server)
        _ = try await a.run("SELECT INBOX")
        _ = try await b.run("SELECT INBOX")
        _ = try await b.run("STORE 1 +FLAGS.SILENT (\\Deleted)")
        _ = try await b.run("EXPUNGE")
        // FETCH by number: no EXPUNGE; message 2 keeps its number.
        let fetch = try await a.run("FETCH 2 UID")
        #expect(!fetch.contains { $0.hasSuffix("EXPUNGE") })
        #expect(fetch[0] == "* 2 FETCH (UID 2)")
        let noop = try await a.run("NOOP")
        #expect(noop.contains("* 1 EXPUNGE"))
        let after = try await a.run("FETCH 1 UID")
        #expect(after[0] == "* 1 FETCH (UID 2)")
        await a.close()
        await b.close()
        try await server.stop()
    }

    @Test func startTLSThenAuthenticatePlain() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, greeting) = try await IMAPTestClient.connect(server)
        #expect(greeting.contains("STARTTLS"))
        let answer = try await client.run("STARTTLS")
        #expect(answer.tagged.hasSuffix("OK Begin TLS negotiation now"))
        try await client.line.startTLS()
        let caps = try await client.run("CAPABILITY")
        #expect(!caps[0].contains("STARTTLS"))
        // AUTHENTICATE PLAIN without initial response: "+ " then the credentials.
        try await client.line.send("x1 AUTHENTICATE PLAIN\r\n")
        #expect(try await client.line.readLine() == "+ ")
        let credentials = Data("\0li@example.com\0Tea-Garden-42".utf8).base64EncodedString()
        try await client.line.send(credentials + "\r\n")
        #expect(try await client.line.readLine().hasPrefix("x1 OK [CAPABILITY IMAP4rev1"))
        await client.close()
        try await server.stop()
    }

    @Test func implicitTLSWithSASLIR() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, greeting) = try await IMAPTestClient.connect(server, tls: true)
        #expect(greeting.hasPrefix("* OK"))
        #expect(!greeting.contains("STARTTLS"))
        let credentials = Data("\0li@example.com\0Tea-Garden-42".utf8).base64EncodedString()
        let auth = try await client.run("AUTHENTICATE PLAIN \(credentials)")
        #expect(auth.tagged.contains("OK [CAPABILITY"))
        let id = try await client.run("ID (\"name\" \"Foxmail\" \"version\" \"7.2\")")
        #expect(id[0] == "* ID (\"name\" \"Mailward\" \"vendor\" \"Mailward\")")
        await client.close()
        try await server.stop()
    }

    @Test func badInputIsAnsweredAndBounded() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        let unknown = try await client.run("FROBNICATE")
        #expect(unknown.tagged.contains("BAD"))
        let early = try await client.run("SELECT INBOX")
        #expect(early.tagged.contains("BAD"))
        try await client.line.send("garbage without tag\r\n")
        let garbage = try await client.line.readLine()
        #expect(garbage.hasPrefix("garbage BAD"), "\(garbage)")
        let huge = try await client.run("APPEND INBOX {999999999999}")
        #expect(huge.tagged.contains("BAD") || huge.tagged.contains("NO"))
        // Before login even a 1 MiB APPEND literal is refused at once, never buffered.
        let tooBig = try await client.run("APPEND INBOX {1048576}")
        #expect(tooBig.tagged.contains("NO [TOOBIG]"))
        try await client.login("li@example.com")
        let message = sampleMessage(body: String(repeating: "x", count: 200_000))
        let big = try await client.run("APPEND INBOX {\(message.utf8.count)+}\r\n\(message)")
        #expect(big.tagged.contains("OK [APPENDUID"))
        await client.close()
        try await server.stop()
    }

    @Test func multipartSectionsComeFromTheMIMEByteRanges() async throws {
        let message = """
        From: wang@example.org\r
        To: li@example.com\r
        Subject: =?UTF-8?B?5oql5ZGK?=\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        preamble\r
        --b1\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        见附件\r
        --b1\r
        Content-Type: application/octet-stream; name="a.bin"\r
        Content-Transfer-Encoding: base64\r
        Content-Disposition: attachment; filename="a.bin"\r
        \r
        SGVsbG8=\r
        --b1--\r

        """
        let (server, client) = try await Self.examining(message)
        let structure = try await client.run("FETCH 1 BODYSTRUCTURE")
        #expect(structure[0].contains("(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\""))
        #expect(structure[0].contains("\"mixed\" (\"boundary\" \"b1\")"))
        #expect(structure[0].contains("(\"attachment\" (\"filename\" \"a.bin\"))"))
        let text = try await client.run("FETCH 1 BODY[1]")
        #expect(text[0] == "* 1 FETCH (BODY[1] {9}")  // the part ends before the CRLF of the boundary
        #expect(text[1] == "见附件)")
        let attachment = try await client.run("FETCH 1 (BODY[2] BODY[2.MIME] BINARY[2] BINARY.SIZE[2])")
        #expect(attachment[0] == "* 1 FETCH (BODY[2] {8}")
        #expect(attachment[1].hasPrefix("SGVsbG8= BODY[2.MIME] {"))
        #expect(attachment.contains("Content-Type: application/octet-stream; name=\"a.bin\""))
        #expect(attachment.contains { $0.contains("BINARY[2] ~{5}") })
        #expect(attachment.contains { $0.hasPrefix("Hello BINARY.SIZE[2]") })
        #expect(attachment.contains { $0.contains("BINARY.SIZE[2] 5") })
        let missing = try await client.run("FETCH 1 BODY[7]")
        #expect(missing[0] == "* 1 FETCH (BODY[7] NIL)")
        // EXAMINE is read-only: BODY[] does not set \Seen (and the message stays recent for
        // the next session that selects the mailbox).
        let flags = try await client.run("FETCH 1 FLAGS")
        #expect(flags[0] == "* 1 FETCH (FLAGS (\\Recent))")
        await client.close()
        try await server.stop()
    }

    /// BINARY.SIZE is the size BINARY sends (RFC 3516 §4.2): a missing part is empty, the whole
    /// message is its header and its body decoded, and an encoding not known here is
    /// `NO [UNKNOWN-CTE]` rather than its text passed off as decoded.
    @Test func binarySizesAreWhatBinarySends() async throws {
        let header = "From: wang@example.org\r\nSubject: b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        let (server, client) = try await Self.examining(header + "SGVsbG8=\r\n")
        // Advertised, or no client would ask (RFC 3516 §3).
        #expect(try await client.run("CAPABILITY")[0].contains(" BINARY "))
        let whole = try await client.run("FETCH 1 (BINARY.SIZE[] BINARY.SIZE[1] BINARY.SIZE[9] BINARY[9])")
        #expect(whole[0] == "* 1 FETCH (BINARY.SIZE[] \(header.utf8.count + 5) BINARY.SIZE[1] 5 BINARY.SIZE[9] 0 BINARY[9] ~{0}")
        #expect(try await client.run("FETCH 1 BINARY.PEEK[]").contains { $0.hasPrefix("Hello)") })
        await client.close()
        try await server.stop()

        let uuencoded = """
        From: wang@example.org\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain\r
        \r
        hi\r
        --b1\r
        Content-Type: application/octet-stream\r
        Content-Transfer-Encoding: x-uuencode\r
        \r
        begin 644 a\r
        %2&5L;&\\\r
        end\r
        --b1--\r

        """
        let (server2, client2) = try await Self.examining(uuencoded)
        let refused = try await client2.run("FETCH 1 (BINARY.SIZE[1] BINARY[2])")
        #expect(refused.contains("* 1 FETCH (BINARY.SIZE[1] 2)"))
        #expect(refused.tagged.contains("NO [UNKNOWN-CTE]"))
        #expect(try await client2.run("FETCH 1 BINARY.SIZE[2]").tagged.contains("NO [UNKNOWN-CTE]"))
        await client2.close()
        try await server2.stop()
    }

    /// A forwarded message sent base64-encoded (against RFC 2046, but real mailers do) is not
    /// descended into; its BODYSTRUCTURE still has RFC 3501's envelope, body and line count
    /// (empty, as Dovecot's), or the client's parser reads the next fields as those.
    @Test func anEncodedForwardedMessageKeepsTheMessageBodyShape() async throws {
        let inner = Data("From: a@example.org\r\nSubject: inner\r\n\r\nhello\r\n".utf8).base64EncodedString()
        let message = """
        From: wang@example.org\r
        To: li@example.com\r
        Subject: fwd\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain\r
        \r
        see attached\r
        --b1\r
        Content-Type: message/rfc822\r
        Content-Transfer-Encoding: base64\r
        \r
        \(inner)\r
        --b1--\r

        """
        let (server, client) = try await Self.examining(message)
        let structure = try await client.run("FETCH 1 BODYSTRUCTURE")
        #expect(structure[0].contains(
            "(\"message\" \"rfc822\" NIL NIL NIL \"base64\" \(inner.utf8.count) (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
                + "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL) 1 "), "\(structure)")
        // What BODYSTRUCTURE lists can be fetched: the empty part and header, not NIL.
        let sections = try await client.run("FETCH 1 (BODY.PEEK[2.1] BODY.PEEK[2.HEADER] BODY.PEEK[2.TEXT])")
        let fetched = sections.dropLast().joined(separator: "\n")
        #expect(["BODY[2.1] {0}", "BODY[2.HEADER] {0}", "BODY[2.TEXT] {0}"].allSatisfy(fetched.contains), "\(sections)")
        #expect(!fetched.contains("NIL"), "\(sections)")
        await client.close()
        try await server.stop()
    }

    /// Message numbers beyond what the client was told — and `*` in an empty mailbox — are
    /// `BAD` (RFC 3501 §9, `seq-number`) for FETCH, STORE, COPY and MOVE: a client out of step
    /// must not read "COPY completed" for a copy of nothing. UID sets are never out of range.
    @Test func outOfRangeMessageNumbersAreBad() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        for subject in ["one", "two"] {
            _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [account.id])
        }
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        _ = try await client.run("SELECT INBOX")
        for command in ["FETCH 3 FLAGS", "FETCH 1:9 UID", "STORE 2:3 +FLAGS (\\Seen)", "COPY 5 Trash", "MOVE 1,7 Trash"] {
            #expect(try await client.run(command).tagged.contains("BAD Invalid message sequence number"), "\(command)")
        }
        #expect(try await client.run("FETCH 1:* UID").count == 3)
        #expect(try await client.run("FETCH 2 FLAGS")[0] == "* 2 FETCH (FLAGS (\\Recent))")  // the refused STORE changed nothing
        #expect(try await client.run("UID FETCH 99 FLAGS").tagged.contains("OK"))
        #expect(try await client.run("UID COPY 98:99 Trash").tagged.contains("OK"))
        _ = try await client.run("SELECT Trash")
        #expect(try await client.run("FETCH * FLAGS").tagged.contains("BAD"))
        #expect(try await client.run("UID FETCH * FLAGS").tagged.contains("OK"))
        await client.close()
        try await server.stop()
    }

    /// RFC 5182 §2.4: SAVE with MIN and/or MAX keeps just those in `$` (the IMAP audit: every
    /// match was kept, so a following `STORE $ +FLAGS (\Deleted)` hit far more than asked);
    /// QRESYNC before `ENABLE QRESYNC` is refused rather than ignored (RFC 7162 §3.2.5, §3.2.6); a mailbox
    /// deleted under a session ends it with BYE alone.
    @Test func savedSearchesQResyncAndADeletedSelectedMailbox() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        for subject in ["one", "two", "three", "four", "five"] {
            _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [account.id])
        }
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        _ = try await client.run("SELECT INBOX")
        _ = try await client.run("STORE 2,4 +FLAGS.SILENT (\\Seen)")
        _ = try await client.run("SEARCH RETURN (SAVE MIN) UNSEEN")
        #expect(try await client.run("FETCH $ (UID)").filter { $0.hasPrefix("* ") } == ["* 1 FETCH (UID 1)"])
        _ = try await client.run("SEARCH RETURN (SAVE MIN MAX) UNSEEN")
        #expect(try await client.run("FETCH $ (UID)").filter { $0.hasPrefix("* ") } == ["* 1 FETCH (UID 1)", "* 5 FETCH (UID 5)"])
        _ = try await client.run("SEARCH RETURN (SAVE MAX COUNT) UNSEEN")
        #expect(try await client.run("FETCH $ (UID)").filter { $0.hasPrefix("* ") }.count == 3, "with COUNT: every match")
        _ = try await client.run("SEARCH RETURN (SAVE) UNSEEN")
        #expect(try await client.run("FETCH $ (UID)").filter { $0.hasPrefix("* ") }.count == 3)

        #expect(try await client.run("SELECT INBOX (QRESYNC (1 2))").tagged.contains("BAD"))
        #expect(try await client.run("FETCH 1 (UID)").tagged.contains("OK"), "still selected")
        #expect(try await client.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)").tagged.contains("BAD"))
        await client.close()

        // Another session deletes the selected mailbox: the next command gets BYE, and no
        // tagged OK after it (the audit saw both).
        let first = try await IMAPTestClient.signedIn(server)
        let second = try await IMAPTestClient.signedIn(server)
        _ = try await first.run("CREATE Doomed")
        _ = try await first.run("SELECT Doomed")
        #expect(try await second.run("DELETE Doomed").tagged.contains("OK"))
        try await first.line.send("z1 NOOP\r\n")
        #expect(try await first.line.readLine().hasPrefix("* BYE"))
        if let extra = try? await first.line.readLine() { Issue.record("a line after BYE: \(extra)") }
        // Deleting its own selected mailbox deselects it, and says so.
        _ = try await second.run("CREATE Mine")
        _ = try await second.run("SELECT Mine")
        let deleted = try await second.run("DELETE Mine")
        #expect(deleted.contains { $0.hasPrefix("* OK [CLOSED]") } && deleted.tagged.contains("OK"), "\(deleted)")
        await second.close()
        try await server.stop()
    }

    /// A message another session expunged, before this one was told (RFC 3501 §7.4.1 holds the
    /// EXPUNGE back during FETCH and STORE): no made-up data for it, and `[EXPUNGEISSUED]`
    /// (RFC 5530) on the answer; the EXPUNGE comes with the next NOOP. A keyword another session
    /// used first reaches this one as FLAGS too.
    @Test func messagesExpungedByAnotherSessionAreNamedSo() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        for subject in ["one", "two", "three"] {
            _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [account.id])
        }
        let first = try await IMAPTestClient.signedIn(server)
        let second = try await IMAPTestClient.signedIn(server)
        _ = try await first.run("SELECT INBOX (CONDSTORE)")
        _ = try await second.run("SELECT INBOX")
        _ = try await second.run("STORE 2 +FLAGS.SILENT (\\Deleted)")
        _ = try await second.run("EXPUNGE")
        let stored = try await first.run("STORE 2:3 +FLAGS (\\Seen)")
        #expect(stored.tagged.contains("OK [EXPUNGEISSUED]"), "\(stored)")
        #expect(!stored.contains { $0.hasPrefix("* 2 FETCH") }, "\(stored)")
        #expect(stored.contains { $0.hasPrefix("* 3 FETCH") && $0.contains("\\Seen") }, "\(stored)")
        let fetched = try await first.run("FETCH 2 (UID BODY.PEEK[TEXT])")
        #expect(fetched == [fetched.tagged] && fetched.tagged.contains("OK [EXPUNGEISSUED]"), "\(fetched)")
        #expect(try await first.run("COPY 2 Trash").tagged.contains("NO [EXPUNGEISSUED]"))
        #expect(try await first.run("NOOP").contains("* 2 EXPUNGE"))
        #expect(try await first.run("FETCH 2 (UID)").tagged.contains("OK FETCH completed"))
        // A keyword new to the mailbox, stored by the other session: FLAGS and PERMANENTFLAGS
        // come before the FETCH that shows it (RFC 3501 §7.2.6).
        _ = try await second.run("NOOP")
        _ = try await second.run("STORE 1 +FLAGS.SILENT ($Project)")
        let noop = try await first.run("NOOP")
        let flagsLine = noop.firstIndex { $0.hasPrefix("* FLAGS (") && $0.contains("$Project") }
        let fetchLine = noop.firstIndex { $0.hasPrefix("* 1 FETCH") && $0.contains("$Project") }
        #expect(flagsLine != nil && fetchLine != nil && flagsLine! < fetchLine!, "\(noop)")
        #expect(noop.contains { $0.contains("PERMANENTFLAGS") && $0.contains("$Project") }, "\(noop)")
        #expect(!(try await first.run("NOOP")).contains { $0.hasPrefix("* FLAGS") }, "once")
        await first.close()
        await second.close()
        try await server.stop()
    }

    /// A flag synchronisation over many messages (`UID FETCH 1:* (FLAGS)`, answered from the
    /// messages' states alone) says exactly what fetching the same messages in small ranges
    /// (from the full message rows) says; CHANGEDSINCE still picks the changed ones.
    @Test func flagSyncOverManyMessagesMatchesTheFullPath() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "many").utf8), to: [account.id])
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        for _ in 0..<10 {  // 1 → 1 024 copies
            let uids = try await server.runtime.store.messages(mailboxID: inbox.id).map(\.uid)
            _ = try await server.runtime.mail.copy(uids: uids, from: inbox.id, to: inbox.id)
        }
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        _ = try await client.run("SELECT INBOX")
        _ = try await client.run("STORE 7,300:310,1000 +FLAGS (\\Seen \\Flagged work)")
        let whole = try await client.run("UID FETCH 1:* (FLAGS)")
        var ranged: [String] = []
        for range in ["1:400", "401:800", "801:*"] { ranged += try await client.run("UID FETCH \(range) (FLAGS)").dropLast() }
        #expect(whole.count == 1_025)
        #expect(Array(whole.dropLast()) == ranged)
        #expect(whole[6].hasPrefix("* 7 FETCH (UID 7 FLAGS (") && whole[6].contains("\\Flagged") && whole[6].contains("work"))
        let modseq = try await client.run("FETCH 1:* (MODSEQ)")
        let highest = try #require(modseq.dropLast().compactMap { line in
            line.split(separator: " ").last.flatMap { UInt64($0.trimmingCharacters(in: CharacterSet(charactersIn: "()"))) }
        }.max())
        // Searches on flags alone (answered from the states) say what the same keys say next
        // to one that needs the message rows (LARGER 0 holds for every message).
        for keys in ["UNSEEN", "SEEN FLAGGED", "KEYWORD work", "OR DELETED NOT FLAGGED", "UID 5:20 UNSEEN", "1:9 NOT SEEN", "NOT ALL"] {
            let light = try await client.run("UID SEARCH \(keys)")
            let full = try await client.run("UID SEARCH \(keys) LARGER 0")
            #expect(light.first == full.first, "\(keys)")
        }
        #expect(try await client.run("SEARCH SEEN")[0] == "* SEARCH 7 " + (300...310).map(String.init).joined(separator: " ") + " 1000")
        _ = try await client.run("STORE 2,900 +FLAGS.SILENT (\\Answered)")
        let changed = try await client.run("FETCH 1:* (UID FLAGS) (CHANGEDSINCE \(highest))")
        #expect(changed.dropLast().map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["* 2", "* 900"], "\(changed)")
        #expect(changed[0].contains("MODSEQ ("))
        await client.close()
        try await server.stop()
    }

    /// A server whose li@example.com holds `message`, and a client that has examined li's INBOX.
    static func examining(_ message: String) async throws -> (TestServer, IMAPTestClient) {
        let (server, _) = try await serverWithInbox([message])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("EXAMINE INBOX")
        return (server, client)
    }

    @Test func shutdownSaysByeEvenWhileIdling() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        _ = try await client.run("SELECT INBOX")
        try await client.line.send("i1 IDLE\r\n")
        #expect(try await client.line.readLine() == "+ idling")
        try await server.stop()
        #expect(try await client.line.readLine() == "* BYE Server shutting down")
        #expect(await client.line.waitForClose())
    }

    /// A shutdown while an APPEND's literal is still arriving lets it arrive and be stored (and
    /// answered) before BYE — as an SMTP DATA in progress finishes.
    @Test func shutdownLetsAnAppendInProgressFinish() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        let message = sampleMessage(subject: "arriving", body: String(repeating: "line of text\r\n", count: 8_000))
        // A synchronizing literal: once the server asks for it, it holds the command line, so the
        // shutdown surely finds the command in progress (with `{n+}` the stop could reach the
        // session before the first bytes did, and nothing would be in progress).
        try await client.line.send("a1 APPEND INBOX {\(message.utf8.count)}\r\n")
        #expect(try await client.line.readLine().hasPrefix("+ "))
        let stopping = Task { try await server.stop() }
        try await Task.sleep(for: .milliseconds(500))
        try await client.line.send(message + "\r\n")
        #expect(try await client.line.readLine().hasPrefix("a1 OK [APPENDUID "))
        #expect(try await client.line.readLine() == "* BYE Server shutting down")
        #expect(await client.line.waitForClose())
        try await stopping.value
    }

    @Test func disabledAccountIsDisconnected() async throws {
        let server = try await TestServer.start()
        try await server.addUser("li@example.com")
        let (client, _) = try await IMAPTestClient.connect(server)
        try await client.login("li@example.com")
        try await server.runtime.accounts.setDisabled("li@example.com", true)
        try await client.line.send("n1 NOOP\r\n")
        #expect(try await client.line.readLine().hasPrefix("* BYE"))
        #expect(await client.line.waitForClose())
        try await server.stop()
    }
}
