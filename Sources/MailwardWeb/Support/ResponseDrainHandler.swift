import NIOCore
import NIOHTTPTypes

/// Makes sure a response reaches a client that takes it, and only such a client. It sits between
/// the HTTP/1 codec and Hummingbird's connection-state handler, whose idle timer
/// (`http.request-timeout`) starts when a response has been *handed over*, not when it has been
/// sent, and whose close drops whatever NIO has not written yet:
/// - a download longer than that timeout (a 20 MB attachment to a phone), or one the client
///   paused for as long, was cut. A full close asked for while response bytes are still
///   unwritten now waits until they are written;
/// - a client that takes nothing for `limit` (`http.send-timeout`, as nginx's `send_timeout`)
///   is closed, whatever is unwritten. Big bodies go to NIO in parts of ``part`` bytes so that
///   progress can be seen part by part: a link that keeps taking data, even slowly, is not cut.
///   (Progress shows only as the kernel's send buffer frees up — up to a few MB on a fast
///   local link —, hence a limit of minutes rather than seconds.) The mail doors do the same
///   per write (`MailConnection`);
/// - on a graceful shutdown (NIO's quiesce event) a response still being written gets
///   ``shutdownGrace``, as a mail door's session does, then the connection is closed: a slow
///   download must not hold the server's stop (and the outbound worker's, which stops after the
///   doors) until the init system kills it.
final class ResponseDrainHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let part = 64 * 1024
    static let shutdownGrace = TimeAmount.seconds(10)

    private let limit: TimeAmount
    /// Writes handed to NIO and not yet taken by the socket.
    private var unwritten = 0
    private var lastProgress = NIODeadline.now()
    private var watch: Scheduled<Void>?
    private var shutdownDeadline: Scheduled<Void>?
    /// A full close is waiting for the unwritten writes (with the promise of the first closer
    /// that gave one; later ones are completed with it).
    private var closeRequested = false
    private var closePromise: EventLoopPromise<Void>?

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .body(var body) = unwrapOutboundIn(data), body.readableBytes > Self.part else {
            hand(data, to: context, promise: promise)
            return
        }
        while body.readableBytes > Self.part, let slice = body.readSlice(length: Self.part) {
            hand(wrapOutboundOut(.body(slice)), to: context, promise: nil)
        }
        hand(wrapOutboundOut(.body(body)), to: context, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, unwritten > 0 else {
            context.close(mode: mode, promise: promise)
            return
        }
        closeRequested = true
        if let promise {
            if let closePromise { closePromise.futureResult.cascade(to: promise) } else { closePromise = promise }
        }
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, shutdownDeadline == nil {
            shutdownDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: Self.shutdownGrace) {
                self.closeNow(context)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopTimers()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimers()
    }

    private func hand(_ data: NIOAny, to context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let written = promise ?? context.eventLoop.makePromise()
        if unwritten == 0 {
            lastProgress = .now()
            armWatch(context, at: lastProgress + limit)
        }
        unwritten += 1
        written.futureResult.assumeIsolated().whenComplete { _ in self.taken(context) }
        context.write(data, promise: written)
    }

    private func taken(_ context: ChannelHandlerContext) {
        unwritten -= 1
        lastProgress = .now()
        guard unwritten == 0 else { return }
        stopWatch()
        if closeRequested { closeNow(context) }
    }

    private func armWatch(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        guard watch == nil else { return }
        watch = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.watchFired(context) }
    }

    private func watchFired(_ context: ChannelHandlerContext) {
        watch = nil
        guard unwritten > 0 else { return }
        let due = lastProgress + limit
        guard NIODeadline.now() >= due else {
            armWatch(context, at: due)
            return
        }
        // The client took nothing for `limit`: close now, whatever is unwritten.
        closeNow(context)
    }

    private func closeNow(_ context: ChannelHandlerContext) {
        let promise = closePromise
        closeRequested = false
        closePromise = nil
        context.close(mode: .all, promise: promise)
    }

    private func stopWatch() {
        watch?.cancel()
        watch = nil
    }

    private func stopTimers() {
        stopWatch()
        shutdownDeadline?.cancel()
        shutdownDeadline = nil
    }
}
