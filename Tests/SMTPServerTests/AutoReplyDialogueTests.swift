import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Automatic replies after real SMTP deliveries: mail through the MX door from another domain
/// gets one reply through the outbound queue (empty envelope sender, `Auto-Submitted`), once per
/// sender; a colleague's mail through submission gets it in the colleague's INBOX; list mail and
/// bounces get none.
@Suite struct AutoReplyDialogueTests {
    /// Waits up to 5 s for `condition` (the reply is sent after the 250, in a task of its own).
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func deliveriesToAnAccountAwayAreAnsweredOncePerSender() async throws {
        let queue = RecordingOutboundQueue()
        let server = try await TestServer.smtp(outbound: queue)
        defer { Task { try? await server.stop() } }
        let bob = try await server.runtime.accounts.account("bob@example.test")
        try await server.runtime.autoResponder.set(AutoReply(enabled: true, subject: "休假中", text: "我在休假，12 月 20 日回来。"), for: bob)

        let message = "From: Wang <wang@far.test>\r\nTo: bob@example.test\r\nSubject: 会议\r\nMessage-ID: <m1@far.test>\r\n\r\nhi\r\n"
        #expect(try await server.sendMX(from: "wang@far.test", to: "bob@example.test", helo: "far.test", message).code == 250)
        #expect(try await eventually { !queue.recorded.isEmpty })
        let reply = try #require(queue.recorded.first)
        #expect(reply.sender == "" && reply.recipients == ["wang@far.test"])
        let text = String(decoding: reply.raw, as: UTF8.self)
        #expect(text.contains("Auto-Submitted: auto-replied") && text.contains("In-Reply-To: <m1@far.test>"), "\(text)")
        #expect(text.contains("From: <bob@example.test>") || text.contains("<bob@example.test>"))

        // The same sender again, a list and a bounce: nothing more.
        #expect(try await server.sendMX(from: "wang@far.test", to: "bob@example.test", helo: "far.test", message).code == 250)
        let list = "From: staff@far.test\r\nTo: bob@example.test\r\nList-Id: <staff.far.test>\r\nSubject: news\r\n\r\nhi\r\n"
        #expect(try await server.sendMX(from: "staff@far.test", to: "bob@example.test", helo: "far.test", list).code == 250)
        #expect(try await server.sendMX(from: "", to: "bob@example.test", helo: "far.test", message).code == 250)
        try await Task.sleep(for: .milliseconds(500))
        #expect(queue.recorded.count == 1)

        // A colleague through submission: the reply lands in alice's INBOX.
        let client = try await LineClient.connect(port: await server.port(.submission))
        defer { Task { await client.close() } }
        _ = try await client.reply()
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))").code == 235)
        _ = try await client.command("MAIL FROM:<alice@example.test>")
        _ = try await client.command("RCPT TO:<bob@example.test>")
        _ = try await client.command("DATA")
        try await client.send("From: alice@example.test\r\nTo: bob@example.test\r\nSubject: lunch\r\n\r\nlunch?\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        #expect(try await eventually { try await server.messages(of: "alice@example.test").contains { $0.contains("Auto-Submitted: auto-replied") } })
        #expect(queue.recorded.count == 1)
    }
}
