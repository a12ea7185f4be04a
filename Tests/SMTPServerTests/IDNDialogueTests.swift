import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// An internationalized domain created in its Unicode spelling answers in its ASCII (IDNA
/// A-label) spelling too — the one most senders write: at RCPT, in AUTH and as a sender.
@Suite(.serialized) struct IDNDialogueTests {
    static func server() async throws -> TestServer {
        let server = try await TestServer.smtp()
        try await server.addUser("user@测试.cn")
        return server
    }

    @Test func rcptToTheALabelSpellingReachesTheUnicodeAccount() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.stop() } }
        let client = try await LineClient.connect(port: await server.port(.smtp))
        #expect(try await client.reply().code == 220)
        _ = try await client.command("EHLO sender.example")
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test>").code == 250)
        let rcpt = try await client.command("RCPT TO:<user@xn--0zwm56d.cn>")
        #expect(rcpt.code == 250, "\(rcpt)")
        #expect(try await client.command("RCPT TO:<User@XN--0ZWM56D.CN>").code == 250)
        let unknown = try await client.command("RCPT TO:<nobody@xn--0zwm56d.cn>")
        #expect(unknown.code == 550 && unknown.text.contains("5.1.1"), "a local domain, not a relay: \(unknown)")
        #expect(try await client.command("RCPT TO:<user@xn--zzzzzzzzzzzz.cn>").code >= 500)
        #expect(try await client.command("DATA").code == 354)
        try await client.send("From: carol@elsewhere.test\r\nSubject: idn\r\n\r\nHello\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        #expect(try await client.command("QUIT").code == 221)

        let inbox = try await server.messages(of: "user@测试.cn")
        #expect(inbox.count == 1)
        #expect(inbox.first?.hasSuffix("\r\n\r\nHello\r\n") == true)
    }

    @Test func signInAndSendInTheALabelSpelling() async throws {
        let server = try await Self.server()
        defer { Task { try? await server.stop() } }
        let client = try await LineClient.connect(port: await server.port(.submissionTLS), tls: true)
        #expect(try await client.reply().code == 220)
        _ = try await client.command("EHLO laptop")
        let auth = try await client.command("AUTH PLAIN \(plainCredentials("user@xn--0zwm56d.cn", password))")
        #expect(auth.code == 235, "\(auth)")
        #expect(try await client.command("MAIL FROM:<user@xn--0zwm56d.cn>").code == 250)
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send("From: <user@xn--0zwm56d.cn>\r\nTo: alice@example.test\r\nSubject: from an IDN\r\n\r\nHi\r\n.\r\n")
        let accepted = try await client.reply()
        #expect(accepted.code == 250, "the From: in the other spelling is the account's own address: \(accepted)")
        #expect(try await client.command("QUIT").code == 221)
        #expect(try await server.messages(of: "alice@example.test").count == 1)
    }
}
