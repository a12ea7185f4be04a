import NIOCore
import NIOPosix
import NIOSSL
import SMTPCodec
import Synchronization

/// The socket side of one outbound SMTP connection: send commands, read replies with a
/// timeout, upgrade to TLS. Incoming bytes are bounded (the reply decoder bounds a reply; the
/// inbox refuses more than `maximumBuffered` unread bytes and closes the connection).
///
/// Every wait has an end (RFC 5321 §4.5.3.2): a reply must be complete within the timeout from
/// when it was awaited — a server that trickles a byte now and then, or streams a line that
/// never ends, is not waited for longer —, and what is sent must move: a server that takes none
/// of a ``writePiece`` within the timeout (it stopped reading in the middle of a message) gets
/// the connection closed, instead of holding the delivery, and a graceful shutdown, forever.
final class SMTPClientConnection: Sendable {
    enum ConnectionError: Error, CustomStringConvertible {
        case timeout
        /// The server took nothing of what was being sent within the timeout.
        case sendTimeout
        case closed
        case malformedReply(String)
        case unexpectedPlaintext
        /// The connection failed with this error (a TLS handshake, a certificate that does not verify).
        case failed(String)

        var description: String {
            switch self {
            case .timeout: "timed out waiting for the server"
            case .sendTimeout: "timed out sending: the server stopped reading"
            case .closed: "connection closed by the server"
            case .failed(let reason): reason
            case .malformedReply(let reason): "malformed reply: \(reason)"
            case .unexpectedPlaintext: "data after the STARTTLS reply (possible injection)"
            }
        }
    }

    static let maximumBuffered = 256 * 1024
    /// What is handed to the socket at once; each piece must be taken within the timeout.
    static let writePiece = 64 * 1024

    private let channel: any Channel
    private let inbox: Inbox
    private let decoder = Mutex(SMTPReplyDecoder())
    private let pending = Mutex(ByteBuffer())
    let timeout: TimeAmount

    private init(channel: any Channel, inbox: Inbox, timeout: TimeAmount) {
        self.channel = channel
        self.inbox = inbox
        self.timeout = timeout
    }

