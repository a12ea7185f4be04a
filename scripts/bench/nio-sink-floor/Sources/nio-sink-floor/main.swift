import NIOCore
import NIOPosix

/// What SwiftNIO itself costs per SMTP session: a server that answers the way Postfix's
/// `smtp-sink` does — 220 at connect, 250 to every command, 354 to DATA, 250 at the CRLF.CRLF
/// that ends the message (discarded), 221 to QUIT and close — with nothing else: no parsing
/// beyond lines, no limits, no storage. Not a mail server: the benchmark's lower bound of what
/// any server on this framework and machine spends per message (docs/benchmarks.md).
///
///     nio-sink-floor PORT [EVENT-LOOPS]
final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var input = ByteBuffer()
    private var output = ByteBuffer()
    private var inMessage = false
    private static let endOfMessage: [UInt8] = Array("\r\n.\r\n".utf8)

    func channelActive(context: ChannelHandlerContext) {
        output.writeString("220 nio-sink-floor ESMTP\r\n")
        flush(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        input.writeBuffer(&bytes)
        var quit = false
        while !quit {
            if inMessage {
                guard let end = Self.find(Self.endOfMessage, in: input.readableBytesView) else {
                    // Keep the tail that may begin the end marker.
                    input.moveReaderIndex(forwardBy: max(0, input.readableBytes - (Self.endOfMessage.count - 1)))
                    break
                }
                input.moveReaderIndex(to: end + Self.endOfMessage.count)
                inMessage = false
                output.writeString("250 2.0.0 Ok: queued\r\n")
                continue
            }
            let view = input.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else { break }
            let verb = view[view.startIndex..<min(view.startIndex + 4, newline)].map { $0 & 0xDF }
            input.moveReaderIndex(to: newline + 1)
            switch String(decoding: verb, as: UTF8.self) {
            case "EHLO": output.writeString("250-nio-sink-floor\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n250 8BITMIME\r\n")
            case "DATA":
                output.writeString("354 End data with <CR><LF>.<CR><LF>\r\n")
                inMessage = true
                // The message's first line may itself be the lone dot: the CRLF that ended DATA
                // counts as the marker's start.
                var rest = ByteBuffer(bytes: [13, 10])
                rest.writeBuffer(&input)
                input = rest
            case "QUIT":
                output.writeString("221 2.0.0 Bye\r\n")
                quit = true
            default: output.writeString("250 2.0.0 Ok\r\n")
            }
        }
        if input.readableBytes == 0 { input.clear() }
        flush(context)
        if quit { context.close(promise: nil) }
    }

    private func flush(_ context: ChannelHandlerContext) {
        guard output.readableBytes > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(output), promise: nil)
        output.clear()
    }

    private static func find(_ needle: [UInt8], in view: ByteBufferView) -> Int? {
        var start = view.startIndex
        while let cr = view[start...].firstIndex(of: needle[0]) {
            guard cr + needle.count <= view.endIndex else { return nil }
            if view[cr..<cr + needle.count].elementsEqual(needle) { return cr }
            start = cr + 1
        }
        return nil
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let port = Int(arguments[1]) else {
    print("usage: nio-sink-floor PORT [EVENT-LOOPS]")
    exit(2)
}
let loops = arguments.count > 2 ? Int(arguments[2]) ?? System.coreCount : System.coreCount
let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SinkHandler()) }
    }
    .bind(host: "127.0.0.1", port: port).get()
print("nio-sink-floor listening on 127.0.0.1:\(port) with \(loops) event loop(s)")
try await server.closeFuture.get()
