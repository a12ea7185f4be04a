import NIOCore
import NIOHTTPTypes

/// Reads and drops what is left of a request body once its response is complete — a `413` for
/// a declared `Content-Length` over the limit, a `415`, a `401` — as nginx's lingering close
/// does, so that the client gets to read the answer.
///
/// Without it, a request with `Connection: close` (Python's `urllib` sends one with every
/// request) left Hummingbird waiting for the client to close, reading nothing more; a client
/// that writes its whole body before it reads (urllib, most scripts) then sat blocked on a full
/// socket until its own timeout, and never saw the `413`. On a kept-alive connection Hummingbird
/// skips the rest of the body itself; dropping it here first changes nothing there.
///
/// The drop lasts at most ``linger``; then the connection is closed, whatever is still coming
/// (a client cannot make the server read a refused body for longer than that).
final class RefusedBodyDrain: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let defaultLinger = TimeAmount.seconds(30)

    /// How long the rest of a refused body is read at most.
    let linger: TimeAmount

    init(linger: TimeAmount = RefusedBodyDrain.defaultLinger) {
        self.linger = linger
    }

    /// A request's head came and its end not yet.
    private var requestOpen = false
    /// Request heads read and responses complete: a response ends the request being read only
    /// when they are equal after it (a pipelined request's head may come before the answer to
    /// the one before it).
    private var requestsRead = 0
    private var responsesEnded = 0
    /// The response is complete and the request's body is still arriving: it is dropped.
    private var draining = false
    private var lingerEnd: Scheduled<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestOpen = true
            requestsRead += 1
        case .body:
            if draining { return }
        case .end:
            requestOpen = false
            if draining {
                draining = false
                stopLingering()
            }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Hummingbird asks for no more input once it has answered a `Connection: close` request.
        if draining { context.read() }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        responsesEnded += 1
        context.write(data, promise: promise)
        guard requestOpen, responsesEnded == requestsRead, !draining else { return }
        draining = true
        lingerEnd = context.eventLoop.assumeIsolated().scheduleTask(in: linger) {
            self.lingerEnd = nil
            context.close(promise: nil)
        }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopLingering()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopLingering()
    }

    private func stopLingering() {
        lingerEnd?.cancel()
        lingerEnd = nil
    }
}
