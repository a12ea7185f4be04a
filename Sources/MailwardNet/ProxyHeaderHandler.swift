import Logging
import NIOCore

/// First in the pipeline of a connection from a trusted load balancer: reads its PROXY protocol
/// header (``ProxyHeader``), hands the client's address to `onHeader` — which adds the door's
/// own handlers after this one — then removes itself and passes on what followed the header. A
/// connection whose first bytes are not a valid header, or that sends none within `limit`, is
/// closed: nothing of the door runs for it.
final class ProxyHeaderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// Runs on the event loop with the client's address (nil: the header named none — the
    /// balancer's own health check); throws to close the connection.
    typealias OnHeader = (_ clientIP: String?) throws -> Void

    private let limit: TimeAmount
    private let onHeader: OnHeader
    private let logger: Logger
    private var received: ByteBuffer?
    private var deadline: Scheduled<Void>?
    private var done = false

    /// How long a balancer may take to send its header (it sends it at once).
    static let defaultLimit: TimeAmount = .seconds(10)

    init(limit: TimeAmount = ProxyHeaderHandler.defaultLimit, logger: Logger, onHeader: @escaping OnHeader) {
        self.limit = limit
        self.logger = logger
        self.onHeader = onHeader
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: limit) {
            let (handler, context) = bound.value
            guard !handler.done else { return }
            handler.done = true
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return }
        var bytes = unwrapInboundIn(data)
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        switch ProxyHeader.parse(received!) {
        case .needMore:
            return
        case .invalid(let reason):
            refuse(context, reason)
        case .header(let parsed, let length):
            done = true
            deadline?.cancel()
            received!.moveReaderIndex(forwardBy: length)
            let rest = received!
            received = nil
            let clientIP: String?
            switch parsed {
            case .client(let ip): clientIP = ip
            case .noClient: clientIP = nil
            }
            do {
                try onHeader(clientIP)
            } catch {
                context.close(promise: nil)
                return
            }
            if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    /// The balancer ended the connection before its header was complete: nothing to serve.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !done, case .inputClosed = event as? ChannelEvent {
            done = true
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func refuse(_ context: ChannelHandlerContext, _ reason: String) {
        done = true
        logger.notice("connection closed: bad PROXY protocol header",
                      metadata: ["peer": "\(context.remoteAddress?.ipAddress ?? "?")", "reason": "\(reason)"])
        context.close(promise: nil)
    }
}

extension ProxyHeaderHandler {
    typealias InboundOut = ByteBuffer
}
