import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardTesting
import Testing

/// The whole server (TestServer) delivering to a real receiving peer (aiosmtpd) on loopback,
/// configured as the route for `remote.test`.
@Suite(.serialized) struct OutboundDeliveryTests {
    static func message(subject: String, to: String = "bob@remote.test") -> [UInt8] {
        Array("""
            From: Alice <alice@demo.test>\r
            To: <\(to)>\r
            Subject: \(subject)\r
            Date: Sun, 29 Nov 2026 10:00:00 +0800\r
            Message-ID: <\(UUID().uuidString)@demo.test>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            \r
            Hello Bob,\r
            .a line that starts with a dot\r
            ..and two dots\r
            中文也可以。\r
            \r

            """.utf8)
    }

    static func start(routeTo port: Int, dataPath: String? = nil, timeout: Double = 10, retryAfter: Double = 1) async throws -> TestServer {
        try await TestServer.start(dataPath: dataPath) { c in
            c.hostname = "mail.demo.test"
            c.delivery.routes = ["remote.test": "127.0.0.1:\(port)"]
            c.delivery.retrySchedule = [retryAfter]
            c.delivery.pollInterval = 0.2
            c.delivery.timeout = timeout
        }
    }

    /// The first queued recipient once its first attempt is recorded.
    static func afterFirstAttempt(_ server: TestServer, seconds: Double = 60) async throws -> QueuedRecipient {
        try await eventually("an attempt recorded", seconds: seconds) {
            try await server.runtime.store.allMessages().first?.recipients.first?.attempts ?? 0 >= 1
        }
        return try #require(try await server.runtime.store.allMessages().first?.recipients.first)
    }

    static func inbox(_ server: TestServer, _ account: Account) async throws -> [[UInt8]] {
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        var result: [[UInt8]] = []
        for record in try await server.runtime.store.messages(mailboxID: inbox.id) {
            result.append(try await server.runtime.mail.raw(record))
        }
        return result
    }