    /// Connects to `hop`; a relay with implicit TLS gets TLS in front of the first byte, its
    /// certificate verified.
    static func connect(to hop: NextHop, timeout: TimeAmount,
                        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPClientConnection {
        let inbox = Inbox()
        let implicitTLS = try hop.security.flatMap { $0.tls == .implicit ? try ClientTLS.verifying($0) : nil }
        let serverName = Self.serverName(hop.name)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try implicitTLS.handler(serverName: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox))
                }
            }
        let channel = try await bootstrap.connect(host: hop.host, port: hop.port).get()
        let connection = SMTPClientConnection(channel: channel, inbox: inbox, timeout: timeout)
        if implicitTLS != nil { connection.tls.withLock { $0 = true } }
        return connection
    }

    /// The name for SNI and for checking the certificate; nil for an address (not allowed in SNI).
    static func serverName(_ name: String?) -> String? {
        name.flatMap { name in name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
            && name.contains(where: \.isLetter) ? name : nil }
    }

    private let tls = Mutex(false)
    var isTLS: Bool { tls.withLock { $0 } }

    func send(_ commands: [SMTPClientCommand]) async throws {
        var buffer = ByteBuffer()
        for command in commands { try command.write(into: &buffer) }
        try await send(raw: buffer)
    }

    func send(raw buffer: ByteBuffer) async throws {
        var rest = buffer
        while let piece = rest.readSlice(length: min(rest.readableBytes, Self.writePiece)), piece.readableBytes > 0 {
            try await write(piece)
        }
    }

    /// Writes `piece`, closing the connection when the server takes none of it within the timeout.
    private func write(_ piece: ByteBuffer) async throws {
        let channel = self.channel
        let stalled = Flag()
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            stalled.raise()
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await channel.writeAndFlush(piece)
        } catch {
            if stalled.isRaised { throw ConnectionError.sendTimeout }
            // A write into a connection that already failed says only "closed": say why it failed.
            if let failure = inbox.failure { throw ConnectionError.failed(failure) }
            throw error
        }
    }

    /// The next complete reply, within `timeout` (default: the connection's) from now.
    func readReply(timeout: TimeAmount? = nil) async throws -> SMTPReply {
        let deadline = NIODeadline.now() + (timeout ?? self.timeout)
        while true {
            let result = decoder.withLock { decoder in pending.withLock { decoder.next(&$0) } }
            switch result {
            case .value(let reply): return reply
            case .error(let error): throw ConnectionError.malformedReply("\(error)")
            case .needMoreData: break
            }
            let remaining = deadline - .now()
            guard remaining > .zero, let bytes = await inbox.next(on: channel.eventLoop, timeout: remaining) else {
                if let failure = inbox.failure { throw ConnectionError.failed(failure) }
                throw inbox.isClosed ? ConnectionError.closed : ConnectionError.timeout
            }
            pending.withLock { _ = $0.writeBytes(bytes) }
        }
    }

    /// After the server's 220 to STARTTLS: refuses plaintext that arrived after it (RFC 3207
    /// §4.2) and puts TLS in front. Without `verifiedBy` certificates are not verified:
    /// opportunistic TLS protects against passive listeners, which is what SMTP between servers
    /// can offer without DANE. A configured relay's (`verifiedBy`) must verify.
    func startTLS(serverName: String?, verifiedBy security: RelaySecurity? = nil) async throws {
        let leftover = pending.withLock { $0.readableBytes } + inbox.bufferedCount
        guard leftover == 0 else { throw ConnectionError.unexpectedPlaintext }
        let clientTLS = try security.map(ClientTLS.verifying) ?? ClientTLS.opportunistic()
        let hostname = Self.serverName(serverName)
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.addHandler(try clientTLS.handler(serverName: hostname), position: .first)
        }.get()
        tls.withLock { $0 = true }
    }

    func close() async {
        try? await channel.close()
    }

    /// Raised once, from another thread (a write's deadline).
    final class Flag: Sendable {
        private let raised = Mutex(false)
        func raise() { raised.withLock { $0 = true } }
        var isRaised: Bool { raised.withLock { $0 } }
    }

    // MARK: Inbound bytes

    final class Inbox: Sendable {
        struct State {
            var chunks: [[UInt8]] = []
            var buffered = 0
            var closed = false
            /// Why the connection ended, when it was an error (TLS).
            var failure: String?
            var waiter: (token: Int, continuation: CheckedContinuation<[UInt8]?, Never>)?
            var token = 0
        }

        let state = Mutex(State())

        var isClosed: Bool { state.withLock { $0.closed } }
        var failure: String? { state.withLock { $0.failure } }
        var bufferedCount: Int { state.withLock { $0.buffered } }

        /// Event loop side; false when the peer sent more than we are willing to hold.
        func append(_ bytes: [UInt8]) -> Bool {
            let (waiter, accepted) = state.withLock { s -> (CheckedContinuation<[UInt8]?, Never>?, Bool) in
                if let waiter = s.waiter {
                    s.waiter = nil
                    return (waiter.continuation, true)
                }
                guard s.buffered + bytes.count <= SMTPClientConnection.maximumBuffered else { return (nil, false) }
                s.chunks.append(bytes)
                s.buffered += bytes.count
                return (nil, true)
            }
            waiter?.resume(returning: bytes)
            return accepted
        }

        func close(failure: (any Error)? = nil) {
            let waiter = state.withLock { s -> CheckedContinuation<[UInt8]?, Never>? in
                if let failure, s.failure == nil, !s.closed { s.failure = "\(failure)" }
                s.closed = true
                defer { s.waiter = nil }
                return s.waiter?.continuation
            }
            waiter?.resume(returning: nil)
        }

        /// The next bytes; nil when closed or after `timeout`.
        func next(on loop: any EventLoop, timeout: TimeAmount) async -> [UInt8]? {
            await withCheckedContinuation { continuation in
                let token = state.withLock { s -> Int? in
                    if !s.chunks.isEmpty {
                        let chunk = s.chunks.removeFirst()
                        s.buffered -= chunk.count
                        continuation.resume(returning: chunk)
                        return nil
                    }
                    if s.closed {
                        continuation.resume(returning: nil)
                        return nil
                    }
                    s.token += 1
                    s.waiter = (s.token, continuation)
                    return s.token
                }
                guard let token else { return }
                loop.scheduleTask(in: timeout) {
                    let expired = self.state.withLock { s -> CheckedContinuation<[UInt8]?, Never>? in
                        guard let waiter = s.waiter, waiter.token == token else { return nil }
                        s.waiter = nil
                        return waiter.continuation
                    }
                    expired?.resume(returning: nil)
                }
            }
        }
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox
        init(_ inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if !inbox.append(Array(unwrapInboundIn(data).readableBytesView)) {
                inbox.close()
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) { inbox.close() }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            inbox.close(failure: error)
            context.close(promise: nil)
        }
    }
}
