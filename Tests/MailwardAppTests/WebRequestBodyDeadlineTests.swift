import Foundation
import NIOCore
import NIOPosix
import Testing

/// A request body that trickles in is ended (`RequestBodyDeadline`): Hummingbird's idle timer
/// stops once a request's head is read, so a body sent a byte every few seconds held the
/// connection for hours.
@Suite struct WebRequestBodyDeadlineTests {
    /// Sends a head announcing `length` body bytes, then one byte every `pace`; returns how long
    /// the server kept the connection (or nil: still open after `giveUp`).
    func drip(port: Int, length: Int, pace: Duration, giveUp: Duration) async throws -> Duration? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        defer { channel.close(promise: nil) }
        try await channel.writeAndFlush(ByteBuffer(string:
            "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n")).get()
        let started = ContinuousClock.now
        while ContinuousClock.now - started < giveUp {
            guard channel.isActive else { return ContinuousClock.now - started }
            try? await channel.writeAndFlush(ByteBuffer(string: "{")).get()
            try await Task.sleep(for: pace)
        }
        return channel.isActive ? nil : ContinuousClock.now - started
    }

    @Test func aBodySentAByteAtATimeIsEnded() async throws {
        let server = try await TwoStepServer.start { $0.http.requestTimeout = 1 }
        defer { Task { try? await server.stop() } }
        // Four bytes a second earn no extra time: the body has the request timeout (1 s), not
        // the hour it would take to arrive. Generous bounds: CI's two cores run many servers.
        let held = try await drip(port: server.port, length: 4000, pace: .milliseconds(250), giveUp: .seconds(30))
        let kept = try #require(held, "the connection was still open after 30 s")
        #expect(kept < .seconds(15), "the connection was kept \(kept)")

        // A body that arrives at once is answered as usual.
        let client = server.client()
        try await server.addUser("zhao@demo.test")
        #expect(try await client.call(.POST, "/api/v1/session", ["username": "zhao@demo.test", "password": "Tea-Garden-42"]).status == 200)
    }
}
