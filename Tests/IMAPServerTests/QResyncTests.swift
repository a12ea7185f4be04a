import Foundation
import IMAPCodec
@testable import IMAPServer
import MailwardCore
import MailwardTesting
import Testing

/// QRESYNC (RFC 7162 §3.2) over a real socket: a client with a cache (Thunderbird, iOS Mail)
/// learns in one SELECT what changed while it was away, UID FETCH … VANISHED answers the same
/// question for a range, and once enabled every expunge is told as `VANISHED`.
@Suite struct QResyncTests {
    /// The number after `code` in an `OK [code n]` line of `lines`.
    static func number(_ code: String, in lines: [String]) throws -> UInt64 {
        let line = try #require(lines.first { $0.contains("[\(code) ") }, "\(code) in \(lines)")
        let after = line.components(separatedBy: "[\(code) ")[1]
        return try #require(UInt64(after.prefix { $0.isNumber }))
    }

    @Test func aCachedClientResynchronizesInOneSelect() async throws {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        for subject in ["one", "two", "three", "four", "five"] {
            _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [account.id])
        }
        // The cache: UIDVALIDITY, HIGHESTMODSEQ and UIDs 1–5.
        let cached = try await IMAPTestClient.signedIn(server)
        #expect(try await cached.run("CAPABILITY").first?.contains(" QRESYNC") == true)
        #expect(try await cached.run("ENABLE QRESYNC").contains("* ENABLED QRESYNC"))
        let selected = try await cached.run("SELECT INBOX")
        let uidValidity = try Self.number("UIDVALIDITY", in: selected)
        let modSeq = try Self.number("HIGHESTMODSEQ", in: selected)
        await cached.close()

