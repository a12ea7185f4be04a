import Foundation
import Logging
import MailwardCore
import MailwardNet
import MailwardTesting
import NIOCore
import NIOEmbedded
import ServiceLifecycle
import SMTPCodec
import Synchronization
import Testing
@testable import SMTPServer

/// The glue alone: a TCPListener running ``SMTPConnectionHandler`` with a fake backend and
/// settings the configuration does not expose.
@Suite struct ConnectionHandlerTests {
    final class FakeBackend: SMTPBackend {
        let delivered = Mutex<[SMTPMessageSubmission]>([])
        /// How long each delivery takes.
        let delay: Duration

        init(delay: Duration = .zero) {
            self.delay = delay
        }

        /// Every recipient is local but those whose local part starts with "gone".
        func resolveRecipient(_ path: SMTPPath, declaredSize: Int?) async -> RecipientVerdict {
            path.localPart.hasPrefix("gone") ? .unknownUser : .local(1)
        }
        func checkSender(_ path: SMTPPath, account: Account, credential: ClientCredential) async -> SenderVerdict { .allowed }
        func authenticate(username: String, password: String, remoteIP: String) async -> AuthenticationOutcome { .invalid }
        func deliver(_ submission: SMTPMessageSubmission) async -> SMTPServer.DeliveryOutcome {
            if delay > .zero { try? await Task.sleep(for: delay) }
            delivered.withLock { $0.append(submission) }
            return .accepted(queueID: "FAKE")
        }
    }

