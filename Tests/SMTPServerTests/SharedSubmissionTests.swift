import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// SPEC S4/S5 at the submission door: a grantee sends from the owner's address only with a
/// sending permission; the server decides `Sender:` and files both Sent copies.
@Suite(.serialized) struct SharedSubmissionTests {
    func setUp(_ permission: SharePermission?, outbound: RecordingOutboundQueue = RecordingOutboundQueue()) async throws -> (TestServer, LineClient) {
        let server = try await TestServer.smtp(outbound: outbound)
        if let permission {
            let alice = try await server.runtime.accounts.account("alice@example.test")
            try await server.runtime.shares.share(alice, with: "bob@example.test", permission: permission,
                                                  context: ClientContext(ip: "127.0.0.1"))
        }
        let client = try await LineClient.connect(port: await server.port(.submissionTLS), tls: true)
        #expect(try await client.reply().code == 220)
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("bob@example.test", password))").code == 235)
        return (server, client)
    }

    /// Sends one message from alice's address as bob; returns the final reply.
    func send(_ client: LineClient, envelope: String = "alice@example.test", headers: String) async throws -> Reply {
        let mail = try await client.command("MAIL FROM:<\(envelope)>")
        guard mail.code == 250 else { return mail }
        #expect(try await client.command("RCPT TO:<carol@elsewhere.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send(headers + "\r\nSubject: 周报\r\n\r\nbody\r\n.\r\n")
        return try await client.reply()
    }

    @Test(arguments: [nil, SharePermission.readOnly])
    func withoutASendingPermissionTheOwnersAddressIsRefused(_ permission: SharePermission?) async throws {
        let (server, client) = try await setUp(permission)
        defer { Task { try? await server.stop() } }
        let envelope = try await client.command("MAIL FROM:<alice@example.test>")
        #expect(envelope.code == 550 && envelope.text.contains("5.7.1"))
        // Own envelope, the owner's From: refused after DATA; nothing filed anywhere.
        let header = try await send(client, envelope: "bob@example.test", headers: "From: alice@example.test")
        #expect(header.code == 550 && header.text.contains("5.7.1"))
        // A read-only grantee hears why (SPEC S: "a clear message"), as in IMAP and the web.
        let why = "The read only permission does not allow you to reply to, forward or send mail from this mailbox."
        #expect(envelope.text.contains(why) == (permission != nil), "\(envelope.text)")
        #expect(header.text.contains(why) == (permission != nil), "\(header.text)")
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").isEmpty)
        #expect(try await server.messages(of: "bob@example.test", in: "Sent").isEmpty)
    }

    @Test func sendOnBehalfGetsTheServersSenderWhateverTheClientWrote() async throws {
        let queue = RecordingOutboundQueue()
        let (server, client) = try await setUp(.sendOnBehalf, outbound: queue)
        defer { Task { try? await server.stop() } }
        let reply = try await send(client, headers: "From: Alice <alice@example.test>\r\nSender: forged@elsewhere.test")
        #expect(reply.code == 250)
        let out = String(decoding: try #require(queue.recorded.first).raw, as: UTF8.self)
        #expect(out.contains("From: Alice <alice@example.test>\r\nSender: bob <bob@example.test>\r\n"))
        #expect(!out.contains("forged@elsewhere.test"))
        #expect(try await server.messages(of: "bob@example.test", in: "Sent").first?.contains("Sender: bob <bob@example.test>") == true)
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").first?.contains("Sender: bob <bob@example.test>") == true)
        let alice = try await server.runtime.accounts.account("alice@example.test")
        let events = try await server.runtime.security.store.auditEvents(accountID: alice.id, kinds: [.sharedMailboxAction], limit: 5)
        #expect(events.map(\.door) == ["smtp"])
    }

    @Test func sendAsGoesOutWithoutSender() async throws {
        let queue = RecordingOutboundQueue()
        let (server, client) = try await setUp(.sendAs, outbound: queue)
        defer { Task { try? await server.stop() } }
        #expect(try await send(client, headers: "From: alice@example.test\r\nSender: bob@example.test").code == 250)
        let out = String(decoding: try #require(queue.recorded.first).raw, as: UTF8.self)
        #expect(!out.contains("Sender:"))
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").count == 1)
    }

    /// Without any share, bob's own mail may not name alice as its sender: it would read as sent
    /// by alice on bob's behalf ("alice 代 bob 发送"). The forged `Sender:` is dropped.
    @Test func ownMailCannotClaimAnotherSender() async throws {
        let queue = RecordingOutboundQueue()
        let (server, client) = try await setUp(.readOnly, outbound: queue)
        defer { Task { try? await server.stop() } }
        let reply = try await send(client, envelope: "bob@example.test",
                                   headers: "From: bob@example.test\r\nSender: alice@example.test")
        #expect(reply.code == 250)
        let out = String(decoding: try #require(queue.recorded.first).raw, as: UTF8.self)
        #expect(out.contains("From: bob@example.test\r\n"))
        #expect(!out.contains("Sender:"))
        #expect(try await server.messages(of: "bob@example.test", in: "Sent").first?.contains("Sender:") == false)
    }
}
