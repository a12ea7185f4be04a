import Foundation
import MailwardCore
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Big responses from the web door (`ResponseDrainHandler`): a download that takes longer than
/// `http.request-timeout`, or that the client pauses for longer, completes (both were cut
/// before: Hummingbird's idle timer starts when a response is handed over, and its close dropped
/// what NIO had not written yet), a client that takes nothing for `http.send-timeout` is let go,
/// and a graceful shutdown does not wait for a slow download.
@Suite struct WebDownloadTests {
    /// 12.5 MB of attachment ("AAA…" in base64): more than the kernel's socket buffers on both
    /// sides hold, so the server must wait for the client.
    static let lines = 220_000
    static let size = lines * 57

    struct Download {
        let server: TwoStepServer
        let path: String
        let cookie: String
    }

    func bigAttachment(sendTimeout: Int = 20) async throws -> Download {
        let server = try await TwoStepServer.start {
            $0.http.requestTimeout = 1
            $0.http.sendTimeout = sendTimeout
        }
        try await server.addUser("zhao@demo.test")
        let account = try await server.runtime.accounts.account("zhao@demo.test")
        let attachment = String(repeating: String(repeating: "QUFB", count: 19) + "\r\n", count: Self.lines)
        let raw = "From: a@example.org\r\nTo: zhao@demo.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n\(attachment)\r\n--b--\r\n"
        _ = try await server.runtime.mail.deliver(Array(raw.utf8), to: [account.id])
        let client = server.client()
        #expect(try await client.call(.POST, "/api/v1/session", ["username": "zhao@demo.test", "password": "Tea-Garden-42"]).status == 200)
        let inbox = try #require(try await client.call(.GET, "/api/v1/mailboxes").array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        let list = try await client.call(.GET, "/api/v1/mailboxes/\(inbox)/messages")
        let id = try #require((list.object["messages"] as? [[String: Any]])?.first?["id"] as? String)
        return Download(server: server, path: "/api/v1/messages/\(id)/attachments/0", cookie: try #require(client.cookie("mw_session")))
    }

    /// Requests `download` over a connection with a small receive window: one read (the
    /// response has begun), then `pause` without reading, then reads — one every `pace`, or as
    /// fast as they come — until the server closes. Returns the bytes received.
    func fetch(_ download: Download, pause: Duration, pace: Duration? = nil) async throws -> Int {
        let (channel, counter) = try await request(download)
        channel.read()
        // Generous: a starved test process (CI runs hundreds of servers on two cores) may sleep
        // far longer than `pace` between reads; the loops end when the server closes.
        let deadline = ContinuousClock.now + .seconds(300)
        while counter.count.withLock({ $0 }) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: pause)
        if let pace {
            while channel.isActive, ContinuousClock.now < deadline {
                channel.read()
                try await Task.sleep(for: pace)
            }
        } else {
            // (A server that let the client go during the pause has closed the channel by now.)
            try? await channel.setOption(ChannelOptions.autoRead, value: true).get()
            channel.read()
            while channel.isActive, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try? await channel.close()
        return counter.count.withLock { $0 }
    }

    /// Connects with a small receive window and sends the request. The server gives a request
    /// `http.request-timeout` (1 s here) to arrive: a test process starved for longer between
    /// the connect and the write (CI runs hundreds of servers on two cores) finds the
    /// connection closed, and connects again — what is tested is the response, not that.
    private func request(_ download: Download) async throws -> (any Channel, ByteCounter) {
        var attempts = 0
        while true {
            let counter = ByteCounter()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 8192)
                .channelOption(ChannelOptions.autoRead, value: false)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
                }
                .connect(host: "127.0.0.1", port: download.server.port).get()
            do {
                try await channel.writeAndFlush(ByteBuffer(string:
                    "GET \(download.path) HTTP/1.1\r\nHost: localhost\r\nCookie: mw_session=\(download.cookie)\r\n\r\n")).get()
                return (channel, counter)
            } catch let error as ChannelError where error == .ioOnClosedChannel && attempts < 3 {
                attempts += 1
            }
        }
    }

    @Test func aDownloadLongerThanTheTimeoutCompletes() async throws {
        let download = try await bigAttachment()
        defer { Task { try? await download.server.stop() } }
        // Reads every 5 ms: a few seconds for the whole attachment, against a 1 s timeout.
        let started = ContinuousClock.now
        let received = try await fetch(download, pause: .zero, pace: .milliseconds(5))
        #expect(ContinuousClock.now - started > .seconds(2), "the download should outlast the timeout")
        #expect(received > Self.size, "the download was cut at \(received) of \(Self.size) bytes after \(ContinuousClock.now - started)")
    }

    @Test func aDownloadPausedLongerThanTheTimeoutResumes() async throws {
        let download = try await bigAttachment()
        defer { Task { try? await download.server.stop() } }
        let received = try await fetch(download, pause: .seconds(3))
        #expect(received > Self.size, "the download was cut at \(received) of \(Self.size) bytes")
    }

    /// A graceful shutdown gives a download in progress the doors' grace (10 s), not the whole
    /// download (here ~40 s at the client's pace).
    @Test func aSlowDownloadDoesNotHoldTheShutdown() async throws {
        let download = try await bigAttachment()
        let fetching = Task { try await fetch(download, pause: .zero, pace: .milliseconds(50)) }
        try await Task.sleep(for: .seconds(1))
        let stopping = ContinuousClock.now
        try await download.server.stop()
        let took = ContinuousClock.now - stopping
        #expect(took < .seconds(20), "the shutdown waited \(took) for a slow download")
        #expect(try await fetching.value < Self.size, "the download should have been cut by the shutdown")
    }

    @Test func aClientThatStopsReadingIsClosed() async throws {
        let download = try await bigAttachment(sendTimeout: 1)
        defer { Task { try? await download.server.stop() } }
        let received = try await fetch(download, pause: .seconds(4))
        #expect(received < Self.size, "the server kept the whole response for a client that took nothing for 4 s")
    }
}

/// Counts the bytes a client channel receives.
private final class ByteCounter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let count = Mutex(0)
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytes
        count.withLock { $0 += bytes }
    }
}
