import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// RFC 3501 §2.3.2 `\Recent`: a message is recent in exactly one session — the first that
/// selects its mailbox (or has it selected) after it arrived; EXAMINE shows recent messages
/// without taking them; STATUS RECENT counts those nobody took yet. (Before, `* 0 RECENT`
/// always, and `SEARCH NEW` never found new mail.)
@Suite(.serialized) struct RecentTests {
    @Test func aMessageIsRecentInTheFirstSessionThatSelectsItsMailbox() async throws {
        let (server, account) = try await serverWithInbox(["one", "two"].map { sampleMessage(subject: $0) })
        let first = try await IMAPTestClient.signedIn(server)
        #expect(try await first.run("STATUS INBOX (MESSAGES RECENT UNSEEN)").contains("* STATUS INBOX (MESSAGES 2 RECENT 2 UNSEEN 2)"))
        // EXAMINE shows them and takes nothing.
        let examined = try await first.run("EXAMINE INBOX")
        #expect(examined.contains("* 2 RECENT"), "\(examined)")
        #expect(try await first.run("FETCH 1 FLAGS").contains("* 1 FETCH (FLAGS (\\Recent))"))
        // SELECT takes them: recent here, and in no other session.
        let selected = try await first.run("SELECT INBOX")
        #expect(selected.contains("* 2 RECENT"), "\(selected)")
        #expect(try await first.run("SEARCH NEW").contains("* SEARCH 1 2"))
        // STATUS of the mailbox it has selected counts what this session took.
        #expect(try await first.run("STATUS INBOX (RECENT)").contains("* STATUS INBOX (RECENT 2)"))
        #expect(try await first.run("STORE 1 +FLAGS (\\Seen)").contains("* 1 FETCH (FLAGS (\\Recent \\Seen))"))
        #expect(try await first.run("SEARCH NEW").contains("* SEARCH 2"))
        #expect(try await first.run("SEARCH OLD").contains("* SEARCH"))

        let second = try await IMAPTestClient.signedIn(server)
        #expect(try await second.run("STATUS INBOX (RECENT)").contains("* STATUS INBOX (RECENT 0)"))
        _ = try await second.run("EXAMINE INBOX")
        #expect(try await second.run("STATUS INBOX (RECENT)").contains("* STATUS INBOX (RECENT 0)"))
        let again = try await second.run("SELECT INBOX")
        #expect(again.contains("* 0 RECENT"), "\(again)")
        #expect(try await second.run("FETCH 1:2 FLAGS").contains("* 2 FETCH (FLAGS ())"))
        #expect(try await second.run("SEARCH RECENT").contains("* SEARCH"))
        #expect(try await second.run("SEARCH OLD").contains("* SEARCH 1 2"))

        // New mail while both have INBOX selected: one of them gets it as recent, once.
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "three").utf8), to: [account.id])
        let seenByFirst = try await first.run("NOOP")
        let seenBySecond = try await second.run("NOOP")
        #expect(seenByFirst.contains("* 3 EXISTS") && seenBySecond.contains("* 3 EXISTS"))
        let recentCounts = [seenByFirst, seenBySecond].map { lines in lines.first { $0.hasSuffix(" RECENT") } }
        #expect(recentCounts == ["* 3 RECENT", "* 0 RECENT"], "\(seenByFirst) \(seenBySecond)")
        #expect(try await first.run("FETCH 3 FLAGS").contains("* 3 FETCH (FLAGS (\\Recent))"))
        #expect(try await second.run("FETCH 3 FLAGS").contains("* 3 FETCH (FLAGS ())"))
        #expect(try await first.run("STATUS INBOX (RECENT)").contains("* STATUS INBOX (RECENT 3)"))
        #expect(try await second.run("STATUS INBOX (RECENT)").contains("* STATUS INBOX (RECENT 0)"))
        await first.close()
        await second.close()
        try await server.stop()
    }

    /// `\Recent` is the server's to set: a client cannot store it.
    @Test func clientsCannotSetRecent() async throws {
        let (server, _) = try await serverWithInbox([sampleMessage()])
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        #expect(try await client.run("STORE 1 FLAGS (\\Recent)").tagged.contains("BAD"))
        // A system flag no standard defines is refused, not dropped under an OK.
        let unknown = try await client.run("STORE 1 +FLAGS (\\Foo)").tagged
        #expect(unknown.contains("BAD") && unknown.contains("Invalid system flag \\Foo"), "\(unknown)")
        #expect(try await client.run("APPEND INBOX (\\Seen \\Foo) {3+}\r\nx\r\n").tagged.contains("BAD"))
        #expect(try await client.run("STORE 1 FLAGS (\\Flagged)").contains("* 1 FETCH (FLAGS (\\Recent \\Flagged))"))
        await client.close()
        try await server.stop()
    }
}
