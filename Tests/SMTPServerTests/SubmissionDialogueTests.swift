import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// The submission doors (STARTTLS and implicit TLS) over real sockets.
@Suite(.serialized) struct SubmissionDialogueTests {
    func connect(_ server: TestServer, implicitTLS: Bool = false) async throws -> LineClient {
        let port = await server.port(implicitTLS ? .submissionTLS : .submission)
        let client = try await LineClient.connect(port: port, tls: implicitTLS)
        #expect(try await client.reply().code == 220)
        return client
    }

    /// Over its connection limit the implicit-TLS port refuses inside TLS: the client reads the
    /// 421 (the soak audit's client got a TLS error — the refusal had gone out in clear text).
    @Test func implicitTLSRefusesOverTheLimitInsideTLS() async throws {
        let server = try await TestServer.start(configure: { $0.connections.maxPerIP = 1 })
        let first = try await connect(server, implicitTLS: true)
        let second = try await LineClient.connect(port: await server.port(.submissionTLS), tls: true)
        #expect(try await second.reply().code == 421)
        await first.close()
        await second.close()
        try await server.stop()
    }

    /// A client signed in as `user` over implicit TLS.
    func signedIn(_ server: TestServer, as user: String = "alice@example.test") async throws -> LineClient {
        let client = try await connect(server, implicitTLS: true)
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("AUTH PLAIN \(plainCredentials(user, password))").code == 235)
        return client
    }

    /// One transaction: MAIL, RCPT for each recipient, DATA and `message`; the final reply.
    func send(_ client: LineClient, from sender: String = "alice@example.test", to recipients: [String],
              _ message: String) async throws -> Reply {
        _ = try await client.command("MAIL FROM:<\(sender)>")
        for recipient in recipients { _ = try await client.command("RCPT TO:<\(recipient)>") }
        _ = try await client.command("DATA")
        try await client.send(message + ".\r\n")
        return try await client.reply()
    }

    func startTLS(_ client: LineClient) async throws {
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("STARTTLS").code == 220)
        try await client.startTLS()
    }

    @Test func startTLSThenAuthPlainThenSendLocallyWithSentCopy() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        // Plaintext commands pipelined after STARTTLS are dropped (RFC 3207 §4.2).
        _ = try await client.command("EHLO laptop")
        try await client.send("STARTTLS\r\nMAIL FROM:<alice@example.test>\r\n")
        #expect(try await client.reply().code == 220)
        try await client.startTLS()
        let ehlo = try await client.command("EHLO laptop")
        #expect(ehlo.text.contains("AUTH PLAIN LOGIN"))
        #expect(!ehlo.text.contains("STARTTLS"))
        #expect(try await client.command("MAIL FROM:<alice@example.test>").code == 530)
        let auth = try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))")
        #expect(auth.code == 235)
        #expect(try await client.command("MAIL FROM:<alice@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send("From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: lunch\r\n\r\nNoon?\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        let delivered = try await server.messages(of: "bob@example.test")
        #expect(delivered.count == 1)
        #expect(delivered.first?.contains("with ESMTPSA (using TLS)") == true)
        let sent = try await server.messages(of: "alice@example.test", in: "Sent")
        #expect(sent.count == 1)
        #expect(sent.first?.hasPrefix("From: Alice <alice@example.test>") == true)
        // The Sent copy is marked read.
        let account = try await server.runtime.accounts.account("alice@example.test")
        let mailbox = try #require(try await server.runtime.mail.mailbox(accountID: account.id, specialUse: .sent))
        let records = try await server.runtime.mail.store.messages(mailboxID: mailbox.id)
        #expect(records.first?.flags.contains(MessageFlags.seen) == true)
    }

    @Test func foreignSendersAreRefused() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server, implicitTLS: true)
        _ = try await client.command("EHLO laptop")
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("bob@example.test", password))").code == 235)
        let foreign = try await client.command("MAIL FROM:<alice@example.test>")
        #expect(foreign.code == 550 && foreign.text.contains("5.7.1"))
        // The alias is bob's to use.
        #expect(try await client.command("MAIL FROM:<info@example.test>").code == 250)
        _ = try await client.command("RCPT TO:<alice@example.test>")
        _ = try await client.command("DATA")
        try await client.send("From: alice@example.test\r\nSubject: forged\r\n\r\nx\r\n.\r\n")
        let forged = try await client.reply()
        #expect(forged.code == 550 && forged.text.contains("5.7.1"))
        #expect(try await server.messages(of: "alice@example.test").isEmpty)
        #expect(try await client.command("MAIL FROM:<>").code == 550)
    }

    @Test func authLoginOnImplicitTLSAndRemoteRecipientsQueued() async throws {
        let queue = RecordingOutboundQueue()
        let server = try await TestServer.smtp(outbound: queue)
        defer { Task { try? await server.stop() } }
        let client = try await connect(server, implicitTLS: true)
        let ehlo = try await client.command("EHLO laptop")
        #expect(ehlo.text.contains("AUTH PLAIN LOGIN"))
        #expect(try await client.command("AUTH LOGIN").text == "334 VXNlcm5hbWU6")
        #expect(try await client.command(Data("alice@example.test".utf8).base64EncodedString()).code == 334)
        #expect(try await client.command(Data(password.utf8).base64EncodedString()).code == 235)
        _ = try await client.command("MAIL FROM:<alice@example.test>")
        #expect(try await client.command("RCPT TO:<friend@far.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        _ = try await client.command("DATA")
        try await client.send("From: alice@example.test\r\nSubject: out\r\n\r\nhello world\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        let queued = queue.recorded
        #expect(queued.count == 1)
        #expect(queued.first?.recipients == ["friend@far.test"])
        #expect(queued.first?.sender == "alice@example.test")
        let outgoing = String(decoding: queued.first?.raw ?? [], as: UTF8.self)
        #expect(outgoing.hasPrefix("Received: from laptop"))
        #expect(try await server.messages(of: "bob@example.test").count == 1)
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").count == 1)
    }

    @Test func remoteRecipientsWithoutQueueAreDeferred() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server, implicitTLS: true)
        _ = try await client.command("EHLO laptop")
        _ = try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))")
        _ = try await client.command("MAIL FROM:<alice@example.test>")
        let reply = try await client.command("RCPT TO:<friend@far.test>")
        #expect(reply.code == 451 && reply.text.contains("outbound delivery is not configured"))
    }

    @Test func failedAuthenticationsEndTheConnection() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server, implicitTLS: true)
        _ = try await client.command("EHLO guesser")
        var codes: [Int] = []
        for guess in ["a", "b", "c"] {
            codes.append(try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", "wrong-\(guess)"))").code)
        }
        #expect(codes == [535, 535, 535])
        let bye = try await client.reply()
        #expect(bye.code == 421)
        #expect(await client.waitForClose())
    }

    @Test func loopbackMayAuthenticateWithoutTLS() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        let ehlo = try await client.command("EHLO local-script")
        #expect(ehlo.text.contains("AUTH PLAIN LOGIN"))
        #expect(ehlo.text.contains("STARTTLS"))
        #expect(try await client.command("MAIL FROM:<alice@example.test>").code == 530)
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))").code == 235)
    }

    /// Blind copies stay blind (the recipients' copies lose `Bcc:`, the Sent copy keeps it), and a
    /// message without `Date:` or `Message-ID:` gets both (RFC 6409 §8); the sender's own stay.
    @Test func bccIsRemovedAndMissingDateAndMessageIDAreAdded() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await signedIn(server)
        #expect(try await send(client, to: ["bob@example.test", "info@example.test"],
                               "From: alice@example.test\r\nTo: bob@example.test\r\nBcc: info@example.test\r\nSubject: blind\r\n\r\nhi\r\n").code == 250)
        let delivered = try #require(try await server.messages(of: "bob@example.test").first)
        #expect(!delivered.lowercased().contains("bcc:") && !delivered.contains("info@example.test\r\nSubject"))
        #expect(delivered.contains("\r\nDate: ") && delivered.contains("\r\nMessage-ID: <"))
        let sent = try #require(try await server.messages(of: "alice@example.test", in: "Sent").first)
        #expect(sent.contains("Bcc: info@example.test\r\n"))
        // The same Message-ID in both copies: replies thread with the sender's copy.
        let id = { (text: String) in text.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID: ") } }
        #expect(id(sent) != nil && id(sent) == id(delivered))

        #expect(try await send(client, to: ["bob@example.test"],
                               "From: alice@example.test\r\nDate: Mon, 2 Jan 2006 15:04:05 +0800\r\nMessage-ID: <own@laptop>\r\nSubject: complete\r\n\r\nhi\r\n").code == 250)
        let second = try #require(try await server.messages(of: "bob@example.test").first { $0.contains("Subject: complete") })
        #expect(second.components(separatedBy: "Message-ID:").count == 2 && second.contains("Message-ID: <own@laptop>"))
        #expect(second.components(separatedBy: "\r\nDate:").count == 2)
    }

    /// Clients leave `Bcc:` out of what they submit: the Sent copy names the envelope recipients
    /// that `To:` and `Cc:` do not (each once, whatever its case), as the webmail's copy does; the
    /// recipients' copies say nothing of them.
    @Test func theSentCopyNamesBlindRecipientsTheClientLeftOut() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await signedIn(server)
        #expect(try await send(client, to: ["bob@example.test", "Info@Example.test", "alice@example.test", "info@example.test"],
                               "From: alice@example.test\r\nTo: Bob <BOB@example.test>\r\nSubject: quiet\r\n\r\nhi\r\n").code == 250)
        let sent = try #require(try await server.messages(of: "alice@example.test", in: "Sent").first)
        #expect(sent.contains("From: alice@example.test\r\nBcc: Info@example.test, alice@example.test\r\nTo: Bob"))
        let delivered = try #require(try await server.messages(of: "bob@example.test").first)
        #expect(!delivered.lowercased().contains("bcc:"))
        // Everyone in To: or Cc:: no Bcc: at all.
        #expect(try await send(client, to: ["bob@example.test"],
                               "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: open\r\n\r\nhi\r\n").code == 250)
        let open = try #require(try await server.messages(of: "alice@example.test", in: "Sent").first { $0.contains("Subject: open") })
        #expect(!open.lowercased().contains("bcc:"))
    }

    /// A login ends once the account is disabled: the next MAIL of an open session gets 421 and
    /// the connection closes (as IMAP and POP3 sessions end); a message without `From:` is
    /// refused as such, not as a foreign sender.
    @Test func disablingEndsAnAuthenticatedSessionAndFromIsRequired() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await signedIn(server)
        let anonymous = try await send(client, to: ["bob@example.test"], "To: bob@example.test\r\nSubject: anonymous\r\n\r\nhi\r\n")
        #expect(anonymous.code == 550 && anonymous.text.contains("5.6.0") && anonymous.text.contains("From:"))

        try await server.runtime.accounts.setDisabled("alice@example.test", true)
        let revoked = try await client.command("MAIL FROM:<alice@example.test>")
        #expect(revoked.code == 421 && revoked.text.contains("4.7.0"))
        #expect(await client.waitForClose())
        #expect(try await server.messages(of: "bob@example.test").isEmpty)
    }

    /// A user who deleted Sent (IMAP allows it) still gets the Sent copy: the folder is made again.
    @Test func deletedSentFolderIsMadeAgainForTheCopy() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let account = try await server.runtime.accounts.account("alice@example.test")
        let sent = try #require(try await server.runtime.mail.mailbox(accountID: account.id, specialUse: .sent))
        try await server.runtime.mail.deleteMailbox(sent)
        let client = try await signedIn(server)
        #expect(try await send(client, to: ["bob@example.test"], "From: alice@example.test\r\nSubject: kept\r\n\r\nhi\r\n").code == 250)
        let again = try #require(try await server.runtime.mail.mailbox(accountID: account.id, specialUse: .sent))
        #expect(again.id != sent.id)
        #expect(try await server.messages(of: "alice@example.test", in: "Sent").count == 1)
    }
}
