import Foundation
import MailwardConfig
import MailwardCore
import MailwardFilters
import MailwardTesting
import Testing

/// SPEC M9 on the MX door, against the real daemons: clamd refuses a message carrying its test
/// "virus" (554 5.7.1, nothing stored), rspamd refuses GTUBE and files a spammy message in Junk
/// with X-Spam headers, clean mail reaches INBOX; a filter that cannot be asked defers (451).
@Suite(.serialized) struct ContentFilterTests {
    static func server(clamd: Int? = nil, rspamd: Int? = nil, onError: String = "defer") async throws -> TestServer {
        let server = try await TestServer.start(configure: { c in
            if let clamd { c.filters.clamd = "127.0.0.1:\(clamd)" }
            if let rspamd { c.filters.rspamdURL = "http://127.0.0.1:\(rspamd)" }
            c.filters.onError = onError
            c.filters.timeout = 60
        })
        try await server.addUser("alice@example.test")
        return server
    }

    /// Sends one message to alice through the MX door; the reply to its DATA.
    static func send(_ server: TestServer, subject: String, body: String) async throws -> Reply {
        try await server.sendMX(from: "carol@elsewhere.test", to: "alice@example.test", helo: "sender.example",
            "From: Carol <carol@elsewhere.test>\r\nTo: alice@example.test\r\nSubject: \(subject)\r\n"
            + "Date: Sun, 29 Nov 2026 10:00:00 +0800\r\nMessage-ID: <\(UUID().uuidString)@elsewhere.test>\r\n"
            + "MIME-Version: 1.0\r\n" + body)
    }

    static let plain = "Content-Type: text/plain; charset=utf-8\r\n\r\nSee you at three in the library.\r\n"

    static func withAttachment(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
            + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"tool.bin\"\r\n\r\n\(encoded)\r\n--b1--\r\n"
    }

    func folder(_ server: TestServer, _ name: String) async throws -> [String] {
        try await server.messages(of: "alice@example.test", in: name)
    }

    @Test func clamdRefusesAVirusAndLetsCleanMailIn() async throws {
        let clamd = try await FilterPeer.clamd()
        defer { clamd.stop() }
        let server = try await Self.server(clamd: clamd.port)
        let infected = try await Self.send(server, subject: "tool", body: Self.withAttachment(FilterPeer.testVirus))
        #expect(infected.code == 554, "\(infected.text)")
        #expect(infected.text.contains("5.7.1") && infected.text.contains("Mailward-Test-Virus"))
        let clean = try await Self.send(server, subject: "meeting", body: Self.plain)
        #expect(clean.code == 250)
        let inbox = try await folder(server, "INBOX")
        #expect(inbox.count == 1 && inbox[0].contains("Subject: meeting"))
        try await server.stop()
    }

    @Test func rspamdRejectsGTUBEAndFilesSpamInJunk() async throws {
        let rspamd = try await FilterPeer.rspamd()
        defer { rspamd.stop() }
        let server = try await Self.server(rspamd: rspamd.port)
        let gtube = try await Self.send(server, subject: "offer", body: "Content-Type: text/plain\r\n\r\n"
            + "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n")
        #expect(gtube.code == 554, "\(gtube.text)")
        let spammy = try await Self.send(server, subject: "please junk-me now", body: Self.plain)
        #expect(spammy.code == 250, "\(spammy.text)")
        // A sender's own verdict header is a forgery: removed, whatever it says.
        let clean = try await Self.send(server, subject: "meeting", body: "X-Spam-Status: No, score=-9.0\r\n" + Self.plain)
        #expect(clean.code == 250)
        let inbox = try await folder(server, "INBOX")
        #expect(inbox.count == 1 && inbox[0].contains("Subject: meeting") && !inbox[0].contains("X-Spam"))
        let junk = try await folder(server, "Junk")
        #expect(junk.count == 1 && junk[0].contains("Subject: please junk-me now"))
        #expect(junk.first?.contains("\r\nX-Spam: Yes\r\nX-Spam-Score: ") == true)
        try await server.stop()
    }

    /// A spammy message to two colleagues, one of whose mailboxes is full: the other's copy is
    /// in Junk at once, and the full mailbox's copy waits in the outbound queue marked for Junk
    /// too — delivered there once it fits, not into INBOX.
    @Test func aFullMailboxsCopyOfJunkWaitsForJunk() async throws {
        let rspamd = try await FilterPeer.rspamd()
        defer { rspamd.stop() }
        let server = try await Self.server(rspamd: rspamd.port)
        let bob = try await server.addUser("bob@example.test")
        try await server.runtime.mail.store.setQuotaLimit(accountID: bob.id, bytes: 3000)
        _ = try await server.runtime.mail.deliver(Array(("Subject: filler\r\n\r\n" + String(repeating: "x", count: 2500)).utf8), to: [bob.id])
        let client = try await LineClient.connect(port: await server.port(.smtp))
        _ = try await client.reply()
        _ = try await client.command("EHLO sender.example")
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<bob@example.test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send("From: Carol <carol@elsewhere.test>\r\nTo: alice@example.test, bob@example.test\r\n"
            + "Subject: please junk-me now\r\nMessage-ID: <\(UUID().uuidString)@elsewhere.test>\r\n" + Self.plain
            + String(repeating: "0123456789012345678901234567890123456789\r\n", count: 20) + ".\r\n")
        let accepted = try await client.reply()
        #expect(accepted.code == 250, "\(accepted)")
        #expect(try await folder(server, "Junk").count == 1)
        let queued = try await server.runtime.deliveryQueue.store.allMessages()
        #expect(queued.count == 1, "\(queued)")
        #expect(queued.first?.recipients.map(\.address) == ["bob@example.test"] && queued.first?.localFolder == .junk)
        try await server.stop()
    }

    @Test func anUnreachableFilterDefersOrIsSkippedAsConfigured() async throws {
        let closed = try freePort()
        let deferring = try await Self.server(clamd: closed)
        let deferred = try await Self.send(deferring, subject: "meeting", body: Self.plain)
        #expect(deferred.code == 451 && deferred.text.contains("4.7.1"), "\(deferred.text)")
        #expect(try await folder(deferring, "INBOX").isEmpty)
        try await deferring.stop()

        let open = try await Self.server(clamd: closed, onError: "accept")
        #expect(try await Self.send(open, subject: "meeting", body: Self.plain).code == 250)
        #expect(try await folder(open, "INBOX").count == 1)
        try await open.stop()
    }

    @Test func clamdAddressesAreRead() {
        #expect(ClamdFilter.Address("127.0.0.1:3310") == .tcp(host: "127.0.0.1", port: 3310))
        #expect(ClamdFilter.Address("[::1]:3310") == .tcp(host: "::1", port: 3310))
        #expect(ClamdFilter.Address("/run/clamav/clamd.ctl") == .unix(path: "/run/clamav/clamd.ctl"))
        #expect(ClamdFilter.Address("localhost") == nil)
    }
}
