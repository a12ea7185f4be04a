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