    /// Queues a message from alice to bob@remote.test and returns the one bounce it brings
    /// back to alice's INBOX.
    static func bounce(of id: String, subject: String, _ server: TestServer, _ alice: Account) async throws -> String {
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: id, sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: message(subject: subject), createdAt: Date()))
        try await eventually("a bounce in alice's INBOX") { try await inbox(server, alice).count == 1 }
        return String(decoding: try await inbox(server, alice)[0], as: UTF8.self)
    }

    @Test func remoteMessageArrivesIntactOverSTARTTLS() async throws {
        let sink = try await SinkPeer.start(startTLS: true)
        defer { sink.stop() }
        let server = try await Self.start(routeTo: sink.port)
        try await server.addUser("alice@demo.test")
        let raw = Self.message(subject: "Intact")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-intact", sender: "alice@demo.test", recipients: ["bob@remote.test", "carol@Remote.test"],
            raw: raw, createdAt: Date()))
        let received = try await sink.waitForMessages(1)
        #expect(received.count == 1)
        #expect(received[0].bytes == raw)
        #expect(received[0].from == "alice@demo.test")
        #expect(received[0].to == ["bob@remote.test", "carol@remote.test"])
        #expect(received[0].tls)
        #expect(received[0].options.contains("SIZE=\(raw.count)") && received[0].options.contains("BODY=8BITMIME"))
        try await eventually("queue empty") { try await server.runtime.store.allMessages().isEmpty }
        try await server.stop()
    }

    /// A peer that takes two recipients per transaction (RFC 5321 §4.5.3.1.10): the others go
    /// in further transactions of the same attempt, not a retry interval (here ten minutes) later.
    @Test func recipientsPutOffAsTooManyGoInTheNextTransaction() async throws {
        let sink = try await SinkPeer.start(maxRecipients: 2)
        defer { sink.stop() }
        let server = try await Self.start(routeTo: sink.port, retryAfter: 600)
        try await server.addUser("alice@demo.test")
        let recipients = (1...5).map { "r\($0)@remote.test" }
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-batches", sender: "alice@demo.test", recipients: recipients, raw: Self.message(subject: "Batches"),
            createdAt: Date()))
        let received = try await sink.waitForMessages(3, seconds: 30)
        #expect(received.map(\.to) == [["r1@remote.test", "r2@remote.test"], ["r3@remote.test", "r4@remote.test"], ["r5@remote.test"]])
        try await eventually("queue empty", seconds: 30) { try await server.runtime.store.allMessages().isEmpty }
        try await server.stop()
    }

    @Test func temporaryFailureIsRetriedLater() async throws {
        let sink = try await SinkPeer.start(mode: "tempfail-first")
        defer { sink.stop() }
        let server = try await Self.start(routeTo: sink.port)
        try await server.addUser("alice@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-retry", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: Self.message(subject: "Retry"), createdAt: Date()))
        try await eventually("first attempt deferred") {
            let message = try await server.runtime.store.message(id: "m-retry")
            return message?.recipients.first?.attempts == 1
        }
        let pending = try #require(try await server.runtime.store.message(id: "m-retry")).recipients[0]
        #expect(pending.state == .pending)
        #expect(pending.lastError?.contains("451") == true)
        #expect(sink.received.isEmpty)
        let received = try await sink.waitForMessages(1)
        #expect(received[0].to == ["bob@remote.test"])
        try await eventually("queue empty") { try await server.runtime.store.allMessages().isEmpty }
        try await server.stop()
    }

    @Test func permanentFailureBouncesToTheLocalSender() async throws {
        let sink = try await SinkPeer.start(mode: "reject")
        defer { sink.stop() }
        let server = try await Self.start(routeTo: sink.port)
        let alice = try await server.addUser("alice@demo.test")
        let dsn = try await Self.bounce(of: "m-bounce", subject: "Doomed", server, alice)
        #expect(dsn.contains("Content-Type: multipart/report; report-type=delivery-status"))
        #expect(dsn.contains("Content-Type: message/delivery-status"))
        #expect(dsn.contains("Final-Recipient: rfc822; bob@remote.test"))
        #expect(dsn.contains("Action: failed"))
        #expect(dsn.contains("Status: 5.1.1"))
        #expect(dsn.contains("Diagnostic-Code: smtp; 550 5.1.1 No such user here"))
        #expect(dsn.contains("Content-Type: text/rfc822-headers"))
        #expect(dsn.contains("Subject: Doomed"))
        #expect(dsn.contains("Return-Path: <>"))
        try await eventually("queue empty") { try await server.runtime.store.allMessages().isEmpty }
        #expect(sink.received.isEmpty)
        try await server.stop()
    }

    @Test func aBounceIsNeverBounced() async throws {
        let sink = try await SinkPeer.start(mode: "reject")
        defer { sink.stop() }
        let server = try await Self.start(routeTo: sink.port)
        let alice = try await server.addUser("alice@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-null", sender: "", recipients: ["bob@remote.test"], raw: Self.message(subject: "A bounce"), createdAt: Date()))
        try await eventually("queue empty") { try await server.runtime.store.allMessages().isEmpty }
        #expect(try await Self.inbox(server, alice).isEmpty)
        try await server.stop()
    }

    @Test func localRecipientsAreDeliveredDirectlyAndUnknownOnesBounce() async throws {
        let server = try await Self.start(routeTo: 9)
        let alice = try await server.addUser("alice@demo.test")
        let bob = try await server.addUser("bob@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-local", sender: "alice@demo.test", recipients: ["bob@demo.test", "nobody@demo.test"],
            raw: Self.message(subject: "Local", to: "bob@demo.test"), createdAt: Date()))
        try await eventually("Bob's copy") { try await Self.inbox(server, bob).count == 1 }
        let copy = String(decoding: try await Self.inbox(server, bob)[0], as: UTF8.self)
        #expect(copy.hasPrefix("Return-Path: <alice@demo.test>\r\nFrom: Alice"))
        try await eventually("bounce for nobody@") { try await Self.inbox(server, alice).count == 1 }
        let dsn = String(decoding: try await Self.inbox(server, alice)[0], as: UTF8.self)
        #expect(dsn.contains("Final-Recipient: rfc822; nobody@demo.test") && dsn.contains("Status: 5.1.1"))
        try await server.stop()
    }

    @Test func theQueueResumesAfterARestart() async throws {
        let busy = try await SinkPeer.start(mode: "tempfail")
        defer { busy.stop() }
        let first = try await Self.start(routeTo: busy.port)
        try await first.addUser("alice@demo.test")
        try await first.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-restart", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: Self.message(subject: "Survivor"), createdAt: Date()))
        try await eventually("deferred once") {
            (try await first.runtime.store.message(id: "m-restart")?.recipients.first?.attempts ?? 0) >= 1
        }
        try await first.stop()
        let sink = try await SinkPeer.start()
        defer { sink.stop() }
        let second = try await Self.start(routeTo: sink.port, dataPath: first.dataPath)
        let received = try await sink.waitForMessages(1)
        #expect(String(decoding: received[0].bytes, as: UTF8.self).contains("Subject: Survivor"))
        try await eventually("queue empty") { try await second.runtime.store.allMessages().isEmpty }
        try await second.stop()
    }

    /// DSN end to end (RFC 3461), driven by Python's smtplib at the submission door: the door
    /// offers DSN and refuses a malformed NOTIFY; a local recipient who asked for success gets
    /// the sender a "delivered" report at once; a next hop that offers DSN is handed the request
    /// (and reports itself: nothing more from here); one that does not gets the message and the
    /// sender a "relayed" report — each report with the sender's envelope id.
    @Test func deliveryReportsAskedAtTheSubmissionDoor() async throws {
        let python = try #require(ProcessRunner.which("python3"), "python3 is needed")
        let reporting = try await SinkPeer.startPipelining(dsn: true)
        defer { reporting.stop() }
        let silent = try await SinkPeer.startPipelining()
        defer { silent.stop() }
        let server = try await TestServer.start { c in
            c.hostname = "mail.demo.test"
            c.delivery.routes = ["remote.test": "127.0.0.1:\(reporting.port)", "other.test": "127.0.0.1:\(silent.port)"]
            c.delivery.retrySchedule = [1]
            c.delivery.pollInterval = 0.2
            c.delivery.timeout = 10
        }
        let alice = try await server.addUser("alice@demo.test")
        _ = try await server.addUser("bob@demo.test")
        let script = """
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20) as s:
                s.ehlo("python-client")
                assert s.has_extn("dsn"), s.esmtp_features
                s.login("alice@demo.test", "Tea-Garden-42")
                message = b"From: alice@demo.test\\r\\nTo: bob@demo.test\\r\\nSubject: receipts please\\r\\n\\r\\nbody\\r\\n"
                refused = s.sendmail("alice@demo.test", ["bob@demo.test", "carol@remote.test", "dan@other.test"], message,
                                     mail_options=["RET=HDRS", "ENVID=QQ+2B1"], rcpt_options=["NOTIFY=SUCCESS,FAILURE"])
                assert refused == {}, refused
                s.mail("alice@demo.test")
                code, text = s.rcpt("bob@demo.test", ["NOTIFY=NEVER,SUCCESS"])
                assert code == 501, (code, text)
            print("python-ok")
            """
        let result = try await ProcessRunner.run(python, ["-c", script, "\(await server.port(.submission))"])
        #expect(result.status == 0 && result.stdout.contains("python-ok"), "\(result.output)")

        let handedOn = try await reporting.waitForMessages(1)
        #expect(handedOn[0].options.first?.hasSuffix(" RET=HDRS ENVID=QQ+2B1") == true, "\(handedOn[0].options)")
        #expect(handedOn[0].options.contains("RCPT TO:<carol@remote.test> NOTIFY=SUCCESS,FAILURE"), "\(handedOn[0].options)")
        let relayed = try await silent.waitForMessages(1)
        #expect(relayed[0].options.allSatisfy { !$0.contains("NOTIFY") && !$0.contains("ENVID") }, "\(relayed[0].options)")

        try await eventually("the reports in alice's INBOX") { try await Self.inbox(server, alice).count == 2 }
        try await eventually("an empty queue") { try await server.runtime.store.allMessages().isEmpty }
        let reports = try await Self.inbox(server, alice).map { String(decoding: $0, as: UTF8.self) }
        #expect(reports.count == 2)
        let delivered = try #require(reports.first { $0.contains("Action: delivered") })
        #expect(delivered.contains("Final-Recipient: rfc822; bob@demo.test") && delivered.contains("Original-Envelope-Id: QQ+1\r\n"))
        let relayedReport = try #require(reports.first { $0.contains("Action: relayed") })
        #expect(relayedReport.contains("Final-Recipient: rfc822; dan@other.test") && !relayedReport.contains("carol@remote.test"))
        #expect(relayedReport.contains("Subject: Successful Mail Delivery Report"))
        try await server.stop()
    }

    @Test func pipelinedTransactionWithOneRejectedRecipient() async throws {
        let peer = try await SinkPeer.startPipelining()
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        let alice = try await server.addUser("alice@demo.test")
        let raw = Self.message(subject: "Pipelined")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-pipe", sender: "alice@demo.test", recipients: ["bob@remote.test", "reject-me@remote.test"],
            raw: raw, createdAt: Date()))
        let received = try await peer.waitForMessages(1)
        #expect(received[0].to == ["bob@remote.test"])
        #expect(received[0].bytes == raw)
        #expect(received[0].options.count == 4)  // MAIL, RCPT, RCPT, DATA read before any reply
        try await eventually("bounce for the rejected recipient") { try await Self.inbox(server, alice).count == 1 }
        let dsn = String(decoding: try await Self.inbox(server, alice)[0], as: UTF8.self)
        #expect(dsn.contains("Final-Recipient: rfc822; reject-me@remote.test") && !dsn.contains("rfc822; bob@remote.test"))
        try await server.stop()
    }

    /// A peer without SMTPUTF8 (the scripted one): an internationalized domain goes into the
    /// envelope as its A-label, and is routed by a route written in that spelling; only a
    /// recipient whose local part is not ASCII cannot be sent there (5.6.7, bounced alone).
    @Test func idnDomainsGoOutAsALabelsToAPeerWithoutSMTPUTF8() async throws {
        let peer = try await SinkPeer.startPipelining()
        defer { peer.stop() }
        let server = try await TestServer.start { c in
            c.hostname = "mail.demo.test"
            c.delivery.routes = ["xn--0zwm56d.example": "127.0.0.1:\(peer.port)"]
            c.delivery.retrySchedule = [1]
            c.delivery.pollInterval = 0.2
            c.delivery.timeout = 10
        }
        let alice = try await server.addUser("alice@demo.test")
        let raw = Self.message(subject: "IDN", to: "bob@测试.example")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-idn", sender: "alice@demo.test", recipients: ["bob@测试.example", "张三@测试.example"],
            raw: raw, createdAt: Date()))
        let received = try await peer.waitForMessages(1)
        #expect(received[0].to == ["bob@xn--0zwm56d.example"])
        #expect(received[0].options.first?.hasPrefix("MAIL FROM:<alice@demo.test>") == true)
        #expect(received[0].options.count == 3)  // MAIL, one RCPT, DATA: the other was never offered
        #expect(!received[0].options.contains { $0.contains("SMTPUTF8") || $0.contains("测试") })
        #expect(received[0].bytes == raw)
        try await eventually("bounce for the non-ASCII mailbox") { try await Self.inbox(server, alice).count == 1 }
        let dsn = String(decoding: try await Self.inbox(server, alice)[0], as: UTF8.self)
        #expect(dsn.contains("Status: 5.6.7"))
        #expect(!dsn.contains("rfc822; bob@"))
        try await server.stop()
    }

    @Test func messageOverThePeersSizeLimitBouncesWithoutBeingSent() async throws {
        let peer = try await SinkPeer.startPipelining(sizeLimit: 100)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        let alice = try await server.addUser("alice@demo.test")
        let dsn = try await Self.bounce(of: "m-big", subject: "Too big for the peer", server, alice)
        #expect(dsn.contains("Status: 5.3.4"))
        #expect(peer.received.isEmpty)
        try await server.stop()
    }

    /// RFC 6152 §3: 8-bit mail goes only to a server that offers 8BITMIME — to one that does not,
    /// it bounces (5.6.3) without being sent; 7-bit mail still goes there.
    @Test func eightBitMailToAPeerWithout8BITMIMEBounces() async throws {
        let peer = try await SinkPeer.startPipelining(eightBitMIME: false)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        let alice = try await server.addUser("alice@demo.test")
        let dsn = try await Self.bounce(of: "m-8bit", subject: "Eight bit", server, alice)
        #expect(dsn.contains("Status: 5.6.3"))
        #expect(dsn.contains("does not accept 8-bit mail"))
        #expect(peer.received.isEmpty)
        let ascii = Array("From: alice@demo.test\r\nTo: bob@remote.test\r\nSubject: plain\r\n\r\nHello\r\n".utf8)
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-7bit", sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: ascii, createdAt: Date()))
        let received = try await peer.waitForMessages(1)
        #expect(received[0].bytes == ascii)
        #expect(!received[0].options[0].contains("BODY="))
        try await server.stop()
    }

    /// Opportunistic TLS (RFC 7435) never stops delivery: a peer that offers STARTTLS and closes
    /// the connection when asked for it gets the message in the clear on a new connection.
    @Test func aPeerThatClosesAtSTARTTLSGetsTheMessageInTheClear() async throws {
        let peer = try await SinkPeer.startPipelining(startTLSCloses: true)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        _ = try await server.addUser("alice@demo.test")
        let raw = Self.message(subject: "TLS or not")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-starttls", sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: raw, createdAt: Date()))
        let received = try await peer.waitForMessages(1)
        #expect(received[0].to == ["bob@remote.test"])
        #expect(peer.startTLSRequests == 1)
        try await eventually("the queue emptied") { try await server.runtime.store.allMessages().isEmpty }
        try await server.stop()
    }

    /// A peer that closes the connection in the middle of the message text: the message stays
    /// queued for a retry, and what the queue records (and a bounce would quote) names that step.
    /// A recipient the peer refused at RCPT in that transaction stays refused (RFC 5321 §4.2.1):
    /// bounced at once, never offered again.
    @Test func aConnectionLostInTheMessageTextIsRetriedAndSaidSo() async throws {
        let peer = try await SinkPeer.startPipelining(dropInData: true)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        let alice = try await server.addUser("alice@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-drop", sender: "alice@demo.test", recipients: ["bob@remote.test", "reject-me@remote.test"],
            raw: Self.message(subject: "Dropped"), createdAt: Date()))
        // The two outcomes (retry later, refused for good) are recorded one after the other:
        // wait for both.
        try await eventually("both recipients' outcomes recorded") {
            try await server.runtime.store.allMessages().first?.recipients.allSatisfy { $0.attempts >= 1 } ?? false
        }
        let recipients = try #require(try await server.runtime.store.allMessages().first?.recipients)
        let bob = try #require(recipients.first { $0.address == "bob@remote.test" })
        let refused = try #require(recipients.first { $0.address == "reject-me@remote.test" })
        #expect(bob.state == .pending)
        #expect(bob.lastError?.contains("at message text") == true, "\(bob.lastError ?? "")")
        #expect(refused.state == .failed, "\(refused)")
        try await eventually("bounce for the refused recipient") { try await Self.inbox(server, alice).count == 1 }
        let dsn = String(decoding: try await Self.inbox(server, alice)[0], as: UTF8.self)
        #expect(dsn.contains("Final-Recipient: rfc822; reject-me@remote.test") && !dsn.contains("rfc822; bob@remote.test"))
        try await server.stop()
    }

    /// A peer that stops reading in the middle of a message (its socket buffers full) is left
    /// after `delivery.timeout` without progress: the message waits for a retry, and the
    /// server's shutdown is not held by the stalled delivery.
    @Test func aPeerThatStopsReadingTheMessageIsLeftAfterTheTimeout() async throws {
        let peer = try await SinkPeer.startPipelining(stallInData: true)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port, timeout: 2, retryAfter: 60)
        _ = try await server.addUser("alice@demo.test")
        // More than the socket buffers hold: the peer's is small (see smtp_script.py), ours grows to ~3.8 MB.
        let line = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n".utf8)
        let big = Array("From: alice@demo.test\r\nTo: bob@remote.test\r\nSubject: big\r\n\r\n".utf8)
            + Array([[UInt8]](repeating: line, count: 68_000).joined())
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-stall", sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: big, createdAt: Date()))
        let recipient = try await Self.afterFirstAttempt(server, seconds: 120)
        #expect(recipient.state == .pending)
        #expect(recipient.lastError?.contains("stopped reading") == true, "\(recipient.lastError ?? "")")
        try await server.stop()
    }

    /// A reply must be whole within the timeout from when it is awaited: a greeting sent a byte
    /// every 0.4 s (each read well within the 2 s timeout) is given up after 2 s, not waited
    /// out for its nine seconds.
    @Test func aReplyTrickledAByteAtATimeTimesOutAsAWhole() async throws {
        let peer = try await SinkPeer.startPipelining(dripGreeting: 0.4)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port, timeout: 2, retryAfter: 60)
        _ = try await server.addUser("alice@demo.test")
        let started = Date()
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-drip", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: Self.message(subject: "Drip"), createdAt: Date()))
        let recipient = try await Self.afterFirstAttempt(server, seconds: 30)
        #expect(Date().timeIntervalSince(started) < 8)
        #expect(recipient.lastError?.contains("at greeting: timed out") == true, "\(recipient.lastError ?? "")")
        try await server.stop()
    }

    /// A server greeting with 554 (RFC 5321 §3.1) is told QUIT, and the message waits for a
    /// retry (or the next MX) instead of bouncing at once.
    @Test func aServerThatWillNotTalkIsLeftWithQUITAndTheMessageRetried() async throws {
        let peer = try await SinkPeer.startPipelining(greeting: "554 5.7.1 go away")
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        let alice = try await server.addUser("alice@demo.test")
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-554", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: Self.message(subject: "Not welcome"), createdAt: Date()))
        let recipient = try await Self.afterFirstAttempt(server)
        #expect(recipient.state == .pending)
        #expect(recipient.lastError?.contains("refused to talk to us: 554") == true, "\(recipient.lastError ?? "")")
        try await eventually("QUIT after the greeting") { peer.commandsAfterGreeting.first == "QUIT" }
        #expect(try await Self.inbox(server, alice).isEmpty)
        try await server.stop()
    }

    /// RFC 6531 §3.4: a header section in UTF-8 (RFC 6532) goes with SMTPUTF8 on MAIL to a peer
    /// that offers it, although the envelope is ASCII; an 8-bit body under ASCII headers does not
    /// ask for it.
    @Test func aUTF8HeaderSectionAsksForSMTPUTF8() async throws {
        let peer = try await SinkPeer.startPipelining(smtpUTF8: true)
        defer { peer.stop() }
        let server = try await Self.start(routeTo: peer.port)
        _ = try await server.addUser("alice@demo.test")
        let utf8 = Array("From: 爱丽丝 <alice@demo.test>\r\nTo: bob@remote.test\r\nSubject: 你好\r\n\r\nHello\r\n".utf8)
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-utf8", sender: "alice@demo.test", recipients: ["bob@remote.test"], raw: utf8, createdAt: Date()))
        let first = try await peer.waitForMessages(1)
        #expect(first[0].options[0].hasSuffix(" SMTPUTF8"), "\(first[0].options[0])")
        #expect(first[0].bytes == utf8)
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "m-ascii-headers", sender: "alice@demo.test", recipients: ["bob@remote.test"],
            raw: Self.message(subject: "ASCII headers"), createdAt: Date()))
        let second = try await peer.waitForMessages(2)
        #expect(!second[1].options[0].contains("SMTPUTF8"), "\(second[1].options[0])")
        #expect(second[1].options[0].contains("BODY=8BITMIME"))
        try await server.stop()
    }
}
