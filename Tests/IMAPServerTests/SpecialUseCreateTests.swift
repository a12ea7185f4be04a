import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// CREATE-SPECIAL-USE (RFC 6154 §3) and STATUS=SIZE (RFC 8438) as clients ask for them: a
/// client that lost its Sent folder makes one with `USE (\Sent)`, and the server files there
/// from then on; a second folder for a use that has one is refused with `[USEATTR]`, so the
/// server and every client agree where Sent copies and deleted mail go.
@Suite(.serialized) struct SpecialUseCreateTests {
    @Test func createWithUseMarksTheFolderOnceAndStatusSizeAddsTheMessages() async throws {
        let (server, account) = try await serverWithInbox(["one", "two"].map { sampleMessage(subject: $0) })
        let (client, greeting) = try await IMAPTestClient.connect(server)
        #expect(greeting.contains(" CREATE-SPECIAL-USE "), "\(greeting)")
        #expect(greeting.contains(" STATUS=SIZE "), "\(greeting)")
        try await client.login("li@example.com")

        let archive = try await client.run("CREATE Archive/2026 (USE (\\Archive))")
        #expect(archive.tagged.hasSuffix("OK CREATE completed"), "\(archive)")
        let listed = try await client.run("LIST \"\" Archive/2026 RETURN (SPECIAL-USE)")
        #expect(listed.contains { $0.hasPrefix("* LIST (") && $0.contains("\\Archive") && $0.hasSuffix(" Archive/2026") }, "\(listed)")

        // Provisioning made Sent; a second \Sent folder is refused and not made.
        let second = try await client.run("CREATE \"Sent Messages\" (USE (\\Sent))")
        #expect(second.tagged.contains("NO [USEATTR]"), "\(second)")
        #expect(try await client.run("LIST \"\" \"Sent Messages\"").count == 1)
        #expect(try await client.run("CREATE Starred (USE (\\Flagged))").tagged.contains("NO [USEATTR]"))

        // Once the Trash folder is gone, a client may name its own, and the server uses it.
        #expect(try await client.run("DELETE Trash").tagged.hasSuffix("OK DELETE completed"))
        #expect(try await client.run("CREATE \"Deleted Items\" (USE (\\Trash))").tagged.hasSuffix("OK CREATE completed"))
        #expect(try await server.runtime.mail.mailbox(accountID: account.id, specialUse: .trash)?.name == "Deleted Items")

        // STATUS SIZE is the sum of the messages' RFC822.SIZE.
        _ = try await client.run("EXAMINE INBOX")
        let sizes = try await client.run("FETCH 1:* RFC822.SIZE").compactMap { line -> Int? in
            guard let range = line.range(of: "RFC822.SIZE ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(sizes.count == 2)
        let status = try await client.run("STATUS INBOX (MESSAGES SIZE)")
        #expect(status.contains("* STATUS INBOX (MESSAGES 2 SIZE \(sizes.reduce(0, +)))"), "\(status)")
        await client.close()
        try await server.stop()
    }
}
