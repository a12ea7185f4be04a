import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request as the test server received it.
struct RecordedRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: [UInt8]

    var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
    var rawQuery: String {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1]) : ""
    }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What the test server answers; `nil` from the responder means "never answer" (for timeouts).
struct CannedResponse: Sendable {
    var status: HTTPResponseStatus
    var body: String
    /// Sends the head and the body's first byte, then nothing more (a gateway that stalls).
    var stallsBody = false

    static func json(_ body: String, status: HTTPResponseStatus = .ok) -> CannedResponse {
        CannedResponse(status: status, body: body)
    }

    static func stalled(_ body: String) -> CannedResponse {
        CannedResponse(status: .ok, body: body, stallsBody: true)
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 and an ephemeral port that records every request and
/// answers through a closure. Lets the sender tests go through AsyncHTTPClient and a socket.
final class RecordingHTTPServer: Sendable {
    typealias Responder = @Sendable (RecordedRequest) -> CannedResponse?

    let port: Int
    private let channel: any Channel
    private let recorded: Mutex<[RecordedRequest]>

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { recorded.withLock { $0 } }

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
        self.recorded = Mutex([])
    }

    static func start(respond: @escaping Responder) async throws -> RecordingHTTPServer {
        let box = RequestLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RecordingHandler(record: { request in box.append(request) }, respond: respond)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw ChannelError.unknownLocalAddress
        }
        let server = RecordingHTTPServer(channel: channel, port: port)
        box.attach(server)
        return server
    }

    fileprivate func append(_ request: RecordedRequest) {
        recorded.withLock { $0.append(request) }
    }

    func shutdown() async {
        try? await channel.close()
    }
}

/// Indirection so the child-channel initializer can record into a server made after binding.
private final class RequestLog: Sendable {
    private let server = Mutex<RecordingHTTPServer?>(nil)
    func attach(_ server: RecordingHTTPServer) { self.server.withLock { $0 = server } }
    func append(_ request: RecordedRequest) { server.withLock { $0 }?.append(request) }
}

private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let record: @Sendable (RecordedRequest) -> Void
    private let respond: RecordingHTTPServer.Responder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(record: @escaping @Sendable (RecordedRequest) -> Void, respond: @escaping RecordingHTTPServer.Responder) {
        self.record = record
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            let request = RecordedRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            record(request)
            guard let answer = respond(request) else { return }
            let bytes = Array(answer.body.utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(bytes.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers))), promise: nil)
            if answer.stallsBody {
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes.prefix(1))))), promise: nil)
                return
            }
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
