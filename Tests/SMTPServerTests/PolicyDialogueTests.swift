import Foundation
import MailwardCore
import MailwardTesting
import Testing
@testable import SMTPServer

/// Two-step (SPEC A8), quota and the AUTH throttle, over real sockets where it matters.
@Suite(.serialized) struct PolicyDialogueTests {
    /// A Foxmail user on a two-step account: the account password gets 535 5.7.8 with the
    /// explanation; a client-specific password works.
    @Test func twoStepAccountNeedsClientSpecificPassword() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let account = try await server.runtime.accounts.account("alice@example.test")
        try await server.runtime.security.store.savePhoneBinding(
            PhoneBinding(accountID: account.id, phone: try PhoneNumber(parsing: "13800138000"), boundAt: Date()))
        let created = try await AppPasswordService(server.runtime.security).create(
            account, name: "Foxmail", context: ClientContext(ip: "127.0.0.1"))

        let client = try await LineClient.connect(port: await server.port(.submissionTLS), tls: true)
        _ = try await client.reply()
        _ = try await client.command("EHLO foxmail")
        let refused = try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))")
        #expect(refused.code == 535)
        #expect(refused.text.contains("5.7.8"))
        #expect(refused.text.contains("client-specific password"))
        let accepted = try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", created.password))")
        #expect(accepted.code == 235)
        #expect(try await client.command("MAIL FROM:<alice@example.test>").code == 250)
    }

    @Test func quotaRefusals() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let account = try await server.runtime.accounts.account("alice@example.test")
        try await server.runtime.mail.store.setQuotaLimit(accountID: account.id, bytes: 3000)
        let client = try await LineClient.connect(port: await server.port(.smtp))
        _ = try await client.reply()
        _ = try await client.command("EHLO quota.example")
        func send(_ bodyLines: Int) async throws -> Reply {
            _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
            let rcpt = try await client.command("RCPT TO:<alice@example.test>")
            guard rcpt.code == 250 else { _ = try await client.command("RSET"); return rcpt }
            _ = try await client.command("DATA")
            try await client.send("Subject: q\r\n\r\n" + String(repeating: "0123456789012345678901234567890123456789\r\n", count: bodyLines) + ".\r\n")
            return try await client.reply()
        }
        // Bigger than the whole quota: permanent.
        let tooBig = try await send(100)
        #expect(tooBig.code == 552 && tooBig.text.contains("5.2.2"))
        #expect(try await send(40).code == 250)
        // Would fit an empty mailbox, not this one: try later.
        let full = try await send(40)
        #expect(full.code == 452 && full.text.contains("4.2.2"))
        // Once over the limit, RCPT already says so.
        try await server.runtime.mail.store.setQuotaLimit(accountID: account.id, bytes: 1000)
        let atRcpt = try await send(1)
        #expect(atRcpt.code == 452 && atRcpt.text.contains("4.2.2"))
        #expect(try await server.messages(of: "alice@example.test").count == 1)
    }

    /// One full mailbox neither refuses nor holds up the other recipients' copies (as Postfix with
    /// Dovecot delivers them): a declared SIZE it has no room for is refused at its RCPT alone
    /// (RFC 1870 §6.1); without one, the others get the message at once and the full mailbox's
    /// copy waits in the outbound queue, whose worker retries it (or bounces it).
    @Test func aFullMailboxDoesNotHoldUpTheOtherRecipients() async throws {
        let outbound = RecordingOutboundQueue()
        let server = try await TestServer.smtp(outbound: outbound)
        defer { Task { try? await server.stop() } }
        let bob = try await server.runtime.accounts.account("bob@example.test")
        try await server.runtime.mail.store.setQuotaLimit(accountID: bob.id, bytes: 3000)
        let client = try await LineClient.connect(port: await server.port(.smtp))
        _ = try await client.reply()
        _ = try await client.command("EHLO quota.example")
        // Declared larger than bob's whole quota: 552 for bob, alice still takes it.
        #expect(try await client.command("MAIL FROM:<a@elsewhere.test> SIZE=4000").code == 250)
        let never = try await client.command("RCPT TO:<bob@example.test>")
        #expect(never.code == 552 && never.text.contains("5.2.2"), "\(never)")
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("RSET").code == 250)
        // Declared larger than bob's room now: 452 for bob.
        _ = try await server.runtime.mail.deliver(Array(("Subject: filler\r\n\r\n" + String(repeating: "x", count: 2000)).utf8), to: [bob.id])
        #expect(try await client.command("MAIL FROM:<a@elsewhere.test> SIZE=1500").code == 250)
        let notNow = try await client.command("RCPT TO:<bob@example.test>")
        #expect(notNow.code == 452 && notNow.text.contains("4.2.2"), "\(notNow)")
        #expect(try await client.command("RSET").code == 250)

        // No SIZE: both accepted; alice gets it now, bob's copy is queued.
        let body = "Subject: both\r\n\r\n" + String(repeating: "0123456789012345678901234567890123456789\r\n", count: 35) + ".\r\n"
        #expect(try await client.command("MAIL FROM:<a@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send(body)
        #expect(try await client.reply().code == 250)
        #expect(try await server.messages(of: "alice@example.test").contains { $0.contains("Subject: both") })
        #expect(!(try await server.messages(of: "bob@example.test")).contains { $0.contains("Subject: both") })
        let queued = try #require(outbound.recorded.first)
        #expect(outbound.recorded.count == 1 && queued.recipients == ["bob@example.test"] && queued.sender == "a@elsewhere.test")
        #expect(queued.localFolder == nil, "no filter put it elsewhere: INBOX")
        let raw = String(decoding: queued.raw, as: UTF8.self)
        #expect(raw.hasPrefix("Received: ") && raw.contains("Subject: both") && !raw.contains("Return-Path:"))

        // Only recipients without room: refused as before, nothing queued.
        #expect(try await client.command("MAIL FROM:<a@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send(body)
        let refused = try await client.reply()
        #expect(refused.code == 452 && refused.text.contains("4.2.2"), "\(refused)")
        #expect(outbound.recorded.count == 1)
    }

    @Test func throttleDelaysGrowPerIPAndReset() async {
        let throttle = AuthenticationThrottle(step: .milliseconds(100), maximumDelay: .milliseconds(250))
        #expect(await throttle.delay(for: "192.0.2.1") == .zero)
        await throttle.recordFailure(from: "192.0.2.1")
        #expect(await throttle.delay(for: "192.0.2.1") == .milliseconds(100))
        await throttle.recordFailure(from: "192.0.2.1")
        await throttle.recordFailure(from: "192.0.2.1")
        #expect(await throttle.delay(for: "192.0.2.1") == .milliseconds(250))
        #expect(await throttle.delay(for: "192.0.2.2") == .zero)
        await throttle.recordSuccess(from: "192.0.2.1")
        #expect(await throttle.delay(for: "192.0.2.1") == .zero)
        let forgetful = AuthenticationThrottle(step: .milliseconds(100), window: .milliseconds(1))
        await forgetful.recordFailure(from: "192.0.2.3")
        try? await Task.sleep(for: .milliseconds(20))
        #expect(await forgetful.delay(for: "192.0.2.3") == .zero)
    }
}
