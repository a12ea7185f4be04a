#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// A door's listening socket as a `Service`: accepts connections, applies connection limits,
/// optionally wraps them in TLS (implicit TLS ports), and serves each connection one of two ways:
/// - a **session**: one task per connection reading and writing through a ``MailConnection``
///   (IMAP, POP3: long conversations whose commands await the store);
/// - a **pipeline**: channel handlers that do the protocol work on the connection's event loop
///   and start a task only for what awaits Core (SMTP, where most connections carry one message:
///   a task, a reader queue and a timer per read cost more than the protocol itself).
/// On graceful shutdown it stops accepting, tells every connection (``InboundEvent/shutdown`` or
/// ``DoorShutdownEvent``), waits for them, and closes what is still open after `shutdownGrace`.
public final class TCPListener: Service, Sendable {
    public struct Configuration: Sendable {
        public var name: String
        public var host: String
        public var port: Int
        /// Implicit TLS from the first byte (465, 993, 995).
        public var implicitTLS: NIOSSLContext?
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int
        /// Sent before closing a connection over the limits (a protocol-correct refusal).
        public var overLimitReply: String
        public var shutdownGrace: TimeAmount
        /// How long an implicit-TLS client may take to finish its handshake.
        public var tlsHandshakeTimeout: TimeAmount = TLSHandshakeDeadline.defaultLimit
        /// Whether a peer is a trusted load balancer whose connections start with a PROXY
        /// protocol header naming the client (`connections.proxy-protocol-networks`); nil: none is.
        public var sendsProxyHeader: (@Sendable (String) -> Bool)?
        /// How long such a peer may take to send its header.
        public var proxyHeaderTimeout: TimeAmount = ProxyHeaderHandler.defaultLimit
        /// The smallest buffer a read on a connection goes into (NIO's adaptive sizes: halved
        /// after small reads down to this, doubled after full ones up to 64 KiB); nil: NIO's own
        /// (2 KiB at first, as little as 64 bytes). A door that receives messages sets it: from
        /// 2 KiB a 10 KB message took five reads, each a system call and a turn of the
        /// connection's handler; an open connection keeps a buffer of this size.
        public var minimumReadSize: Int?

        public init(name: String, host: String, port: Int, implicitTLS: NIOSSLContext? = nil, maxConnections: Int = 2000,
                    maxConnectionsPerIP: Int = 50, overLimitReply: String, shutdownGrace: TimeAmount = .seconds(10)) {
            self.name = name
            self.host = host
            self.port = port
            self.implicitTLS = implicitTLS
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
            self.overLimitReply = overLimitReply
            self.shutdownGrace = shutdownGrace
        }
    }

    public typealias Session = @Sendable (MailConnection) async -> Void
    /// Installs a connection's protocol handlers (runs on its event loop, before it is active).
    /// The ``DoorActivity`` is for work the handlers start outside the loop.
    public typealias PipelineSetup = @Sendable (any Channel, ConnectionInfo, DoorActivity) throws -> Void

    private enum Mode: Sendable {
        case session(Session)
        case pipeline(PipelineSetup)
    }

    private let configuration: Configuration
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void
    private let mode: Mode
    private let active = Mutex<[ObjectIdentifier: MailConnection]>([:])
    /// Pipeline mode: the open connections.
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let activity = DoorActivity()
    private let counter: ConnectionCounter
    /// Connections from a load balancer whose PROXY header has not come yet (not counted, no
    /// session yet), and whether the door has begun shutting down: a shutdown closes them rather
    /// than wait out their header's time limit, and a header that arrives after it is not served.
    private let awaitingHeader = Mutex<(channels: [ObjectIdentifier: any Channel], shuttingDown: Bool)>(([:], false))
    private let metrics: MailMetrics.Connections

    public convenience init(configuration: Configuration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void,
                            session: @escaping Session) {
        self.init(configuration, logger, onListening, .session(session))
    }

    public convenience init(configuration: Configuration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void,
                            pipeline: @escaping PipelineSetup) {
        self.init(configuration, logger, onListening, .pipeline(pipeline))
    }

