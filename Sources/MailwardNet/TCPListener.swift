import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// A door's listening socket as a `Service`: accepts connections, applies connection limits,
/// optionally wraps them in TLS (implicit TLS ports), and runs one session task per connection.
/// On graceful shutdown it stops accepting, tells every session (`InboundEvent.shutdown`), and
/// closes what is still open after `shutdownGrace`.
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

    private let configuration: Configuration
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void
    private let session: Session
    private let active = Mutex<[ObjectIdentifier: MailConnection]>([:])
    private let perIP = Mutex<[String: Int]>([:])

    public init(configuration: Configuration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void,
                session: @escaping Session) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.session = session
    }

    public var activeConnections: Int { active.withLock { $0.count } }

    public func run() async throws {
        let tls = configuration.implicitTLS
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let inbox = ConnectionInbox()
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(InboundBridgeHandler(inbox: inbox))
                    return MailConnection(channel: channel, inbox: inbox, isTLS: tls != nil)
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info("\(configuration.name) listening", metadata: ["address": "\(configuration.host):\(port)"])
        await onListening(port)

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown(server: server.channel)
        }
        logger.info("\(configuration.name) stopped")
    }

    private func serve(_ connection: MailConnection) async {
        let key = ObjectIdentifier(connection)
        let ip = connection.remoteIP
        let admitted: Bool = {
            let total = active.withLock { $0.count }
            return perIP.withLock { counts in
                guard total < configuration.maxConnections, counts[ip, default: 0] < configuration.maxConnectionsPerIP else {
                    return false
                }
                counts[ip, default: 0] += 1
                return true
            }
        }()
        guard admitted else {
            logger.notice("connection refused: over the limit", metadata: ["door": "\(configuration.name)", "ip": "\(ip)"])
            try? await connection.write(configuration.overLimitReply)
            await connection.close()
            return
        }
        active.withLock { $0[key] = connection }
        await session(connection)
        await connection.close()
        active.withLock { _ = $0.removeValue(forKey: key) }
        perIP.withLock { counts in
            counts[ip, default: 1] -= 1
            if counts[ip] == 0 { counts[ip] = nil }
        }
    }

    private func beginShutdown(server: any Channel) {
        server.close(promise: nil)
        let connections = active.withLock { Array($0.values) }
        for connection in connections { connection.inbox.shutdown() }
        let grace = configuration.shutdownGrace
        _ = server.eventLoop.scheduleTask(in: grace) {
            for connection in self.active.withLock({ Array($0.values) }) { connection.channel.close(promise: nil) }
        }
    }
}
