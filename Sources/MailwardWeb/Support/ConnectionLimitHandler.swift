import HTTPTypes
import Logging
import MailwardCore
import MailwardNet
import NIOCore
import NIOHTTPTypes

/// Holds the web door's connections to `http.max-connections` in all and
/// `http.max-connections-per-ip` per client address, as the mail doors are held to
/// `connections.*`: one address opening connections without end (or keeping each alive with a
/// byte now and then) would otherwise use up the process's file descriptors — and with them the
/// mail doors' — and the memory behind them.
///
/// A trusted proxy (`http.trusted-proxies`) carries everybody's connections: it counts towards
/// the total only. A connection over a limit is answered `503` (with `Retry-After`) at its first
/// request — a JSON refusal under `/api/`, a short text elsewhere — and closed; nothing of it
/// reaches the application. One that sends no request is closed after ``refusedGrace``: refused
/// connections are not counted, so they must not live long either.
final class ConnectionLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What a refused client is told to wait before it tries again, in seconds.
    static let retryAfter = 10
    /// How long a refused connection may take to send the request its refusal answers.
    static let refusedGrace = TimeAmount.seconds(2)

    private let counter: ConnectionCounter
    private let trustedProxies: [IPNetwork]
    private let metrics: MailMetrics.Connections
    private let logger: Logger
    /// The peer the connection is counted for; nil until counted (or when refused).
    private var counted: String?
    private var refused = false
    /// The refusal was written: anything more the client sends is dropped.
    private var answered = false

    init(counter: ConnectionCounter, trustedProxies: [IPNetwork], metrics: MailMetrics.Connections, logger: Logger) {
        self.counter = counter
        self.trustedProxies = trustedProxies
        self.metrics = metrics
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseCount()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        releaseCount()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refused else {
            context.fireChannelRead(data)
            return
        }
        // Nothing of a refused connection reaches the application: its first request is answered here.
        guard !answered, case .head(let request) = unwrapInboundIn(data) else { return }
        answered = true
        let (contentType, body) = Self.refusal(forPath: request.path ?? "/")
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(body.readableBytes)
        headers[.retryAfter] = String(Self.retryAfter)
        headers[.cacheControl] = "no-store"
        headers[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard counted == nil, !refused else { return }
        let peer = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if counter.admit(peer, limitedPerAddress: !trustedProxies.contains(address: peer)) {
            counted = peer
            metrics.accepted.increment()
            metrics.open.increment()
        } else {
            refused = true
            metrics.refused.increment()
            logger.notice("connection refused: over the limit", metadata: ["door": "HTTP", "ip": "\(peer)"])
            let channel = context.channel
            context.eventLoop.scheduleTask(in: Self.refusedGrace) { channel.close(promise: nil) }
        }
    }

    private func releaseCount() {
        guard let peer = counted else { return }
        counted = nil
        counter.release(peer)
        metrics.open.decrement()
    }

    /// The answer to a refused request: the API's error (``APIFailure``) under `/api/`, in the
    /// default language as no preference of the client's has been read yet; both languages elsewhere.
    static func refusal(forPath path: String) -> (contentType: String, body: ByteBuffer) {
        if path == "/api" || path.hasPrefix("/api/") {
            let failure = APIFailure.tooManyConnections(Language(tag: nil), retryAfter: retryAfter)
            return ("application/json; charset=utf-8", ByteBuffer(data: failure.json.data()))
        }
        let text = Language.allCases.map { APIFailure.tooManyConnections($0, retryAfter: retryAfter).message }
        return ("text/plain; charset=utf-8", ByteBuffer(string: text.joined(separator: "\n") + "\n"))
    }
}
