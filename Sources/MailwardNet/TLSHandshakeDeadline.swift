import NIOCore
import NIOSSL
import NIOTLS

/// Closes a connection whose TLS handshake has not completed within `limit`: a client that
/// opens an implicit-TLS port (or says STARTTLS) and then stalls would otherwise hold a
/// connection slot for the whole idle timeout (30 minutes in IMAP). Removes itself once the
/// handshake completed.
public final class TLSHandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    public static let defaultLimit = TimeAmount.seconds(30)

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount = TLSHandshakeDeadline.defaultLimit) {
        self.limit = limit
    }

    /// Adds an SSL server handler at `position` and this deadline right after it.
    public static func addTLS(_ context: NIOSSLContext, to pipeline: ChannelPipeline.SynchronousOperations,
                       first: Bool, limit: TimeAmount = defaultLimit) throws {
        let ssl = NIOSSLServerHandler(context: context)
        if first {
            try pipeline.addHandler(ssl, position: .first)
        } else {
            try pipeline.addHandler(ssl)
        }
        try pipeline.addHandler(TLSHandshakeDeadline(limit: limit), position: .after(ssl))
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