        // Meanwhile: 2 read, 3 and 5 expunged, a sixth message delivered.
        let other = try await IMAPTestClient.signedIn(server)
        _ = try await other.run("SELECT INBOX")
        _ = try await other.run("UID STORE 2 +FLAGS.SILENT (\\Seen)")
        _ = try await other.run("UID STORE 3,5 +FLAGS.SILENT (\\Deleted)")
        _ = try await other.run("EXPUNGE")
        _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: "six").utf8), to: [account.id])

        let client = try await IMAPTestClient.signedIn(server)
        // Before ENABLE QRESYNC the parameter is refused (RFC 7162 §3.2.5).
        #expect(try await client.run("SELECT INBOX (QRESYNC (\(uidValidity) \(modSeq)))").tagged.contains("BAD"))
        _ = try await client.run("ENABLE QRESYNC")
        let resync = try await client.run("SELECT INBOX (QRESYNC (\(uidValidity) \(modSeq) 1:5))")
        #expect(resync.tagged.contains("OK [READ-WRITE]"), "\(resync)")
        #expect(resync.contains("* 4 EXISTS"), "\(resync)")
        #expect(resync.contains("* VANISHED (EARLIER) 3,5"), "\(resync)")
        let fetches = resync.filter { $0.contains(" FETCH (") }
        #expect(fetches.count == 2, "\(resync)")
        #expect(fetches.contains { $0.hasPrefix("* 2 FETCH (UID 2 FLAGS (\\Seen") && $0.contains("MODSEQ (") }, "\(fetches)")
        #expect(fetches.contains { $0.hasPrefix("* 4 FETCH (UID 6 FLAGS (") }, "the new message: \(fetches)")
        // VANISHED comes before the FETCHes, both before the tagged answer.
        let vanishedAt = try #require(resync.firstIndex { $0.hasPrefix("* VANISHED") })
        #expect(resync.firstIndex { $0.contains(" FETCH (") }! > vanishedAt)

        // The known UIDs narrow the answer; another UIDVALIDITY, or an up-to-date MODSEQ, gets none.
        let narrow = try await client.run("EXAMINE INBOX (QRESYNC (\(uidValidity) \(modSeq) 1:2))")
        #expect(!narrow.contains { $0.hasPrefix("* VANISHED") }, "\(narrow)")
        #expect(narrow.contains { $0.hasPrefix("* 2 FETCH (UID 2") }, "\(narrow)")
        let stale = try await client.run("SELECT INBOX (QRESYNC (\(uidValidity &+ 1) \(modSeq) 1:5))")
        #expect(!stale.contains { $0.hasPrefix("* VANISHED") || $0.contains(" FETCH (") }, "\(stale)")
        let current = try Self.number("HIGHESTMODSEQ", in: stale)
        let upToDate = try await client.run("SELECT INBOX (QRESYNC (\(uidValidity) \(current) 1:6))")
        #expect(!upToDate.contains { $0.hasPrefix("* VANISHED") || $0.contains(" FETCH (") }, "\(upToDate)")
        #expect(upToDate.tagged.contains("OK"))

        // UID FETCH … VANISHED: the same for a range (RFC 7162 §3.2.6), only in that form.
        let ranged = try await client.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE \(modSeq) VANISHED)")
        #expect(ranged.first == "* VANISHED (EARLIER) 3,5", "\(ranged)")
        #expect(ranged.filter { $0.contains(" FETCH (") }.count == 2, "\(ranged)")
        #expect(try await client.run("UID FETCH 2:4 (FLAGS) (CHANGEDSINCE \(modSeq) VANISHED)").first == "* VANISHED (EARLIER) 3")
        #expect(try await client.run("UID FETCH 1:* (FLAGS) (VANISHED)").tagged.contains("BAD"))
        #expect(try await client.run("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)").tagged.contains("BAD"))

        // Expunges are told as VANISHED once QRESYNC is on: another session's at the next NOOP,
        // the session's own EXPUNGE and MOVE at once.
        _ = try await other.run("NOOP")
        _ = try await other.run("UID STORE 4 +FLAGS.SILENT (\\Deleted)")
        _ = try await other.run("EXPUNGE")
        let noop = try await client.run("NOOP")
        #expect(noop.contains("* VANISHED 4") && !noop.contains { $0.hasSuffix(" EXPUNGE") }, "\(noop)")
        _ = try await client.run("UID STORE 1 +FLAGS.SILENT (\\Deleted)")
        let expunged = try await client.run("EXPUNGE")
        #expect(expunged.first == "* VANISHED 1", "\(expunged)")
        let moved = try await client.run("UID MOVE 2 Trash")
        #expect(moved.contains("* VANISHED 2"), "\(moved)")
        #expect(try await client.run("UID SEARCH ALL").first == "* SEARCH 6")
        // A session without QRESYNC still hears EXPUNGE.
        let plain = try await other.run("NOOP")
        #expect(plain.contains("* 1 EXPUNGE"), "\(plain)")
        await client.close()
        await other.close()
        try await server.stop()
    }

    /// ``VanishedUIDs`` on its own: the complement is computed over ranges (a client's
    /// `1:4294967295` costs what the mailbox holds), clipped to the UIDs given out.
    @Test func vanishedUIDsAreTheNamedOnesMissingBelowUIDNext() {
        #expect(VanishedUIDs.missing(from: [1...10], largestAssigned: 10, present: [2, 3, 7]) == [1...1, 4...6, 8...10])
        #expect(VanishedUIDs.missing(from: [1...UInt32.max], largestAssigned: 5, present: [1, 5]) == [2...4])
        #expect(VanishedUIDs.missing(from: [3...4, 8...9], largestAssigned: 8, present: [4, 8]) == [3...3])
        #expect(VanishedUIDs.missing(from: [20...30], largestAssigned: 10, present: []) == [])
        #expect(VanishedUIDs.missing(from: [1...3], largestAssigned: 3, present: [1, 2, 3]) == [])
        #expect(VanishedUIDs.union([1, 4, 9], [2, 4, 10]) == [1, 2, 4, 9, 10])
        #expect(VanishedUIDs.response([]) == nil)
        // Any known set: the answer is exactly the named UIDs up to the largest that are not present.
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let largest = UInt32.random(in: 0...60, using: &random)
            let present = (1...70).filter { _ in Bool.random(using: &random) }.map(UInt32.init)
            let asked = SelectedMailbox.merged((0..<3).map { _ in
                let a = UInt32.random(in: 1...80, using: &random)
                return a...(a + UInt32.random(in: 0...20, using: &random))
            })
            let expected = asked.flatMap { Array($0) }.filter { $0 <= largest && !present.contains($0) }
            #expect(VanishedUIDs.missing(from: asked, largestAssigned: largest, present: present).flatMap { Array($0) } == expected)
        }
    }
}
