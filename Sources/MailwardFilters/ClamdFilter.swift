import Foundation
import MailwardCore
import NIOCore
import NIOPosix

/// The ClamAV daemon as a virus scanner for incoming mail: the message goes to clamd's
/// `INSTREAM` command (length-prefixed chunks, then a zero length) over TCP or its Unix socket;
/// clamd unpacks MIME and archives itself. `stream: OK` accepts, `stream: <name> FOUND` refuses.
public struct ClamdFilter: MessageFilter {
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)

        /// `host:port`, `[v6]:port` or an absolute socket path (`/run/clamav/clamd.ctl`).
        public init?(_ text: String) {
            if text.hasPrefix("/") {
                self = .unix(path: text)
                return
            }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
            else { return nil }
            let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            guard !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        }
    }

    public let name = "clamd"
    public let address: Address
    public let timeout: Duration
    /// Bigger messages pass unscanned: clamd's own `StreamMaxLength` is 25 MiB by default and it
    /// would refuse the stream (which would defer such mail for ever), as clamav-milter's
    /// `MaxFileSize` lets them through. Raise both together.
    public let maxScanSize: Int

    public init(address: Address, timeout: Duration = .seconds(30), maxScanSize: Int = 25 << 20) {
        self.address = address
        self.timeout = timeout
        self.maxScanSize = maxScanSize
    }

    public func check(_ raw: [UInt8], envelope: FilterEnvelope) async throws -> FilterVerdict {
        guard raw.count <= maxScanSize else { return .accept }
        let reply = try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await scan(raw) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw FilterError("clamd did not answer within \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        return try Self.verdict(reply)
    }

    /// clamd's answer (without its NUL) as a verdict.
    static func verdict(_ reply: String) throws -> FilterVerdict {
        let answer = reply.hasPrefix("stream: ") ? String(reply.dropFirst("stream: ".count)) : reply
        if answer == "OK" { return .accept }
        if answer.hasSuffix(" FOUND") {
            return .reject(reason: "virus found: \(answer.dropLast(" FOUND".count))")
        }
        throw FilterError("clamd: \(answer)")
    }

    private func scan(_ raw: [UInt8]) async throws -> String {
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "zINSTREAM\0"))
            var offset = 0
            while offset < raw.count {
                let chunk = raw[offset..<min(offset + 65_536, raw.count)]
                var buffer = ByteBuffer()
                buffer.writeInteger(UInt32(chunk.count))
                buffer.writeBytes(chunk)
                try await outbound.write(buffer)
                offset += chunk.count
            }
            try await outbound.write(ByteBuffer(bytes: [0, 0, 0, 0]))
            var reply = ByteBuffer()
            for try await part in inbound {
                reply.writeImmutableBuffer(part)
                if reply.readableBytesView.contains(0) || reply.readableBytes > 4096 { break }
            }
            let text = String(buffer: reply)
            return String(text.prefix { $0 != "\0" }).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(10))
        let wrap: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel(wrappingChannelSynchronously: channel) }
        }
        switch address {
        case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port, channelInitializer: wrap)
        case .unix(let path): return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: wrap)
        }
    }
}

/// A filter that could not give an answer.
public struct FilterError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
