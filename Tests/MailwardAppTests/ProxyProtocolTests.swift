import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardTesting
import Testing

/// The mail doors behind a TCP load balancer that speaks the PROXY protocol
/// (`connections.proxy-protocol-networks`): the client it names is the connection's client — for
/// the trace header, the loopback rule, limits and the audit — and a connection from the balancer
/// that does not start with a header is closed.
@Suite struct ProxyProtocolTests {
    static func server(balancers: [String] = ["127.0.0.1"]) async throws -> TestServer {
        let server = try await TestServer.start { $0.connections.proxyProtocolNetworks = balancers }
        try await server.addUser("alice@example.test")
        return server
    }

    @Test func theMXDoorTracesTheClientTheBalancerNames() async throws {
        let server = try await Self.server()
        let client = try await LineClient.connect(port: await server.port(.smtp))
        try await client.send("PROXY TCP6 2001:db8::7 2001:db8::1 51234 25\r\n")
        #expect(try await smtpReplyCode(client, nil) == 220)
        #expect(try await smtpReplyCode(client, "EHLO sender.example") == 250)
        #expect(try await smtpReplyCode(client, "MAIL FROM:<carol@elsewhere.test>") == 250)
        #expect(try await smtpReplyCode(client, "RCPT TO:<alice@example.test>") == 250)
        #expect(try await smtpReplyCode(client, "DATA") == 354)
        #expect(try await smtpReplyCode(client, "Subject: through the balancer\r\n\r\nHi\r\n.") == 250)
        await client.close()
        let account = try await server.runtime.accounts.account("alice@example.test")
        let inbox = try #require(try await server.runtime.mail.store.mailbox(accountID: account.id, name: Mailbox.inbox))
        let record = try #require(try await server.runtime.mail.store.messages(mailboxID: inbox.id).first)
        let message = String(decoding: try await server.runtime.mail.raw(record), as: UTF8.self)
        #expect(message.contains("Received: from sender.example ([IPv6:2001:db8::7])"))
        try await server.stop()
    }

    /// The balancer runs on the same machine, the client does not: no password without TLS.
    @Test func aClientBehindTheBalancerIsNotLoopback() async throws {
        let server = try await Self.server()
        let imap = try await LineClient.connect(port: await server.port(.imap))
        let header = ProxyHeaderBytes.v2(client: [203, 0, 113, 7])
        try await imap.send(header)
        #expect(try await imap.readLine().hasPrefix("* OK"))
        try await imap.send("a1 CAPABILITY\r\n")
        #expect(try await imap.readLine().contains("LOGINDISABLED"))
        await imap.close()
        // The balancer's health check names no client: the balancer itself (loopback) it is.
        let pop3 = try await LineClient.connect(port: await server.port(.pop3))
        try await pop3.send("PROXY UNKNOWN\r\nUSER alice@example.test\r\n")
        #expect(try await pop3.readLine().hasPrefix("+OK"))
        #expect(try await pop3.readLine().hasPrefix("+OK"))
        try await pop3.send("PASS Tea-Garden-42\r\n")
        #expect(try await pop3.readLine().hasPrefix("+OK"))
        await pop3.close()
        try await server.stop()
    }

    @Test func aBalancerConnectionWithoutAHeaderIsClosed() async throws {
        let server = try await Self.server()
        for door in [MailwardServer.Door.smtp, .imap, .pop3] {
            let client = try await LineClient.connect(port: await server.port(door))
            try await client.send("EHLO sender.example\r\n")
            #expect(await client.waitForClose(), "\(door)")
        }
        try await server.stop()
    }

    /// A peer that is not a configured balancer is served as always; a PROXY line from it is its
    /// own (unknown) command.
    @Test func otherPeersAreServedDirectly() async throws {
        let server = try await Self.server(balancers: ["192.0.2.1"])
        let smtp = try await LineClient.connect(port: await server.port(.smtp))
        #expect(try await smtpReplyCode(smtp, nil) == 220)
        #expect(try await smtpReplyCode(smtp, "PROXY TCP4 203.0.113.7 192.0.2.1 51234 25") == 500)
        await smtp.close()
        try await server.stop()
    }
}

extension ProxyProtocolTests {
    /// HAProxy itself in front (`send-proxy` to the MX door, `send-proxy-v2` to IMAP), clients
    /// connecting to it from 127.0.0.3: the server knows that address only from HAProxy's header.
    @Test func haproxyInFront() async throws {
        let python = try #require(ProcessRunner.which("python3"), "python3 is needed")
        #expect(ProcessRunner.which("haproxy") != nil || FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"),
                "haproxy is needed (Debian package haproxy)")
        let server = try await Self.server()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/haproxy_front.py").path
        let result = try await ProcessRunner.run(python, [script, "\(await server.port(.smtp))", "\(await server.port(.imap))",
                                                          "Tea-Garden-42"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("haproxy-ok"))
        let account = try await server.runtime.accounts.account("alice@example.test")
        let inbox = try #require(try await server.runtime.mail.store.mailbox(accountID: account.id, name: Mailbox.inbox))
        let record = try #require(try await server.runtime.mail.store.messages(mailboxID: inbox.id).first)
        let message = String(decoding: try await server.runtime.mail.raw(record), as: UTF8.self)
        #expect(message.contains("Received: from relay.example ([127.0.0.3])"))
        let signIns = try await server.runtime.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 5)
        #expect(signIns.first?.ip == "127.0.0.3" && signIns.first?.success == true)
        try await server.stop()
    }
}

/// A version 2 header as HAProxy's `send-proxy-v2` writes it (TCP over IPv4).
enum ProxyHeaderBytes {
    static func v2(client: [UInt8]) -> [UInt8] {
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C]
            + client + [127, 0, 0, 1, 0xC8, 0x22, 0x05, 0x79]
    }
}