    func withHandler(_ settings: SMTPSessionSettings, backend: FakeBackend, budget: MessageMemoryBudget = MessageMemoryBudget(limit: 512 << 20),
                     shutdownGrace: TimeAmount = .seconds(2),
                     _ body: @Sendable (Int, ServiceGroup) async throws -> Void) async throws {
        let handler = SMTPConnectionHandler(backend: backend, tlsContext: nil, budget: budget, logger: Logger(label: "test"))
        let ports = AsyncStream<Int>.makeStream()
        let listener = TCPListener(
            configuration: .init(name: "smtp-test", host: "127.0.0.1", port: 0, overLimitReply: "421 busy\r\n",
                                 shutdownGrace: shutdownGrace),
            logger: Logger(label: "test"), onListening: { ports.continuation.yield($0) },
            pipeline: { try handler.install(on: $0, info: $1, activity: $2, settings: settings) })
        let group = ServiceGroup(configuration: .init(services: [.init(service: listener)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.stream.makeAsyncIterator()
            let port = await iterator.next()!
            try await body(port, group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// A client that keeps trickling bytes (each within the data timeout) is still cut off once
    /// the whole message took too long; nothing is delivered.
    @Test func tricklingClientHitsTheMessageDeadline() async throws {
        var settings = SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false,
                                           dataTimeout: .seconds(60))
        settings.maximumMessageTransferTime = .milliseconds(1500)
        let backend = FakeBackend()
        try await withHandler(settings, backend: backend) { port, _ in
            let client = try await LineClient.connect(port: port, timeout: .seconds(90))
            #expect(try await client.reply().code == 220)
            try await client.send("EHLO t\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n")
            for _ in 0..<4 { _ = try await client.reply() }
            let started = ContinuousClock.now
            let trickle = Task {
                // Without the deadline this would keep the session alive for a minute and more.
                for _ in 0..<300 {
                    try? await client.send("x")
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { trickle.cancel() }
            let timeout = try await client.reply()
            #expect(timeout.code == 421 && timeout.text.contains("4.4.2"))
            #expect(ContinuousClock.now - started < .seconds(30))
        }
        #expect(backend.delivered.withLock { $0.isEmpty })
    }

    /// Past the session's unknown-recipient threshold each RCPT is answered only after the
    /// tarpit delay — through the glue, with the client's commands pipelined — and the message to
    /// the good recipient is still delivered.
    @Test func unknownRecipientsAreTarpitted() async throws {
        var settings = SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false)
        settings.recipientTarpitThreshold = 2
        settings.recipientTarpitDelay = .milliseconds(400)
        let backend = FakeBackend()
        try await withHandler(settings, backend: backend) { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO t\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<gone1@d.test>\r\nRCPT TO:<gone2@d.test>\r\n")
            for _ in 0..<2 { _ = try await client.reply() }
            #expect(try await client.reply().code == 550)
            #expect(try await client.reply().code == 550)
            let started = ContinuousClock.now
            try await client.send("RCPT TO:<gone3@d.test>\r\nRCPT TO:<c@d.test>\r\n")
            #expect(try await client.reply().code == 550)
            #expect(try await client.reply().code == 250)
            #expect(ContinuousClock.now - started >= .milliseconds(800), "two answers, each after the delay")
            try await client.send("DATA\r\n")
            #expect(try await client.reply().code == 354)
            try await client.send("Subject: s\r\n\r\nbody\r\n.\r\n")
            #expect(try await client.reply().code == 250)
        }
        #expect(backend.delivered.withLock { $0.count } == 1)
    }

    /// CHUNKING and DATA through the glue: what the backend receives is exactly the message.
    @Test func backendReceivesTheUnstuffedMessage() async throws {
        let backend = FakeBackend()
        try await withHandler(SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false), backend: backend) { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO t\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n")
            for _ in 0..<4 { _ = try await client.reply() }
            try await client.send("Subject: s\r\n\r\n..leading dot\r\nend\r\n.\r\n")
            #expect(try await client.reply().code == 250)
        }
        let content = backend.delivered.withLock { $0.first?.content } ?? []
        #expect(String(decoding: content, as: UTF8.self) == "Subject: s\r\n\r\n.leading dot\r\nend\r\n")
    }

    /// A graceful shutdown lets the message being sent arrive and be delivered; the 421 comes
    /// after its 250 (SPEC O4: in-flight deliveries finish).
    @Test func shutdownLetsTheMessageBeingSentFinish() async throws {
        let backend = FakeBackend()
        // A long grace: a loaded test run may take seconds between the shutdown and the message's end.
        try await withHandler(SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false), backend: backend,
                              shutdownGrace: .seconds(60)) { port, group in
            let client = try await LineClient.connect(port: port)
            _ = try await client.reply()
            try await client.send("EHLO t\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n")
            for _ in 0..<4 { _ = try await client.reply() }
            try await client.send("Subject: half\r\n\r\nfirst half\r\n")
            await group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(300))
            try await client.send("second half\r\n.\r\n")
            #expect(try await client.reply().code == 250)
            let bye = try await client.reply()
            #expect(bye.code == 421 && bye.text.contains("4.3.2"))
            #expect(await client.waitForClose())
        }
        let content = backend.delivered.withLock { $0.first?.content } ?? []
        #expect(String(decoding: content, as: UTF8.self) == "Subject: half\r\n\r\nfirst half\r\nsecond half\r\n")
    }

    /// Transactions pipelined behind a slow delivery — more than the input high-water mark —
    /// wait (the socket is not read meanwhile) and are then all served in order, intact.
    @Test func pipelinedTransactionsWaitForASlowDelivery() async throws {
        let backend = FakeBackend(delay: .milliseconds(300))
        try await withHandler(SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false), backend: backend) { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.reply()
            _ = try await client.command("EHLO t")
            let filler = String(repeating: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", count: 3_000)
            var pipelined = ""
            for index in 0..<3 {
                pipelined += "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: \(index)\r\n\r\n\(filler).\r\n"
            }
            try await client.send(pipelined)
            for _ in 0..<3 {
                for code in [250, 250, 354, 250] { #expect(try await client.reply().code == code) }
            }
        }
        let subjects = backend.delivered.withLock { $0.map { String(decoding: $0.content.prefix(10), as: UTF8.self) } }
        #expect(subjects == ["Subject: 0", "Subject: 1", "Subject: 2"])
        #expect(backend.delivered.withLock { $0.allSatisfy { $0.content.count == 14 + 3_000 * 66 } })
    }

    /// Messages being received share one memory budget: a message that does not fit is read to
    /// its end, discarded and answered 452 4.3.1 (try later); the next one fits again, and a
    /// delivered or refused message gives its share back. A client that says the size at MAIL
    /// (`SIZE=`, RFC 1870) hears the 452 there, before it sends the message.
    @Test func messagesBeyondTheMemoryBudgetAreDeferred() async throws {
        let backend = FakeBackend()
        let budget = MessageMemoryBudget(limit: 2 << 20)
        try await withHandler(SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false), backend: backend,
                              budget: budget) { port, _ in
            let client = try await LineClient.connect(port: port)
            _ = try await client.reply()
            _ = try await client.command("EHLO t")
            let early = try await client.command("MAIL FROM:<a@b.test> SIZE=3000000")
            #expect(early.code == 452 && early.text.contains("4.3.1"), "\(early)")
            #expect(try await client.command("MAIL FROM:<a@b.test> SIZE=2000").code == 250)
            #expect(try await client.command("RSET").code == 250)
            let line = String(repeating: "x", count: 998) + "\r\n"
            for (lines, code) in [(3_000, 452), (500, 250), (3_000, 452)] {
                try await client.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n")
                for _ in 0..<3 { _ = try await client.reply() }
                try await client.send("Subject: big\r\n\r\n" + String(repeating: line, count: lines) + ".\r\n")
                let reply = try await client.reply()
                #expect(reply.code == code && (code == 250 || reply.text.contains("4.3.1")), "\(reply)")
            }
        }
        #expect(backend.delivered.withLock { $0.count } == 1)
        #expect(budget.reserved == 0)
    }

    /// A client that pipelines commands but never reads its replies: while the channel is not
    /// writable nothing more is decoded and the socket is not read (replies never pile up in
    /// memory); once writable again, every command is answered in order.
    @Test func repliesWaitForAClientThatDoesNotRead() throws {
        let reads = ReadCounter()
        let channel = EmbeddedChannel(handler: reads)
        let handler = SMTPConnectionHandler(backend: FakeBackend(), tlsContext: nil, logger: Logger(label: "test"))
        try handler.install(on: channel, info: ConnectionInfo(remoteIP: "192.0.2.1", isLoopback: false, localPort: 25, isTLS: false),
                            activity: DoorActivity(), settings: SMTPSessionSettings(mode: .inbound, hostname: "mx.test", startTLSAvailable: false))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).wait()
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) }?.hasPrefix("220 ") == true)

        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        // A hundred: as many as the session answers before counting them as junk.
        try channel.writeInbound(ByteBuffer(string: String(repeating: "NOOP\r\n", count: 100)))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        // The socket is not read meanwhile: a read asked for by the pipeline is held back.
        let before = reads.count
        channel.read()
        #expect(reads.count == before)

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        var replies = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { replies += String(buffer: buffer) }
        #expect(replies == String(repeating: "250 2.0.0 OK\r\n", count: 100))
        #expect(reads.count > before)
        _ = try? channel.finish()
    }
}

/// Counts the `read` requests that reach the socket end of the pipeline.
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    private(set) var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
