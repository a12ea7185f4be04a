import NIOCore
import NIOHTTPTypes

/// Ends a request whose body trickles in, as Apache's `mod_reqtimeout` does (`body=20,MinRate=500`):
/// from the request's head the body has `limit` (`http.request-timeout`) to arrive, and every
/// ``bytesPerSecond`` bytes that do arrive add a second. A client sending a byte now and then
/// thus cannot hold a connection — Hummingbird's idle timer stops counting once a request's head
/// is read, so a `Content-Length: 4000` body sent a byte every five seconds held a connection for
/// hours, and a hundred of them shut the client's address out. An upload over a slow link still
/// goes through: 500 bytes a second is a modem's speed.
final class RequestBodyDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    static let bytesPerSecond = 500

    private let limit: TimeAmount
    private var deadline: NIODeadline?
    private var timer: Scheduled<Void>?
    /// Body bytes not yet turned into whole seconds of extra time.
    private var credit = 0

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            credit = 0
            deadline = .now() + limit
            arm(context)
        case .body(let bytes):
            if let current = deadline {
                credit += bytes.readableBytes
                deadline = current + .seconds(Int64(credit / Self.bytesPerSecond))
                credit %= Self.bytesPerSecond
            }
        case .end:
            stop()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil, let deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.fired(context) }
    }

    private func fired(_ context: ChannelHandlerContext) {
        timer = nil
        guard let deadline else { return }
        if NIODeadline.now() < deadline {
            arm(context)
            return
        }
        self.deadline = nil
        context.close(promise: nil)
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
