import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// The MX door over real sockets against the whole server.
@Suite(.serialized) struct InboundDialogueTests {
    func connect(_ server: TestServer) async throws -> LineClient {
        let client = try await LineClient.connect(port: await server.port(.smtp))
        let greeting = try await client.reply()
        #expect(greeting.code == 220)
        return client
    }

    @Test func deliversToAccountsAndAliasesWithTraceHeaders() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        let ehlo = try await client.command("EHLO sender.example")
        #expect(ehlo.code == 250)
        #expect(!ehlo.text.contains("AUTH"))
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<INFO@Example.Test>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        // A Return-Path the sender wrote is not kept beside ours (RFC 5321 §4.4).
        try await client.send("From: carol@elsewhere.test\r\nReturn-Path: <forged@evil.example>\r\nSubject: hello\r\n\r\nHi there\r\n..dot line\r\n.\r\n")
        let accepted = try await client.reply()
        #expect(accepted.code == 250)
        #expect(accepted.text.contains("queued as"))
        #expect(try await client.command("QUIT").code == 221)

        let alice = try await server.messages(of: "alice@example.test")
        let bob = try await server.messages(of: "bob@example.test")
        #expect(alice.count == 1)
        #expect(bob.count == 1)
        let message = try #require(alice.first)
        #expect(message.hasPrefix("Return-Path: <carol@elsewhere.test>\r\nReceived: from sender.example ([127.0.0.1])"))
        #expect(message.contains("with ESMTP id "))
        #expect(!message.contains("forged@evil.example"))
        #expect(message.hasSuffix("\r\n\r\nHi there\r\n.dot line\r\n"))
    }

    /// `smtp.mx-dsn: false`: the MX door neither offers DSN nor takes its parameters (no
    /// "delivered" reports to forged senders), while submission still offers it.
    @Test func dsnCanBeTurnedOffAtTheMXDoor() async throws {
        let server = try await TestServer.smtp(outbound: RecordingOutboundQueue(), mxDSN: false)
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        let ehlo = try await client.command("EHLO sender.example")
        #expect(ehlo.code == 250 && !ehlo.text.contains("DSN") && ehlo.text.contains("SMTPUTF8"), "\(ehlo)")
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test> RET=FULL").code == 555)
        #expect(try await client.command("MAIL FROM:<carol@elsewhere.test>").code == 250)
        #expect(try await client.command("RCPT TO:<alice@example.test> NOTIFY=SUCCESS").code == 555)
        #expect(try await client.command("RCPT TO:<alice@example.test>").code == 250)
        #expect(try await client.command("QUIT").code == 221)

        let submission = try await LineClient.connect(port: await server.port(.submission))
        _ = try await submission.reply()
        #expect(try await submission.command("EHLO client.example").text.contains("DSN"))
        await submission.close()
    }

    @Test func pipelinedTransactionsGetRepliesInOrder() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO pipeline.example")
        try await client.send("MAIL FROM:<a@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\n"
            + "RCPT TO:<bob@example.test>\r\nDATA\r\n")
        var codes: [Int] = []
        for _ in 0..<5 { codes.append(try await client.reply().code) }
        #expect(codes == [250, 250, 550, 250, 354])
        try await client.send("Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<b@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        codes = []
        for _ in 0..<4 { codes.append(try await client.reply().code) }
        #expect(codes == [250, 250, 250, 354])
        try await client.send("Subject: two\r\n\r\nbody\r\n.\r\nQUIT\r\n")
        #expect(try await client.reply().code == 250)
        #expect(try await client.reply().code == 221)
        #expect(try await server.messages(of: "alice@example.test").count == 2)
        #expect(try await server.messages(of: "bob@example.test").count == 1)
    }

    @Test func relayAttemptsAndUnknownRecipientsAreRefused() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO relay.example")
        _ = try await client.command("MAIL FROM:<spammer@elsewhere.test>")
        for target in ["victim@far.test", "victim@[127.0.0.1]", "@example.test:victim@far.test", "victim%far.test@example.test",
                       "\"victim@far.test\"@example.test"] {
            let reply = try await client.command("RCPT TO:<\(target)>")
            #expect([550, 553].contains(reply.code), "\(target): \(reply)")
            #expect(reply.text.contains("5.7.1") || reply.text.contains("5.1.1") || reply.text.contains("5.1.3"), "\(target): \(reply)")
        }
        let unknown = try await client.command("RCPT TO:<nobody@example.test>")
        #expect(unknown.code == 550 && unknown.text.contains("5.1.1"))
        // Authenticating does not open the relay either: the MX door has no AUTH at all.
        #expect(try await client.command("AUTH PLAIN \(plainCredentials("alice@example.test", password))").code == 502)
        #expect(try await client.command("DATA").code == 554)
    }

    @Test func oversizeMessagesAreRefusedAndNotStored() async throws {
        let server = try await TestServer.smtp(maxMessageSize: 4096)
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        let ehlo = try await client.command("EHLO big.example")
        #expect(ehlo.text.contains("SIZE 4096"))
        let declared = try await client.command("MAIL FROM:<a@elsewhere.test> SIZE=10000")
        #expect(declared.code == 552 && declared.text.contains("5.3.4"))
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: big\r\n\r\n" + String(repeating: "0123456789abcdef0123456789abcdef\r\n", count: 400) + ".\r\n")
        let refused = try await client.reply()
        #expect(refused.code == 552 && refused.text.contains("5.3.4"))
        // The session goes on.
        #expect(try await client.command("NOOP").code == 250)
        #expect(try await server.messages(of: "alice@example.test").isEmpty)
    }

    /// SMTP smuggling: `\n.\n` (and `\r.\n`) never end DATA; the message with bare line endings is
    /// refused as a whole, and the smuggled second transaction never runs.
    @Test func bareLineFeedSmugglingNeverEndsData() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO smuggle.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: first\r\n\r\nhello\n.\nMAIL FROM:<ceo@example.test>\nRCPT TO:<bob@example.test>\nDATA\n"
            + "Subject: smuggled\r\n\r\nsmuggled\r.\r\nQUIT\r\n")
        // Still in DATA: nothing answered yet. The real end marker ends it.
        try await client.send("tail\r\n.\r\n")
        let reply = try await client.reply()
        #expect(reply.code == 550 && reply.text.contains("5.6.11"))
        #expect(try await client.command("NOOP").code == 250)
        #expect(try await server.messages(of: "alice@example.test").isEmpty)
        #expect(try await server.messages(of: "bob@example.test").isEmpty)
        // A bare LF ending a command line is refused too.
        try await client.send("NOOP\n")
        #expect(try await client.reply().code == 500)
    }

    @Test func clientStallingMidDataTimesOutWithNothingStored() async throws {
        let server = try await TestServer.smtp(dataTimeout: 1)
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO slow.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: slow\r\n\r\npart of a message\r\n")
        let reply = try await client.reply()
        #expect(reply.code == 421 && reply.text.contains("4.4.2"))
        #expect(await client.waitForClose())
        #expect(try await server.messages(of: "alice@example.test").isEmpty)
    }

    @Test func droppedConnectionBeforeEndOfDataStoresNothing() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO drop.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: dropped\r\n\r\nalmost done\r\n")
        await client.close()
        // A fresh session works; the dropped message never shows up.
        let next = try await connect(server)
        _ = try await next.command("EHLO drop.example")
        _ = try await next.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await next.command("RCPT TO:<alice@example.test>")
        _ = try await next.command("DATA")
        try await next.send("Subject: complete\r\n\r\nok\r\n.\r\n")
        #expect(try await next.reply().code == 250)
        let stored = try await server.messages(of: "alice@example.test")
        #expect(stored.count == 1)
        #expect(stored.first?.contains("Subject: complete") == true)
    }

    @Test func thousandRecipientsAreAcceptedAndOneMoreIsNot() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        for index in 0..<1000 { try await server.runtime.accounts.addAlias("list\(index)@example.test", for: "alice@example.test") }
        let client = try await connect(server)
        _ = try await client.command("EHLO many.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        try await client.send((0..<1000).map { "RCPT TO:<list\($0)@example.test>\r\n" }.joined())
        var accepted = 0
        for _ in 0..<1000 where try await client.reply().code == 250 { accepted += 1 }
        #expect(accepted == 1000)
        let extra = try await client.command("RCPT TO:<bob@example.test>")
        #expect(extra.code == 452 && extra.text.contains("4.5.3"))
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: many\r\n\r\nto a thousand aliases of one account\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        // One account behind all the aliases: one copy.
        #expect(try await server.messages(of: "alice@example.test").count == 1)
    }

    @Test func nulBytesAreRefusedAndEightBitHeadersKeptIntact() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO bytes.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test> BODY=8BITMIME")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        _ = try await client.command("DATA")
        try await client.send(Array("Subject: nul\r\n\r\nbefore".utf8) + [0] + Array("after\r\n.\r\n".utf8))
        let refused = try await client.reply()
        #expect(refused.code == 550 && refused.text.contains("5.6.0"))

        // Raw UTF-8 and GBK bytes in headers (8BITMIME / SMTPUTF8 senders do this) arrive as sent.
        let gbkSubject: [UInt8] = [0xC4, 0xE3, 0xBA, 0xC3]  // 你好 in GBK
        let body = Array("From: 张三 <zhang@elsewhere.test>\r\nSubject: ".utf8) + gbkSubject
            + Array("\r\nX-Note: café\r\n\r\n正文\r\n".utf8)
        _ = try await client.command("MAIL FROM:<zhang@elsewhere.test> BODY=8BITMIME SMTPUTF8")
        _ = try await client.command("RCPT TO:<alice@example.test>")
        _ = try await client.command("DATA")
        try await client.send(body + Array(".\r\n".utf8))
        #expect(try await client.reply().code == 250)
        let stored = try await server.rawMessages(of: "alice@example.test")
        #expect(stored.count == 1)
        let raw = try #require(stored.first)
        #expect(Array(raw.suffix(body.count)) == body)
    }

    @Test func chunkingDeliversBinaryChunks() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        #expect(try await client.command("EHLO chunk.example").text.contains("CHUNKING"))
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<bob@example.test>")
        let first = "Subject: chunked\r\n\r\n"
        let second = "line one\r\n.\r\nline after a dot\r\n"
        try await client.send("BDAT \(first.utf8.count)\r\n\(first)BDAT \(second.utf8.count) LAST\r\n\(second)")
        #expect(try await client.reply().code == 250)
        #expect(try await client.reply().code == 250)
        let stored = try await server.messages(of: "bob@example.test")
        #expect(stored.first?.hasSuffix(first + second) == true)
    }

    @Test func aHugeChunkIsRefusedBeforeItIsRead() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO chunk.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        _ = try await client.command("RCPT TO:<bob@example.test>")
        let refused = try await client.command("BDAT 1099511627776 LAST")
        #expect(refused.code == 552 && refused.text.contains("5.3.4"), "\(refused)")
        #expect(await client.waitForClose())
        #expect(try await server.messages(of: "bob@example.test").isEmpty)
    }

    @Test func gracefulShutdownSays421ToIdleSessions() async throws {
        let server = try await TestServer.smtp()
        let client = try await connect(server)
        _ = try await client.command("EHLO idle.example")
        try await server.stop()
        let reply = try await client.reply()
        #expect(reply.code == 421 && reply.text.contains("4.3.2"), "\(reply)")
        #expect(await client.waitForClose())
    }

    /// A session the server ends itself while the client is still sending — a BDAT whose chunk
    /// cannot be delimited, and 300 KB behind it — ends in order: the reply arrives, then the
    /// end of the stream, not a reset (a socket closed with unread input resets, and a client can
    /// lose the reply under it, as the same client saw before this was so).
    @Test func aSessionTheServerEndsClosesInOrderUnderFurtherInput() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let port = await server.port(.smtp)
        let junk = Array("EHLO x\r\nBDAT x\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "j"), count: 300_000)
        for _ in 0..<3 {
            let result = try await RawSocketExchange.run(port: port, send: junk, pause: .milliseconds(300))
            let text = String(decoding: result.received, as: UTF8.self)
            #expect(text.contains("\r\n501 5.5.4"), "\(text)")
            #expect(result.ending == .endOfStream)
        }
    }

    /// A client that sends a whole transaction and QUIT and then ends its side (`shutdown(SHUT_WR)`)
    /// still gets every reply — the 250 for its message above all: without it, it would send the
    /// message again although it was stored.
    @Test func aHalfClosedClientStillGetsItsReplies() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let dialogue = "EHLO x\r\nMAIL FROM:<carol@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
            + "Subject: half\r\n\r\nclosed\r\n.\r\nQUIT\r\n"
        let result = try await RawSocketExchange.run(port: await server.port(.smtp), send: Array(dialogue.utf8), halfClose: true)
        let text = String(decoding: result.received, as: UTF8.self)
        #expect(text.contains("\r\n354 ") && text.contains("queued as") && text.contains("\r\n221 "), "\(text)")
        #expect(result.ending == .endOfStream)
        #expect(try await server.messages(of: "alice@example.test").count == 1)
        // Ended in the middle of a message: nothing stored, the connection closed.
        let cut = try await RawSocketExchange.run(port: await server.port(.smtp), send: Array(
            "EHLO x\r\nMAIL FROM:<carol@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: cut\r\n".utf8), halfClose: true)
        #expect(cut.ending == .endOfStream)
        #expect(try await server.messages(of: "alice@example.test").count == 1)
    }

    /// The command timeout is per command (RFC 5321 §4.5.3.2.7): a client trickling a command a
    /// byte at a time, each byte well within the timeout, is still let go when the whole command
    /// has not come within it.
    @Test func aCommandTrickledByteByByteTimesOutAsAWhole() async throws {
        let server = try await TestServer.smtp(commandTimeout: 2)
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        let started = ContinuousClock.now
        var closed = false
        for byte in "EHLO a-very-slow-client.example" {
            do {
                try await client.send(String(byte))
            } catch {
                closed = true
                break
            }
            try await Task.sleep(for: .milliseconds(400))
            if ContinuousClock.now - started > .seconds(8) { break }
        }
        let reply = try await client.reply()
        #expect(reply.code == 421 && reply.text.contains("4.4.2"), "\(reply)")
        #expect(await client.waitForClose())
        #expect(ContinuousClock.now - started < .seconds(8), "closed: \(closed)")
    }

    @Test func overlongLinesAndErrorFloodsAreBounded() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        try await client.send("EHLO " + String(repeating: "a", count: 100_000) + "\r\n")
        let long = try await client.reply()
        #expect(long.code == 500 && long.text.contains("5.5.2"))
        #expect(try await client.command("EHLO fine.example").code == 250)
        var last = Reply(code: 0, lines: [])
        // The long line was error 1; errors 2...9 are answered, error 10 ends the session.
        for _ in 0..<8 { last = try await client.command("XYZZY") }
        #expect(last.code == 500)
        #expect(try await client.command("XYZZY").code == 500)
        let bye = try await client.reply()
        #expect(bye.code == 421 && bye.text.contains("4.7.0"))
        #expect(await client.waitForClose())
    }

    /// RFC 5321 §4.5.1: postmaster@ a local domain and the bare <postmaster> are accepted — the
    /// configured `smtp.postmaster` takes them, a domain's own postmaster alias wins; without
    /// either, the address is unknown like any other.
    @Test func postmasterIsAcceptedForEveryLocalDomain() async throws {
        let server = try await TestServer.smtp(postmaster: "alice@example.test")
        defer { Task { try? await server.stop() } }
        let client = try await connect(server)
        _ = try await client.command("EHLO pm.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        #expect(try await client.command("RCPT TO:<PostMaster@example.test>").code == 250)
        #expect(try await client.command("RCPT TO:<postmaster>").code == 250)
        #expect(try await client.command("DATA").code == 354)
        try await client.send("Subject: to the postmaster\r\n\r\nhello\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        #expect(try await server.messages(of: "alice@example.test").count == 1)

        try await server.runtime.accounts.addAlias("postmaster@example.test", for: "bob@example.test")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        #expect(try await client.command("RCPT TO:<postmaster@example.test>").code == 250)
        _ = try await client.command("DATA")
        try await client.send("Subject: to the alias\r\n\r\nhello\r\n.\r\n")
        #expect(try await client.reply().code == 250)
        #expect(try await server.messages(of: "bob@example.test").count == 1)

        let bare = try await TestServer.smtp()
        defer { Task { try? await bare.stop() } }
        let other = try await connect(bare)
        _ = try await other.command("EHLO pm.example")
        _ = try await other.command("MAIL FROM:<a@elsewhere.test>")
        let unknown = try await other.command("RCPT TO:<postmaster@example.test>")
        #expect(unknown.code == 550 && unknown.text.contains("5.1.1"))
        #expect(try await other.command("RCPT TO:<postmaster>").code == 550, "nobody receives it yet")
        // Without `smtp.postmaster`, the bare <postmaster> (which RFC 5321 §4.5.1 says MUST be
        // accepted) goes to postmaster@ the local domain that has one.
        try await bare.runtime.accounts.addAlias("postmaster@example.test", for: "bob@example.test")
        #expect(try await other.command("RCPT TO:<Postmaster>").code == 250)
        #expect(try await other.command("DATA").code == 354)
        try await other.send("Subject: to the bare postmaster\r\n\r\nhello\r\n.\r\n")
        #expect(try await other.reply().code == 250)
        #expect(try await bare.messages(of: "bob@example.test").count == 1)
    }

    /// A disabled account keeps its mail but takes no new mail, said precisely (RFC 3463 X.2.1).
    @Test func disabledRecipientIsRefusedAsDisabled() async throws {
        let server = try await TestServer.smtp()
        defer { Task { try? await server.stop() } }
        try await server.runtime.accounts.setDisabled("bob@example.test", true)
        let client = try await connect(server)
        _ = try await client.command("EHLO d.example")
        _ = try await client.command("MAIL FROM:<a@elsewhere.test>")
        for address in ["bob@example.test", "info@example.test"] {
            let refused = try await client.command("RCPT TO:<\(address)>")
            #expect(refused.code == 550 && refused.text.contains("5.2.1"))
        }
    }
}
