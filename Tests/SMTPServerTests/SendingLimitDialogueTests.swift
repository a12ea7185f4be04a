import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// ``SendingLimits`` at the submission door: recipients in other domains count per account and
/// hour; a message that would pass the limit is refused whole (451 4.7.1, nothing delivered,
/// queued or filed in Sent), one that never fits 550 5.7.1; mail within the server's domains
/// and the MX door are not counted.
@Suite struct SendingLimitDialogueTests {
    @Test func aMessagePastTheHourlyLimitIsRefusedWhole() async throws {
        let queue = RecordingOutboundQueue()
        let server = try await TestServer.start(configure: { configuration in
            configuration.smtp.maxRemoteRecipientsPerHour = 3
            configuration.smtp.maxRemoteRecipientsPerDay = 0
        }, prepare: { runtime in
            runtime.outbound = queue
        })
        defer { Task { try? await server.stop() } }
        try await server.addUser("alice@example.test")
        try await server.addUser("bob@example.test")
        let client = try await LineClient.connect(port: await server.port(.submission))
        defer { Task { await client.close() } }
        _ = try await client.reply()
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))").code == 235)

        func send(to recipients: [String], subject: String) async throws -> Reply {
            _ = try await client.command("MAIL FROM:<alice@example.test>")
            for recipient in recipients { #expect(try await client.command("RCPT TO:<\(recipient)>").code == 250) }
            _ = try await client.command("DATA")
            try await client.send("From: alice@example.test\r\nSubject: \(subject)\r\n\r\nhello\r\n.\r\n")
            return try await client.reply()
        }
        #expect(try await send(to: ["a@far.test", "b@far.test", "bob@example.test"], subject: "first").code == 250)
        // Own domain: not counted, however many.
        #expect(try await send(to: ["bob@example.test"], subject: "inside").code == 250)
        let refused = try await send(to: ["c@far.test", "d@far.test", "bob@example.test"], subject: "second")
        #expect(refused.code == 451 && refused.text.contains("4.7.1") && refused.text.contains("3 recipients at other domains per hour"),
                "\(refused)")
        #expect(try await send(to: ["c@far.test"], subject: "third").code == 250, "one more fits")
        let never = try await send(to: ["e@far.test", "f@far.test", "g@far.test", "h@far.test"], subject: "big")
        #expect(never.code == 550 && never.text.contains("5.7.1"), "\(never)")

        #expect(queue.recorded.map(\.recipients) == [["a@far.test", "b@far.test"], ["c@far.test"]])
        let bob = try await server.messages(of: "bob@example.test")
        #expect(bob.count == 2 && !bob.contains { $0.contains("Subject: second") }, "nothing of a refused message is delivered")
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").count == 3)
        let alice = try await server.runtime.accounts.account("alice@example.test")
        let limiter = try #require(server.runtime.sendingLimiter)
        #expect(try await limiter.sentRecipients(account: alice.id) == (3, 3))
    }
}
