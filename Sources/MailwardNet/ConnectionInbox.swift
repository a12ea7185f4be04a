import NIOCore
import Synchronization

/// What a protocol session reads next from its connection.
public enum InboundEvent: Sendable {
    case data(ByteBuffer)
    /// The peer closed the connection (or it failed).
    case closed
    /// No data within the timeout the session asked for.
    case timeout
    /// The server is shutting down: finish what is in flight and say goodbye.
    case shutdown
    /// Something the session is watching changed (``MailConnection/wake()``; IMAP IDLE uses it
    /// for the selected mailbox). Sessions that never ask for it never see it.
    case wake
}

/// The queue between the event loop (producer) and a session task (consumer), with
/// backpressure: above `highWater` queued bytes the channel stops reading from the socket
/// until the session has drained below `lowWater`, so a fast client cannot make us buffer
/// without bound.
final class ConnectionInbox: Sendable {
    static let highWater = 256 * 1024
    static let lowWater = 64 * 1024

    private struct State {
        var queue: [ByteBuffer] = []
        var queuedBytes = 0
        var closed = false
        var shutdownPending = false
        var wakePending = false
        var readingPaused = false
        var waiter: (token: UInt64, continuation: CheckedContinuation<InboundEvent, Never>)?
        var nextToken: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Event loop side: bytes arrived. Returns true when reading should pause.
    func push(_ buffer: ByteBuffer) -> Bool {
        let (waiter, pause): (CheckedContinuation<InboundEvent, Never>?, Bool) = state.withLock { s in
            if let waiter = s.waiter, s.queue.isEmpty {
                s.waiter = nil
                return (waiter.continuation, false)
            }
            s.queue.append(buffer)
            s.queuedBytes += buffer.readableBytes
            let pause = !s.readingPaused && s.queuedBytes > Self.highWater
            if pause { s.readingPaused = true }
            return (nil, pause)
        }
        waiter?.resume(returning: .data(buffer))
        return pause
    }

    /// Event loop side: the connection is gone.
    func close() {
        let waiter = state.withLock { s -> CheckedContinuation<InboundEvent, Never>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume(returning: .closed)
    }

    /// The server is shutting down; the session sees `.shutdown` once, at its next read.
    func shutdown() {
        signal(.shutdown, pending: \.shutdownPending)
    }

    /// Any thread: wakes the session's current or next read with `.wake` (several wakes before
    /// the session reads collapse into one).
    func wake() {
        signal(.wake, pending: \.wakePending)
    }

    /// Hands `event` to the waiting read, or — nobody waiting — sets its `pending` flag for the
    /// next one (`takeImmediate` turns the flag back into the event).
    private func signal(_ event: InboundEvent, pending: WritableKeyPath<State, Bool>) {
        let waiter = state.withLock { s -> CheckedContinuation<InboundEvent, Never>? in
            guard let waiter = s.waiter else {
                s[keyPath: pending] = true
                return nil
            }
            s.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: event)
    }

    /// Drops everything read so far (STARTTLS: bytes that arrived before the TLS handshake
    /// are a plaintext injection attempt and must never be treated as protected).
    func discardQueued() {
        state.withLock { s in
            s.queue.removeAll()
            s.queuedBytes = 0
        }
    }

    /// Session side: the next event. `resumeReading` is called when the queue drained enough
    /// for a paused channel to read again. `scheduleTimeout` arms a timer that calls
    /// `expire(token:)`.
    func next(resumeReading: () -> Void, scheduleTimeout: ((UInt64) -> Void)?) async -> InboundEvent {
        switch state.withLock({ Self.takeImmediate(&$0) }) {
        case .event(let event):
            return event
        case .resume(let event):
            resumeReading()
            return event
        case .wait:
            return await withCheckedContinuation { continuation in
                // Check again under the same lock that arms the waiter: bytes pushed since the
                // check above would otherwise sit in the queue until the timeout (lost wake-up).
                let armed = state.withLock { s -> (token: UInt64?, immediate: Immediate) in
                    let immediate = Self.takeImmediate(&s)
                    guard case .wait = immediate else { return (nil, immediate) }
                    s.nextToken += 1
                    s.waiter = (s.nextToken, continuation)
                    return (s.nextToken, immediate)
                }
                switch armed.immediate {
                case .event(let event):
                    continuation.resume(returning: event)
                case .resume(let event):
                    resumeReading()
                    continuation.resume(returning: event)
                case .wait:
                    if let token = armed.token { scheduleTimeout?(token) }
                }
            }
        }
    }

    private enum Immediate { case event(InboundEvent), resume(InboundEvent), wait }

    /// What is ready without waiting (called with the lock held).
    private static func takeImmediate(_ s: inout State) -> Immediate {
        if !s.queue.isEmpty {
            let buffer = s.queue.removeFirst()
            s.queuedBytes -= buffer.readableBytes
            if s.readingPaused && s.queuedBytes < Self.lowWater {
                s.readingPaused = false
                return .resume(.data(buffer))
            }
            return .event(.data(buffer))
        }
        if s.closed { return .event(.closed) }
        if s.shutdownPending {
            s.shutdownPending = false
            return .event(.shutdown)
        }
        if s.wakePending {
            s.wakePending = false
            return .event(.wake)
        }
        return .wait
    }

    /// Timer side: resumes the waiting read with `.timeout` if it is still the one armed.
    func expire(token: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<InboundEvent, Never>? in
            guard let waiter = s.waiter, waiter.token == token else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: .timeout)
    }
}

/// The channel handler feeding a `ConnectionInbox`.
final class InboundBridgeHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let inbox: ConnectionInbox

    init(inbox: ConnectionInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if inbox.push(unwrapInboundIn(data)) {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.close()
        context.fireChannelInactive()
    }

    /// The client ended its side: the session reads what came before (`.closed` comes after
    /// the queued data) and may still answer it; the connection closes when the session ends.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            inbox.close()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS failures, resets: the session sees `.closed`; nothing to tell a broken peer.
        inbox.close()
        context.close(promise: nil)
    }
}
