import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// O4's graceful shutdown: the doors stop taking connections at once, while the outbound worker
/// still finishes the delivery it is in the middle of — and that message stays queued, not lost.
@Suite struct ShutdownOrderTests {
    @Test func doorsCloseFirstWhileTheOutboundWorkerFinishes() async throws {
        // A next hop that accepts the connection and never greets: the delivery waits for its timeout.
        let accepted = Mutex(0)
        let silentPeer = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.withLock { $0 += 1 }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silentPeer.close(promise: nil) }
        let peerPort = try #require(silentPeer.localAddress?.port)
        let server = try await TwoStepServer.start(configure: {
            $0.delivery.routes["remote.test"] = "127.0.0.1:\(peerPort)"
            $0.delivery.timeout = 3
        })
        let smtpPort = await server.server.port(.smtp)
        try await server.runtime.deliveryQueue.enqueue(OutboundMessage(
            id: "shutdown-1", sender: "li@demo.test", recipients: ["wang@remote.test"],
            raw: Array("From: li@demo.test\r\nTo: wang@remote.test\r\nSubject: x\r\n\r\nbody\r\n".utf8), createdAt: Date()))
        let deadline = ContinuousClock.now + .seconds(20)
        while accepted.withLock({ $0 }) == 0 {
            #expect(ContinuousClock.now < deadline, "the worker never connected")
            try await Task.sleep(for: .milliseconds(20))
        }

        let stopped = Mutex(false)
        let stopping = Task {
            try await server.stop()
            stopped.withLock { $0 = true }
        }
        // The SMTP door refuses new connections while the worker still waits for its peer.
        #expect(await refusesConnections(port: smtpPort, before: deadline), "the SMTP door kept accepting during the shutdown")
        #expect(!stopped.withLock { $0 }, "the doors closed only after the worker had stopped")
        try await stopping.value
        // The delivery that was cut short is still queued for the next start.
        #expect(try await server.runtime.store.allMessages().map(\.id) == ["shutdown-1"])
    }

    /// Every door stops taking connections at the same moment: an IMAP client in the middle of
    /// a command holds its door for the grace, and meanwhile SMTP, POP3 and the web door refuse
    /// new connections (before, they were stopped one after another and kept accepting while
    /// IMAP waited).
    @Test func allDoorsStopAcceptingTogether() async throws {
        let server = try await TwoStepServer.start()
        let imap = try await LineClient.connect(port: await server.server.port(.imap))
        _ = try await imap.readLine()
        // Half a command, and known to have arrived: the invitation to send the literal comes
        // only once the server holds the command line (a bare partial line could still be in
        // flight when the shutdown starts, and an idle session is closed at once).
        try await imap.send("a1 APPEND INBOX {10}\r\n")
        #expect(try await imap.readLine().hasPrefix("+ "))
        let others: [(String, Int)] = [
            ("SMTP", await server.server.port(.smtp)), ("POP3", await server.server.port(.pop3)),
            ("HTTP", server.port),
        ]
        let stopped = Mutex(false)
        let stopping = Task {
            try await server.stop()
            stopped.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + .seconds(5)
        for (door, port) in others {
            #expect(await refusesConnections(port: port, before: deadline), "\(door) kept accepting while IMAP finished its session")
        }
        #expect(!stopped.withLock { $0 }, "IMAP's session should still hold the shutdown")
        await imap.close()
        try await stopping.value
    }

    /// Whether connecting to `port` fails before `deadline` (tried every 20 ms).
    func refusesConnections(port: Int, before deadline: ContinuousClock.Instant) async -> Bool {
        while ContinuousClock.now < deadline {
            guard let client = try? await LineClient.connect(port: port) else { return true }
            await client.close()
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