    private init(_ configuration: Configuration, _ logger: Logger, _ onListening: @escaping @Sendable (Int) async -> Void,
                 _ mode: Mode) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.mode = mode
        self.counter = ConnectionCounter(maximum: configuration.maxConnections,
                                         maximumPerAddress: configuration.maxConnectionsPerIP)
        self.metrics = MailMetrics.Connections(door: Self.doorLabel(configuration.name))
    }

    /// The listener's name as a metrics label: `Submission TLS` → `submission-tls`.
    static func doorLabel(_ name: String) -> String {
        name.lowercased().split(separator: " ").joined(separator: "-")
    }

    public var activeConnections: Int { active.withLock { $0.count } + channels.withLock { $0.count } }

    public func run() async throws {
        switch mode {
        case .session(let session): try await runSessions(session)
        case .pipeline(let setup): try await runPipelines(setup)
        }
        logger.info("\(configuration.name) stopped")
    }

    /// A session connection accepted, its session not started yet: behind a load balancer it
    /// waits for the PROXY header, which says whom the connection is from.
    private struct Accepted: Sendable {
        let channel: any Channel
        let inbox: ConnectionInbox
        /// The client the PROXY header named (nil inside: none named); nil: no header expected.
        let proxyHeader: EventLoopFuture<String?>?
    }

    private func runSessions(_ session: @escaping Session) async throws {
        let tls = configuration.implicitTLS
        let server = try await bindFailureNamed { try await bootstrap()
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let inbox = ConnectionInbox()
                    let operations = channel.pipeline.syncOperations
                    let addDoorHandlers = {
                        if let tls {
                            try TLSHandshakeDeadline.addTLS(tls, to: operations, first: false,
                                                            limit: self.configuration.tlsHandshakeTimeout)
                        }
                        try operations.addHandler(InboundBridgeHandler(inbox: inbox))
                    }
                    guard self.expectsProxyHeader(channel) else {
                        try addDoorHandlers()
                        return Accepted(channel: channel, inbox: inbox, proxyHeader: nil)
                    }
                    let header = channel.eventLoop.makePromise(of: String?.self)
                    channel.closeFuture.whenComplete { _ in header.fail(ChannelError.ioOnClosedChannel) }
                    self.awaitHeader(on: channel)
                    try operations.addHandler(ProxyHeaderHandler(limit: self.configuration.proxyHeaderTimeout,
                                                                 logger: self.logger) { clientIP in
                        guard self.headerArrived(on: channel) else { return channel.close(promise: nil) }
                        try addDoorHandlers()
                        header.succeed(clientIP)
                    })
                    return Accepted(channel: channel, inbox: inbox, proxyHeader: header.futureResult)
                }
            }
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        await announce(port)

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await accepted in connections {
                        group.addTask {
                            var clientIP: String?
                            if let header = accepted.proxyHeader {
                                // Closed without a header: nothing to serve. (nil inside: the
                                // header named no client — the balancer's own check.)
                                do {
                                    clientIP = try await header.get()
                                } catch {
                                    return
                                }
                            }
                            let connection = MailConnection(channel: accepted.channel, inbox: accepted.inbox,
                                                            isTLS: tls != nil, clientIP: clientIP)
                            await self.serve(connection, session: session)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown(server: server.channel)
        }
    }

    private func runPipelines(_ setup: @escaping PipelineSetup) async throws {
        let tls = configuration.implicitTLS
        let server = try await bindFailureNamed { try await bootstrap()
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard self.expectsProxyHeader(channel) else {
                        return try self.setUpPipeline(channel, ConnectionInfo(channel: channel, isTLS: tls != nil), setup)
                    }
                    self.awaitHeader(on: channel)
                    try channel.pipeline.syncOperations.addHandler(ProxyHeaderHandler(
                        limit: self.configuration.proxyHeaderTimeout, logger: self.logger) { clientIP in
                        guard self.headerArrived(on: channel) else { return channel.close(promise: nil) }
                        try self.setUpPipeline(channel, ConnectionInfo(channel: channel, isTLS: tls != nil, clientIP: clientIP), setup)
                    })
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        }
        await announce(server.localAddress?.port ?? configuration.port)

        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await activity.waitUntilDrained()
            } onCancel: {
                self.activity.drain()
                for channel in self.channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
            }
        } onGracefulShutdown: {
            self.beginShutdown(server: server)
        }
        try? await server.close()
    }

    /// Whether `channel` comes from a load balancer that starts with a PROXY header.
    private func expectsProxyHeader(_ channel: any Channel) -> Bool {
        guard let sendsProxyHeader = configuration.sendsProxyHeader, let peer = channel.remoteAddress?.ipAddress else { return false }
        return sendsProxyHeader(peer)
    }

    /// `channel` waits for its PROXY header (closed at once when the door is shutting down).
    private func awaitHeader(on channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let waiting = awaitingHeader.withLock { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.channels[key] = channel
            return true
        }
        guard waiting else { return channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in _ = self.headerArrived(on: channel) }
    }

    /// `channel`'s wait for its header is over; false when the door is shutting down (the
    /// connection is then closed instead of served).
    private func headerArrived(on channel: any Channel) -> Bool {
        awaitingHeader.withLock { state in
            state.channels[ObjectIdentifier(channel)] = nil
            return !state.shuttingDown
        }
    }

    /// A pipeline connection from `info`'s client: counted against the limits (or refused), its
    /// TLS (implicit-TLS ports) and the door's handlers added. Runs on its event loop.
    private func setUpPipeline(_ channel: any Channel, _ info: ConnectionInfo, _ setup: PipelineSetup) throws {
        let tls = configuration.implicitTLS
        guard admit(info.remoteIP) else {
            refuse(info.remoteIP)
            // On an implicit-TLS port the refusal, too, goes inside TLS (sent once the handshake
            // is done): a client reading clear text there sees only a TLS error, not the 421.
            if let tls {
                try TLSHandshakeDeadline.addTLS(tls, to: channel.pipeline.syncOperations, first: false,
                                                limit: configuration.tlsHandshakeTimeout)
            }
            channel.writeAndFlush(ByteBuffer(string: configuration.overLimitReply)).whenComplete { _ in
                channel.close(promise: nil)
            }
            return
        }
        let key = ObjectIdentifier(channel)
        activity.begin()
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLock { _ = $0.removeValue(forKey: key) }
            self.release(info.remoteIP)
            self.activity.end()
        }
        if let tls {
            try TLSHandshakeDeadline.addTLS(tls, to: channel.pipeline.syncOperations, first: false,
                                            limit: configuration.tlsHandshakeTimeout)
        }
        try setup(channel, info, activity)
    }

    /// Runs `bind`; a failure names the door and its address (see ``ListenError``).
    private func bindFailureNamed<T>(_ bind: () async throws -> T) async throws -> T {
        do {
            return try await bind()
        } catch {
            throw ListenError(error, door: configuration.name, host: configuration.host, port: configuration.port)
        }
    }

    /// The listening socket's options, the same for both modes. Replies go out at once
    /// (`TCP_NODELAY`): NIO sets it on the listening socket and Linux hands it down to every
    /// accepted one, so no system call per connection. (A child option
    /// `socketOption(.tcp_nodelay)` would set option 1 at the *socket* level — `SO_DEBUG` —
    /// not the TCP one.)
    ///
    /// A client may end its side (`shutdown(SHUT_WR)`) after its last command and still wait
    /// for the replies: the connection stays open for writing (`allowRemoteHalfClosure`), the
    /// door reads what came before the end, answers it, and then closes. Closed at the end of
    /// input, a pipelining client lost its replies — an SMTP message was stored while the client,
    /// never seeing the 250, would send it again.
    private func bootstrap() -> ServerBootstrap {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        guard let minimum = configuration.minimumReadSize else { return bootstrap }
        return bootstrap.childChannelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(
            minimum: minimum, initial: minimum, maximum: max(minimum, 65_536)))
    }

    private func announce(_ port: Int) async {
        logger.info("\(configuration.name) listening", metadata: ["address": "\(configuration.host):\(port)"])
        await onListening(port)
    }

    /// Counts the connection against the limits, or refuses it (false).
    private func admit(_ ip: String) -> Bool {
        guard counter.admit(ip) else { return false }
        metrics.accepted.increment()
        metrics.open.increment()
        return true
    }

    private func release(_ ip: String) {
        counter.release(ip)
        metrics.open.decrement()
    }

    private func refuse(_ ip: String) {
        metrics.refused.increment()
        logger.notice("connection refused: over the limit", metadata: ["door": "\(configuration.name)", "ip": "\(ip)"])
    }

    private func serve(_ connection: MailConnection, session: Session) async {
        let key = ObjectIdentifier(connection)
        let ip = connection.remoteIP
        guard admit(ip) else {
            refuse(ip)
            try? await connection.write(configuration.overLimitReply)
            await connection.close()
            return
        }
        active.withLock { $0[key] = connection }
        await session(connection)
        await connection.close()
        active.withLock { _ = $0.removeValue(forKey: key) }
        release(ip)
    }

    private func beginShutdown(server: any Channel) {
        server.close(promise: nil)
        let waiting = awaitingHeader.withLock { state in
            state.shuttingDown = true
            return Array(state.channels.values)
        }
        for channel in waiting { channel.close(promise: nil) }
        for connection in active.withLock({ Array($0.values) }) { connection.inbox.shutdown() }
        for channel in channels.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(DoorShutdownEvent())
        }
        activity.drain()
        let grace = configuration.shutdownGrace
        _ = server.eventLoop.scheduleTask(in: grace) {
            for connection in self.active.withLock({ Array($0.values) }) { connection.channel.close(promise: nil) }
            for channel in self.channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
        }
    }
}

/// A door could not start listening: says which door, which address and why ("SMTP cannot
/// listen on 127.0.0.1:2525: the port is in use …") instead of NIO's bare `bind(descriptor:…)`.
public struct ListenError: Error, CustomStringConvertible {
    public let door: String
    public let host: String
    public let port: Int
    public let reason: String

    public init(_ error: any Error, door: String, host: String, port: Int) {
        self.door = door
        self.host = host
        self.port = port
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE?: reason = "the port is in use (another server, or Mailward already running?)"
        case EACCES?: reason = "permission denied (ports below 1024 need privileges)"
        case EADDRNOTAVAIL?: reason = "this machine has no such address"
        default: reason = "\(error)"
        }
    }

    /// Whether `error` is a failure to bind (the ones named above).
    public static func isBindFailure(_ error: any Error) -> Bool {
        guard let code = (error as? IOError)?.errnoCode else { return false }
        return [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(code)
    }

    public var description: String { "\(door) cannot listen on \(host):\(port): \(reason)" }
}
