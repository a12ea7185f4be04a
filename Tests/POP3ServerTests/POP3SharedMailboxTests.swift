import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// POP3 has no folders: a grantee's POP3 session serves only the grantee's own INBOX, never a
/// mailbox shared with them (issue 8).
@Suite struct POP3SharedMailboxTests {
    @Test func granteeSeesOnlyItsOwnInbox() async throws {
        let fixture = try await POP3Fixture.start()
        let server = fixture.server
        let boss = try await server.addUser("boss@pop.test", password: POP3Fixture.password)
        for subject in ["Boss one", "Boss two"] {
            _ = try await server.runtime.mail.deliver(Array(POP3Fixture.message(subject: subject, body: "Secret\r\n").utf8),
                                                      to: [boss.id])
        }
        try await server.runtime.shares.share(boss, with: POP3Fixture.address, permission: .sendAs,
                                              context: ClientContext(ip: "127.0.0.1"))
        let ownSizes = try await fixture.inbox().map(\.size)

        let client = try await fixture.loggedInClient()
        #expect(try await client.command("STAT") == "+OK 3 \(ownSizes.reduce(0, +))")
        #expect(try await client.command("TOP 4 0").hasPrefix("-ERR"))
        for number in 1...3 {
            #expect(try await client.command("TOP \(number) 0").hasPrefix("+OK"))
            let header = try await client.multiline()
            #expect(!header.contains { $0.contains("Boss") }, "message \(number) is ann's own: \(header)")
        }
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        await client.close()
        try await fixture.stop()
    }
}
