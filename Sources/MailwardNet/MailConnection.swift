import NIOCore
import NIOSSL
import Synchronization

/// One client connection as a protocol session sees it: read events, write bytes, upgrade to
/// TLS, close. Sessions never touch NIO channels directly.
public final class MailConnection: Sendable {
    let channel: any Channel
    let inbox: ConnectionInbox
    private let tls: Mutex<Bool>
    /// Set once the session turned on COMPRESS=DEFLATE (``startCompression(response:)``).
    private let deflate = Mutex<DeflateStreams?>(nil)
    /// How long a write may wait for the client to take it: the session's last read timeout
    /// (``read(timeout:)``), so a client that stops reading is let go as one that stops sending
    /// is — its connection slot, its buffered output and (POP3) its maildrop with it.
    private let writeDeadline = Mutex<TimeAmount>(MailConnection.defaultWriteDeadline)

    /// The write deadline before the session first reads with a timeout.
    public static let defaultWriteDeadline: TimeAmount = .minutes(5)

    /// The client's IP address as text (`127.0.0.1`, `::1`).
    public let remoteIP: String
    /// Connections from the machine itself may authenticate without TLS (SPEC M2, M5).
    public let isLoopback: Bool
    public let localPort: Int

    init(channel: any Channel, inbox: ConnectionInbox, isTLS: Bool, clientIP: String? = nil) {
        self.channel = channel
        self.inbox = inbox
        self.tls = Mutex(isTLS)
        let info = ConnectionInfo(channel: channel, isTLS: isTLS, clientIP: clientIP)
        self.remoteIP = info.remoteIP
        self.localPort = info.localPort
        self.isLoopback = info.isLoopback
    }

    public var isTLS: Bool { tls.withLock { $0 } }

    /// The next event; `.timeout` when nothing arrives within `timeout`. The timer is cancelled
    /// as soon as the event arrives: a session reading thousands of commands within one idle
    /// timeout (30 minutes in IMAP) must not leave thousands of armed timers behind.
    public func read(timeout: TimeAmount? = nil) async -> InboundEvent {
        guard isCompressed else { return await readFromSocket(timeout: timeout) }
        while true {
            do {
                if let inflated = try deflate.withLock({ try $0?.inflated() }) {
                    // Served from what is already here, without waiting on the socket: let other
                    // sessions run between parts of a large (or hostile) inflation.
                    await Task.yield()
                    return .data(inflated)
                }
            } catch {
                // Not DEFLATE: nothing more from this client can be understood.
                channel.close(promise: nil)
                return .closed
            }
            let event = await readFromSocket(timeout: timeout)
            guard case .data(let compressed) = event else { return event }
            deflate.withLock { $0?.feed(compressed) }
        }
    }

    /// Whether COMPRESS=DEFLATE is on.
    public var isCompressed: Bool { deflate.withLock { $0 != nil } }

    private func readFromSocket(timeout: TimeAmount?) async -> InboundEvent {
        if let timeout { writeDeadline.withLock { $0 = timeout } }
        let channel = self.channel
        let inbox = self.inbox
        let timer = Mutex<Scheduled<Void>?>(nil)
        let event = await inbox.next(
            resumeReading: { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } },
            scheduleTimeout: timeout.map { amount in
                { token in
                    let scheduled = channel.eventLoop.scheduleTask(in: amount) { inbox.expire(token: token) }
                    timer.withLock { $0 = scheduled }
                }
            })
        timer.withLock { $0?.cancel() }
        return event
    }

    /// Makes the session's current or next ``read(timeout:)`` return `.wake` (callable from any
    /// thread): how a session waiting for its client also hears about its own events without
    /// a second task.
    public func wake() {
        inbox.wake()
    }

    /// Writes and flushes; returns once handed to the socket (or throws when it is gone). A
    /// part the client has not taken within the write deadline closes the connection (the soak
    /// audit's client that stopped reading mid-FETCH held 58 MB and its slot until it reset; a
    /// POP3 one mid-RETR locked its owner's maildrop for good). Big writes go in parts of
    /// ``writePart`` bytes, each with its own deadline: a slow link that keeps taking data (a
    /// 20 MB message to a phone) is not cut, only one that stops.
    public func write(_ buffer: ByteBuffer) async throws {
        var rest = try deflate.withLock { try $0?.deflated(buffer) } ?? buffer
        while rest.readableBytes > Self.writePart, let part = rest.readSlice(length: Self.writePart) {
            try await writeWithDeadline(part)
        }
        try await writeWithDeadline(rest)
    }

    static let writePart = 256 * 1024

    private func writeWithDeadline(_ buffer: ByteBuffer) async throws {
        let channel = self.channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        let deadline = channel.eventLoop.scheduleTask(in: writeDeadline.withLock { $0 }) { channel.close(promise: nil) }
        written.futureResult.whenComplete { _ in deadline.cancel() }
        channel.writeAndFlush(buffer, promise: written)
        try await written.futureResult.get()
    }

    public func write(_ text: String) async throws {
        try await write(ByteBuffer(string: text))
    }

    /// STARTTLS/STLS: sends `response` in clear, then — in the same event-loop turn, before the
    /// client can answer — puts TLS in front of the connection and drops any bytes the client
    /// sent after the command (RFC 3207 §4.2).
    public func startTLS(context: NIOSSLContext, response: ByteBuffer) async throws {
        let inbox = self.inbox
        try await channel.eventLoop.flatSubmit { [channel] () -> EventLoopFuture<Void> in
            let written = channel.writeAndFlush(response)
            do {
                try TLSHandshakeDeadline.addTLS(context, to: channel.pipeline.syncOperations, first: true)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
            inbox.discardQueued()
            return written
        }.get()
        tls.withLock { $0 = true }
    }

    /// COMPRESS=DEFLATE (RFC 4978): sends `response` as it is, then compresses everything
    /// after it both ways. The session sends nothing else meanwhile, and a client starts
    /// compressing only once it has the response.
    public func startCompression(response: ByteBuffer) async throws {
        // The streams first: a client that has the OK compresses, whatever happens after.
        try deflate.withLock { streams in
            if streams == nil { streams = try DeflateStreams() }
        }
        try await writeWithDeadline(response)  // plain, bypassing the deflater just set
    }

    public func close() async {
        try? await channel.close()
    }
}
