import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A line-oriented test client for the mail doors over a real socket: plain, implicit TLS, or
/// upgraded with `startTLS()` (certificates are not verified: the server's is self-signed).
public final class LineClient: Sendable {
    public enum ClientError: Error, CustomStringConvertible {
        case closed(partial: String)
        case timeout(partial: String)

        public var description: String {
            switch self {
            case .closed(let p): "connection closed; unread: \(p.debugDescription)"
            case .timeout(let p): "timed out; unread: \(p.debugDescription)"
            }
        }
    }

    /// Bytes received so far, and the one reader waiting for more.
    private final class Inbox: Sendable {
        struct State {
            var bytes: [UInt8] = []
            var closed = false
            var waiter: (token: Int, continuation: CheckedContinuation<Bool, Never>)?
            var token = 0
        }
        let state = Mutex(State())

        func append(_ buffer: ByteBuffer?) {
            let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
                if let buffer { s.bytes.append(contentsOf: buffer.readableBytesView) } else { s.closed = true }
                defer { s.waiter = nil }
                return s.waiter?.continuation
            }
            waiter?.resume(returning: true)
        }

        /// Waits until more than `seen` bytes have arrived (or the peer closed); false on timeout.
        /// Checking `seen` under the lock closes the gap between the caller's look at the bytes
        /// and this wait: bytes that came in between wake it at once instead of never.
        func wait(beyond seen: Int, on loop: any EventLoop, timeout: Duration) async -> Bool {
            await withCheckedContinuation { continuation in
                let token = state.withLock { s -> Int? in
                    if s.closed || s.bytes.count > seen { return nil }
                    s.token += 1
                    s.waiter = (s.token, continuation)
                    return s.token
                }
                guard let token else { return continuation.resume(returning: true) }
                _ = loop.scheduleTask(in: TimeAmount(timeout)) {
                    let expired = self.state.withLock { s -> CheckedContinuation<Bool, Never>? in
                        guard let w = s.waiter, w.token == token else { return nil }
                        s.waiter = nil
                        return w.continuation
                    }
                    expired?.resume(returning: false)
                }
            }
        }
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox
        init(_ inbox: Inbox) { self.inbox = inbox }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { inbox.append(unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) { inbox.append(nil) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    private let channel: any Channel
    private let inbox: Inbox
    public let timeout: Duration

    public static func connect(host: String = "127.0.0.1", port: Int, tls: Bool = false,
                               timeout: Duration = .seconds(60)) async throws -> LineClient {
        let inbox = Inbox()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls { try channel.pipeline.syncOperations.addHandler(try Self.tlsHandler()) }
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox))
                }
            }
            .connect(host: host, port: port).get()
        return LineClient(channel: channel, inbox: inbox, timeout: timeout)
    }

    private init(channel: any Channel, inbox: Inbox, timeout: Duration) {
        self.channel = channel
        self.inbox = inbox
        self.timeout = timeout
    }

    static func tlsHandler() throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return try NIOSSLClientHandler(context: NIOSSLContext(configuration: configuration), serverHostname: nil)
    }

    /// Sends raw text (include the CRLF yourself).
    public func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Upgrades this connection to TLS (after the server said go ahead).
    public func startTLS() async throws {
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.addHandler(try Self.tlsHandler(), position: .first)
        }.get()
    }

    /// The next line, without its CRLF.
    public func readLine() async throws -> String {
        while true {
            switch takeLine() {
            case .line(let line): return line
            case .incomplete(let examined): try await fill(beyond: examined)
            }
        }
    }

    /// Exactly `count` bytes (an IMAP literal).
    public func readBytes(_ count: Int) async throws -> [UInt8] {
        while true {
            let buffered = inbox.state.withLock { $0.bytes.count }
            if buffered >= count { break }
            try await fill(beyond: buffered)
        }
        return inbox.state.withLock { s in
            let bytes = Array(s.bytes.prefix(count))
            s.bytes.removeFirst(count)
            return bytes
        }
    }

    /// Lines up to and including the first one for which `isLast` is true.
    public func readLines(until isLast: (String) -> Bool) async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            lines.append(line)
            if isLast(line) { return lines }
        }
    }

    /// Whether the server closed the connection (reads until then, discarding).
    public func waitForClose() async -> Bool {
        while true {
            let buffered = inbox.state.withLock { $0.bytes.count }
            do { try await fill(beyond: buffered) } catch ClientError.closed { return true } catch { return false }
        }
    }

    public func close() async {
        try? await channel.close()
    }

    private enum Taken {
        case line(String)
        /// No complete line in the first `examined` bytes.
        case incomplete(examined: Int)
    }

    private func takeLine() -> Taken {
        inbox.state.withLock { s in
            guard let lf = s.bytes.firstIndex(of: 0x0A) else { return .incomplete(examined: s.bytes.count) }
            var end = lf
            if end > 0 && s.bytes[end - 1] == 0x0D { end -= 1 }
            let line = String(decoding: s.bytes[..<end], as: UTF8.self)
            s.bytes.removeFirst(lf + 1)
            return .line(line)
        }
    }

    /// Waits until more than `examined` bytes are buffered — the count the caller looked at, not
    /// a fresh one: bytes that arrived after the caller's look must wake it at once (taking a
    /// fresh count here lost exactly those, and a reply already in full waited for the timeout).
    private func fill(beyond examined: Int) async throws {
        let closed = inbox.state.withLock { $0.bytes.count <= examined && $0.closed }
        if closed { throw ClientError.closed(partial: unread) }
        let arrived = await inbox.wait(beyond: examined, on: channel.eventLoop, timeout: timeout)
        if !arrived { throw ClientError.timeout(partial: unread) }
        let after = inbox.state.withLock { ($0.bytes.count, $0.closed) }
        if after.0 <= examined && after.1 { throw ClientError.closed(partial: unread) }
    }

    private var unread: String { inbox.state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
}
