import Foundation
import MailwardTesting
import Testing

/// "Any of these senders" comes as a chain of ORs, one level deeper per sender (Thunderbird's
/// saved searches): a hundred of them are searched; nesting past the limit is BAD, not a crash.
@Suite struct SearchNestingTests {
    /// `OR OR … FROM s0 FROM s1 … FROM sN-1`: N keys, N−1 ORs nested in the first operand.
    static func anyOf(_ senders: [String]) -> String {
        String(repeating: "OR ", count: senders.count - 1) + senders.map { "FROM \($0)" }.joined(separator: " ")
    }

    @Test func aHundredSendersOrChainedAreSearched() async throws {
        let (server, _) = try await serverWithInbox([
            sampleMessage(subject: "one", from: "sender7@example.org"),
            sampleMessage(subject: "two", from: "nobody@example.org"),
            sampleMessage(subject: "three", from: "sender93@example.org"),
        ])
        defer { Task { try? await server.stop() } }
        let client = try await IMAPTestClient.signedIn(server)
        _ = try await client.run("SELECT INBOX")
        let senders = (0..<100).map { "sender\($0)@example.org" }
        let found = try await client.run("SEARCH " + Self.anyOf(senders))
        #expect(found.first == "* SEARCH 1 3", "\(found)")
        #expect(found.tagged.contains("OK"))

        let tooDeep = try await client.run("SEARCH " + String(repeating: "NOT ", count: 200) + "ALL")
        #expect(tooDeep.tagged.contains("BAD"), "\(tooDeep)")
        // The session goes on.
        #expect(try await client.run("NOOP").tagged.contains("OK"))
        await client.close()
    }
}
