import Logging
import MailwardNet
import NIOCore
import NIOSSL
import SMTPCodec

/// What an SMTP door needs to serve connections: Core behind the ``SMTPBackend``, the TLS
/// context for STARTTLS, and the logger. ``install(on:info:activity:settings:)`` puts an
/// ``SMTPChannelHandler`` — the session driven on the connection's event loop — into a new
/// connection's pipeline (a ``TCPListener`` in pipeline mode calls it).
///
/// Replies to pipelined commands are written together once the input buffer runs dry
/// (RFC 2920 §3.1). Nothing is ever stored before the end of the message arrived, so a dropped
/// connection or a timeout mid-DATA leaves nothing behind.
public struct SMTPConnectionHandler: Sendable {
    public let backend: any SMTPBackend
    /// For STARTTLS; nil when the door has no TLS (never in production).
    public let tlsContext: NIOSSLContext?
    /// Shared by every connection of the doors this handler serves.
    public let budget: MessageMemoryBudget
    let logger: Logger

    public init(backend: any SMTPBackend, tlsContext: NIOSSLContext?,
                budget: MessageMemoryBudget = MessageMemoryBudget(), logger: Logger) {
        self.backend = backend
        self.tlsContext = tlsContext
        self.budget = budget
        self.logger = logger
    }

    /// Adds the session's handler to a new connection (on its event loop).
    public func install(on channel: any Channel, info: ConnectionInfo, activity: DoorActivity,
                        settings: SMTPSessionSettings) throws {
        var settings = settings
        settings.isLoopback = info.isLoopback
        settings.implicitTLS = info.isTLS
        settings.startTLSAvailable = settings.startTLSAvailable && tlsContext != nil && !info.isTLS
        let state = ConnectionState(session: SMTPSession(settings: settings, remoteIP: info.remoteIP), budget: budget)
        try channel.pipeline.syncOperations.addHandler(SMTPChannelHandler(
            state: state, remoteIP: info.remoteIP, backend: backend, tlsContext: tlsContext, activity: activity, logger: logger))
    }

    /// Everything one connection holds besides the session, and how its input is decoded as the
    /// session asks. Public so that `smtp-fuzz` drives this very decoding rather than a copy.
    public struct ConnectionState {
        public var session: SMTPSession
        let budget: MessageMemoryBudget
        public var input = ByteBuffer()
        var output = ByteBuffer()
        var commands = SMTPCommandDecoder(configuration: .init(allowsUTF8Addresses: true))
        var dataDecoder: SMTPDataDecoder?
        var chunkReader: SMTPChunkReader?
        /// The message being received; bounded by the data decoder's / session's size limit, and
        /// all of them together by the ``MessageMemoryBudget``.
        public internal(set) var message: [UInt8] = []
        /// What ``message`` holds of the budget, counted from its first byte.
        let reservation: MemoryReservation
        /// The budget ran out during this message: the rest is read and discarded.
        var overBudget = false
        /// Events for the session, oldest first.
        public var events: [SMTPSessionEvent] = [.connected]
        /// When the message being received must be complete (started when DATA/BDAT input starts).
        var messageDeadline = InputDeadline()
        /// When the command line being awaited must be complete: the command timeout is per
        /// command (RFC 5321 §4.5.3.2.7), not per read.
        var commandDeadline = InputDeadline()

        /// Room made for message text when DATA starts: most mail fits, so the text is not copied
        /// again and again as the array doubles from nothing (a few KiB held per session receiving).
        static let initialMessageCapacity = 16 << 10

        public init(session: SMTPSession, budget: MessageMemoryBudget) {
            self.session = session
            self.budget = budget
            reservation = MemoryReservation(budget: budget, free: 0)
        }

        /// Decodes one unit of input into an event; false when more bytes are needed.
        public mutating func decodeNext() -> Bool {
            switch session.inputMode {
            case .none:
                return false
            case .command:
                switch commands.next(&input) {
                case .needMoreData: return false
                case .value(let command):
                    if case .mail = command { session.messageMemoryAvailable = budget.available }
                    events.append(.command(command))
                case .error(let error): events.append(.malformedCommand(error))
                }
                return true
            case .authenticationLine:
                switch commands.nextAuthenticationLine(&input) {
                case .needMoreData: return false
                case .value(let line): events.append(.authenticationLine(line))
                case .error(let error): events.append(.malformedAuthenticationLine(error))
                }
                return true
            case .data:
                if dataDecoder == nil {
                    dataDecoder = SMTPDataDecoder(maximumMessageSize: session.settings.maximumMessageSize)
                    releaseMessage()
                    message.reserveCapacity(Self.initialMessageCapacity)
                    messageDeadline.end()
                }
                while true {
                    switch dataDecoder!.next(&input) {
                    case .needMoreData:
                        return false
                    case .content(let piece):
                        keep(piece)
                    case .end(let summary):
                        dataDecoder = nil
                        events.append(overBudget ? .messageOverMemoryBudget : .messageComplete(summary))
                        if overBudget { releaseMessage() }
                        return true
                    case .tooLarge:
                        dataDecoder = nil
                        releaseMessage()
                        events.append(.messageTooLarge)
                        return true
                    }
                }
            case .chunk(let size, let last, let discard, let first):
                if chunkReader == nil {
                    chunkReader = SMTPChunkReader(size: size)
                    if first || discard { releaseMessage() }
                    if first { messageDeadline.end() }
                }
                while true {
                    switch chunkReader!.next(&input) {
                    case .needMoreData:
                        return false
                    case .content(let piece):
                        if !discard { keep(piece) }
                    case .end(let summary), .tooLarge(let summary):
                        chunkReader = nil
                        events.append(last && overBudget ? .messageOverMemoryBudget : .messageComplete(summary))
                        if last && overBudget { releaseMessage() }
                        return true
                    }
                }
            }
        }

        /// Adds message text, reserving budget a step at a time; past the budget the message is
        /// dropped and the rest of it discarded.
        mutating func keep(_ piece: ByteBuffer) {
            guard !overBudget else { return }
            guard reservation.cover(message.count + piece.readableBytes) else {
                releaseMessage()
                overBudget = true
                return
            }
            message.append(contentsOf: piece.readableBytesView)
        }

        /// Forgets the message being received and gives its budget back.
        public mutating func releaseMessage() {
            message = []
            reservation.release()
            overBudget = false
        }
    }
}
