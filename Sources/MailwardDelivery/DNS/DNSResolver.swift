import Foundation
import NIOCore
import NIOPosix

/// Asks name servers one question. The seam the router uses, so tests can answer themselves.
public protocol DNSResolving: Sendable {
    func query(_ name: String, type: DNSRecordType) async throws -> DNSResponse
}

public enum DNSResolverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server answered in time (every server, every attempt).
    case timeout(String)
    /// An answer could not be used.
    case badAnswer(String)

    public var description: String {
        switch self {
        case .timeout(let name): "DNS timeout for \(name)"
        case .badAnswer(let reason): "bad DNS answer: \(reason)"
        }
    }
}

/// A small stub resolver on NIO: UDP first, TCP when the answer is truncated (RFC 1035 §4.2,
/// RFC 7766). Every answer must come from the server asked, carry the query's id and repeat
/// its question, or it is ignored (spoofing). Datagrams and TCP answers are bounded at 64 KiB.
public struct DNSResolver: DNSResolving {
    public let configuration: ResolvConf
    public let port: Int
    let group: any EventLoopGroup

    public init(configuration: ResolvConf, port: Int = 53, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.port = port
        self.group = group
    }

    /// The system's resolver settings from `/etc/resolv.conf`.
    public static func system(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) -> DNSResolver {
        let text = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        return DNSResolver(configuration: ResolvConf.parse(text), group: group)
    }

    public func query(_ name: String, type: DNSRecordType) async throws -> DNSResponse {
        let id = UInt16.random(in: .min ... .max)
        let query = try DNSQueryEncoder.encode(id: id, name: name, type: type)
        let timeout = TimeAmount.nanoseconds(Int64(configuration.timeout * 1e9))
        for _ in 0..<configuration.attempts {
            for server in configuration.nameservers {
                guard let address = try? SocketAddress(ipAddress: server, port: port) else { continue }
                guard let bytes = try? await Self.udpExchange(query, id: id, server: address, group: group, timeout: timeout) else {
                    continue
                }
                guard let response = try? Self.validated(bytes, id: id, name: name, type: type) else { continue }
                if !response.isTruncated { return response }
                if let tcpBytes = try? await Self.tcpExchange(query, server: address, group: group, timeout: timeout),
                   let full = try? Self.validated(tcpBytes, id: id, name: name, type: type) {
                    return full
                }
            }
        }
        throw DNSResolverError.timeout(name)
    }

    /// Parses and checks that a response answers this query.
    static func validated(_ bytes: [UInt8], id: UInt16, name: String, type: DNSRecordType) throws -> DNSResponse {
        let response = try DNSMessageParser.parse(bytes)
        var asked = name.lowercased()
        if asked.hasSuffix(".") { asked.removeLast() }
        guard response.isResponse, response.id == id, response.questionName == asked,
              response.questionType == type.rawValue else {
            throw DNSResolverError.badAnswer("answer does not match the question")
        }
        return response
    }

    // MARK: UDP

    static func udpExchange(_ query: [UInt8], id: UInt16, server: SocketAddress, group: any EventLoopGroup,
                            timeout: TimeAmount) async throws -> [UInt8] {
        let loop = group.next()
        let promise = loop.makePromise(of: [UInt8].self)
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramAnswerHandler(server: server, id: id, promise: promise))
                }
            }
            .bind(host: server.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
        let timer = loop.scheduleTask(in: timeout) { promise.fail(DNSResolverError.timeout("")) }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        let envelope = AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: query))
        try await channel.writeAndFlush(envelope)
        return try await promise.futureResult.get()
    }

    /// Completes its promise with the first datagram from the server that carries the id.
    final class DatagramAnswerHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let server: SocketAddress
        let id: UInt16
        let promise: EventLoopPromise<[UInt8]>
        var done = false

        init(server: SocketAddress, id: UInt16, promise: EventLoopPromise<[UInt8]>) {
            self.server = server
            self.id = id
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            let bytes = Array(envelope.data.readableBytesView)
            guard !done, envelope.remoteAddress == server, bytes.count >= 12,
                  UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id else { return }
            done = true
            promise.succeed(bytes)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // ICMP port unreachable and friends: this server will not answer.
            guard !done else { return }
            done = true
            promise.fail(error)
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            if !done {
                done = true
                promise.fail(DNSResolverError.timeout(""))
            }
        }
    }

    // MARK: TCP

    static func tcpExchange(_ query: [UInt8], server: SocketAddress, group: any EventLoopGroup,
                            timeout: TimeAmount) async throws -> [UInt8] {
        let loop = group.next()
        let promise = loop.makePromise(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StreamAnswerHandler(promise: promise))
                }
            }
            .connect(to: server).get()
        let timer = loop.scheduleTask(in: timeout) { promise.fail(DNSResolverError.timeout("")) }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt16(query.count))
        buffer.writeBytes(query)
        try await channel.writeAndFlush(buffer)
        return try await promise.futureResult.get()
    }

    /// Collects one length-prefixed message (at most 65 535 bytes by construction).
    final class StreamAnswerHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<[UInt8]>
        var received: [UInt8] = []
        var done = false

        init(promise: EventLoopPromise<[UInt8]>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !done else { return }
            received += unwrapInboundIn(data).readableBytesView
            guard received.count >= 2 else { return }
            let length = Int(received[0]) << 8 | Int(received[1])
            if received.count >= 2 + length {
                done = true
                promise.succeed(Array(received[2..<(2 + length)]))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            finish(DNSResolverError.badAnswer("connection closed"))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            finish(error)
            context.close(promise: nil)
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            finish(DNSResolverError.badAnswer("connection closed"))
        }

        private func finish(_ error: any Error) {
            guard !done else { return }
            done = true
            promise.fail(error)
        }
    }
}
