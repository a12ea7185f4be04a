import Logging
import MailwardNet
import NIOCore
import NIOSSL
import SMTPCodec

/// One SMTP connection, driven on its event loop: decodes input the way the session asks
/// (commands, SASL lines, DATA, BDAT chunks), performs the session's actions — replies,
/// STARTTLS — in place, and starts a task only to ask the ``SMTPBackend`` (a recipient it cannot
/// answer at once, a sender, credentials, the delivery), feeding the answer back on the loop
/// when it comes.
///
/// While such a question is outstanding nothing more is decoded; what the client pipelines
/// meanwhile waits in the input buffer, and above ``inputHighWater`` bytes the socket is not read
/// until the answer came. The same holds while the client does not read its replies (the
/// channel is not writable): replies never pile up in memory faster than the client takes them.
/// One timer per connection watches the session's read timeout and the whole-message deadline:
/// it is re-armed only when it fires or an earlier deadline appears, not for every read.
final class SMTPChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let inputHighWater = 256 * 1024
    /// How long a closing connection's further input is read and discarded (see ``close(_:)``).
    static let lingerLimit = TimeAmount.seconds(2)
    /// Replies are flushed at the latest at this size, so the channel's writability reflects them.
    static let outputFlushThreshold = 16 * 1024

    private var state: SMTPConnectionHandler.ConnectionState
    private let remoteIP: String
    private let backend: any SMTPBackend
    private let tlsContext: NIOSSLContext?
    private let activity: DoorActivity
    private let logger: Logger

    private var context: ChannelHandlerContext?
    /// The actions of the last event not performed yet (they wait for an outstanding answer).
    private var actions: [SMTPSessionAction] = []
    private var nextAction = 0
    /// A question to the backend is outstanding.
    private var waiting = false
    /// The client does not take its replies: nothing more is decoded until the channel is
    /// writable again (or the read timeout ends the session).
    private var outputBlocked = false
    private var closing = false
    /// The server is shutting down: the session hears it when it next waits for a command
    /// outside a transaction — a message being sent is received and delivered first.
    private var shutdownPending = false
    /// When the input the session waits for must have arrived; nil while it waits for nothing.
    private var readDeadline: NIODeadline?
    private var timer: (task: Scheduled<Void>, deadline: NIODeadline)?
    /// Reading paused (too much input buffered while the backend answers); a read was asked for.
    private var readingPaused = false
    private var readRequested = false
    /// The client closed its side (half-close): no more input will come.
    private var inputEnded = false
    /// Closes a half-closed connection whose client does not close its side.
    private var linger: Scheduled<Void>?

    init(state: SMTPConnectionHandler.ConnectionState, remoteIP: String, backend: any SMTPBackend,
         tlsContext: NIOSSLContext?, activity: DoorActivity, logger: Logger) {
        self.state = state
        self.remoteIP = remoteIP
        self.backend = backend
        self.tlsContext = tlsContext
        self.activity = activity
        self.logger = logger
    }

    // MARK: Pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { drive() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopTimer()
        state.releaseMessage()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        drive()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        stopTimer()
        linger?.cancel()
        linger = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Input after the session ended is discarded (a lingering close, see `close(_:)`).
        guard !closing else { return }
        var bytes = unwrapInboundIn(data)
        state.input.writeBuffer(&bytes)
        if waiting || outputBlocked {
            if state.input.readableBytes > Self.inputHighWater { readingPaused = true }
        } else {
            drive()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && outputBlocked {
            outputBlocked = false
            drive()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            // The client ended its side: what it sent before is still read and answered (a
            // message and its QUIT, pipelined), then the connection closes.
            inputEnded = true
            if closing {
                // A lingering close (see `close(_:)`) has what it waited for.
                context.close(promise: nil)
            } else if !waiting {
                drive()
            }
            return
        }
        guard event is DoorShutdownEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        shutdownPending = true
        if !waiting { drive() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures, resets: nothing to tell a broken peer.
        logger.debug("SMTP connection ended", metadata: ["ip": "\(remoteIP)", "error": "\(error)"])
        closing = true
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if readingPaused {
            readRequested = true
        } else {
            context.read()
        }
    }

    // MARK: Driving the session

    /// Performs pending actions and events and decodes input until the session waits for more
    /// input (then flushes the replies and arms the read timeout), for the backend, or closed.
    private func drive() {
        guard let context, !waiting, !closing else { return }
        while true {
            while nextAction < actions.count {
                let action = actions[nextAction]
                nextAction += 1
                guard perform(action, context) else { return }
            }
            if !state.events.isEmpty {
                actions = state.session.handle(state.events.removeFirst())
                nextAction = 0
                continue
            }
            if state.session.isClosed {
                close(context)
                return
            }
            if state.output.readableBytes >= Self.outputFlushThreshold { flush(context) }
            if !context.channel.isWritable {
                // Decode no more until the client reads; its silence still times out.
                outputBlocked = true
                readingPaused = true
                flush(context)
                if !awaitInput() { state.events.append(.timeout); continue }
                return
            }
            if state.decodeNext() {
                state.commandDeadline.end()
                continue
            }
            if shutdownPending && state.session.inputMode == .command && state.session.transaction == nil {
                shutdownPending = false
                state.events.append(.shutdown)
                continue
            }
            if inputEnded {
                // Everything the client sent is answered; nothing more can come.
                flush(context)
                closing = true
                stopTimer()
                context.close(promise: nil)
                return
            }
            guard awaitInput() else {
                state.events.append(.timeout)
                continue
            }
            break
        }
        flush(context)
        // Consumed input makes room at the front of the buffer, so it stops growing: cleared (no
        // copy) when all of it was read, compacted past 64 KiB otherwise.
        if state.input.readableBytes == 0 {
            state.input.clear()
        } else if state.input.readerIndex > 65_536 {
            state.input.discardReadBytes()
        }
        resumeReading(context)
    }

    /// Performs one action; false when driving must stop (a backend question is outstanding,
    /// or the connection closes).
    private func perform(_ action: SMTPSessionAction, _ context: ChannelHandlerContext) -> Bool {
        switch action {
        case .reply(let reply):
            reply.write(into: &state.output)
        case .startTLS(let reply):
            guard let tlsContext else {
                SMTPReply.tlsNotAvailable.write(into: &state.output)
                return true
            }
            // The reply goes out in clear; TLS is in front of the next byte either way, and
            // anything the client pipelined after STARTTLS was sent in clear: dropped (RFC 3207 §4.2).
            reply.write(into: &state.output)
            flush(context)
            do {
                try TLSHandshakeDeadline.addTLS(tlsContext, to: context.pipeline.syncOperations, first: true)
            } catch {
                close(context)
                return false
            }
            state.input.clear()
            state.events.append(.tlsStarted)
        case .resolveRecipient(let path, let declaredSize, let delay):
            let refusal = RecipientRefusalLog(logger: logger, ip: remoteIP, sender: state.session.transaction?.reversePath.address ?? "",
                                              recipient: path.address, relaying: state.session.settings.mode != .submission)
            if delay == .zero, let verdict = backend.resolveRecipientImmediately(path, declaredSize: declaredSize) {
                refusal.record(verdict)
                state.events.append(.recipientResolved(verdict))
                return true
            }
            ask { backend in
                if delay > .zero { try? await Task.sleep(for: delay) }
                let verdict = await backend.resolveRecipient(path, declaredSize: declaredSize)
                refusal.record(verdict)
                return .recipientResolved(verdict)
            }
            return false
        case .checkSender(let path):
            guard let account = state.session.account, let credential = state.session.credential else {
                state.events.append(.senderChecked(.notAllowed))
                return true
            }
            ask { backend in .senderChecked(await backend.checkSender(path, account: account, credential: credential)) }
            return false
        case .authenticate(let username, let password):
            // Replies so far go out first: the check may be slowed down on purpose.
            flush(context)
            let remoteIP = remoteIP
            ask { backend in .authenticated(await backend.authenticate(username: username, password: password, remoteIP: remoteIP)) }
            return false
        case .deliver(let transaction):
            let client = SMTPClientInfo(
                helo: state.session.helo?.description ?? "unknown", remoteIP: remoteIP,
                esmtp: state.session.esmtp, tls: state.session.isTLS, account: state.session.account)
            let submission = SMTPMessageSubmission(transaction: transaction, client: client, content: state.message)
            state.message = []
            ask { backend in .delivered(await backend.deliver(submission)) }
            return false
        case .close(let reason):
            close(context, orderly: reason == .serverEnded)
            return false
        }
        return true
    }

    /// Asks the backend in a task; its answer becomes the session's next event, on this loop.
    /// The door's activity counts the question, so a graceful shutdown waits for a delivery.
    private func ask(_ question: @escaping @Sendable (any SMTPBackend) async -> SMTPSessionEvent) {
        guard let context else { return }
        waiting = true
        readDeadline = nil
        activity.begin()
        let backend = self.backend
        context.eventLoop.makeFutureWithTask { await question(backend) }.assumeIsolated().whenSuccess { event in
            self.activity.end()
            self.waiting = false
            // A delivered message no longer needs its share of the memory budget.
            if case .delivered = event { self.state.releaseMessage() }
            self.state.events.append(event)
            self.drive()
        }
    }

    // MARK: Input timing and backpressure

    /// Sets when the awaited input must arrive (the session's read timeout, and for message
    /// text the whole-message deadline too) and makes sure the timer fires by then; false when
    /// that moment has already passed.
    private func awaitInput() -> Bool {
        let now = NIODeadline.now()
        var deadline = now + TimeAmount(state.session.readTimeout)
        switch state.session.inputMode {
        case .data, .chunk:
            let whole = state.messageDeadline.start(within: TimeAmount(state.session.settings.maximumMessageTransferTime), now: now)
            guard whole > now else { return false }
            deadline = min(deadline, whole)
        case .command, .authenticationLine:
            state.messageDeadline.end()
            let whole = state.commandDeadline.start(within: TimeAmount(state.session.readTimeout), now: now)
            guard whole > now else { return false }
            deadline = whole
        default:
            state.messageDeadline.end()
        }
        readDeadline = deadline
        if let timer, timer.deadline <= deadline { return true }
        armTimer(at: deadline)
        return true
    }

    private func armTimer(at deadline: NIODeadline) {
        guard let context else { return }
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.timerFired() }
        timer = (task, deadline)
    }

    private func timerFired() {
        timer = nil
        guard !waiting, !closing, let deadline = readDeadline else { return }
        if deadline > .now() {
            armTimer(at: deadline)
            return
        }
        readDeadline = nil
        state.events.append(.timeout)
        drive()
    }

    private func stopTimer() {
        timer?.task.cancel()
        timer = nil
    }

    private func resumeReading(_ context: ChannelHandlerContext) {
        guard readingPaused else { return }
        readingPaused = false
        if readRequested {
            readRequested = false
            context.read()
        }
    }

    // MARK: Output

    private func flush(_ context: ChannelHandlerContext) {
        guard state.output.readableBytes > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(state.output), promise: nil)
        // Reused: once the socket took the bytes (as it does at once unless the client stopped
        // reading) the storage is ours alone again, and the next reply is written into it without
        // an allocation; otherwise `clear()` gives this buffer fresh storage of the same size.
        state.output.clear()
    }

    /// Closes the connection after the last reply. After QUIT's 221 at once; when the server
    /// ends the session itself (421, a chunk it cannot skip, a timeout) the client may still be
    /// sending, and a socket closed with unread input answers with a reset that can make the
    /// client lose the reply saying why. So then (`orderly`) only the server's side is closed
    /// (the client reads the reply, then the end of the stream), and what the client still
    /// sends is read and thrown away until it closes too, for at most ``lingerLimit``.
    private func close(_ context: ChannelHandlerContext, orderly: Bool = true) {
        flush(context)
        closing = true
        stopTimer()
        guard orderly else {
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        let halfClosed = context.eventLoop.makePromise(of: Void.self)
        halfClosed.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.close(mode: .output, promise: halfClosed)
        linger = context.eventLoop.scheduleTask(in: Self.lingerLimit) { channel.close(promise: nil) }
        // Reading was maybe paused while the backend answered: drain instead.
        if readingPaused {
            readingPaused = false
            if readRequested {
                readRequested = false
                context.read()
            }
        }
    }
}
