import Logging
import MailwardNet
import NIOCore
import NIOSSL
import SMTPCodec

/// The glue between a ``MailConnection`` and an ``SMTPSession``: reads input the way the
/// session asks (commands, SASL lines, DATA, BDAT chunks) with the session's timeouts, performs
/// its actions (write replies, STARTTLS, ask the ``SMTPBackend``) and feeds answers back.
///
/// Replies to pipelined commands are written together once the input buffer runs dry
/// (RFC 2920 §3.1). Nothing is ever stored before the end of the message arrived, so a dropped
/// connection or a timeout mid-DATA leaves nothing behind.
public struct SMTPConnectionHandler: Sendable {
    public let backend: any SMTPBackend
    /// For STARTTLS; nil when the door has no TLS (never in production).
    public let tlsContext: NIOSSLContext?
    let logger: Logger

    public init(backend: any SMTPBackend, tlsContext: NIOSSLContext?, logger: Logger) {
        self.backend = backend
        self.tlsContext = tlsContext
        self.logger = logger
    }

    public func run(_ connection: MailConnection, settings: SMTPSessionSettings) async {
        var settings = settings
        settings.isLoopback = connection.isLoopback
        settings.implicitTLS = connection.isTLS
        settings.startTLSAvailable = settings.startTLSAvailable && tlsContext != nil && !connection.isTLS
        var state = ConnectionState(session: SMTPSession(settings: settings, remoteIP: connection.remoteIP))
        do {
            try await serve(connection, &state)
        } catch {
            logger.debug("SMTP connection ended", metadata: ["ip": "\(connection.remoteIP)", "error": "\(error)"])
        }
    }

    /// Everything one connection holds besides the session.
    struct ConnectionState {
        var session: SMTPSession
        var input = ByteBuffer()
        var output = ByteBuffer()
        var commands = SMTPCommandDecoder(configuration: .init(allowsUTF8Addresses: true))
        var dataDecoder: SMTPDataDecoder?
        var chunkReader: SMTPChunkReader?
        /// The message being received; bounded by the data decoder's / session's size limit.
        var message: [UInt8] = []
        var events: [SMTPSessionEvent] = [.connected]
        /// When the message being received must be complete (set when DATA/BDAT input starts).
        var messageDeadline: ContinuousClock.Instant?
    }

    private func serve(_ connection: MailConnection, _ state: inout ConnectionState) async throws {
        while true {
            // Let the session handle every pending event, performing its actions.
            while !state.events.isEmpty {
                let event = state.events.removeFirst()
                for action in state.session.handle(event) {
                    guard try await perform(action, connection, &state) else {
                        try? await flush(connection, &state)
                        return
                    }
                }
            }
            if state.session.isClosed {
                try await flush(connection, &state)
                return
            }
            // Decode the next input from what is buffered; read more only when needed.
            if decodeNext(&state) { continue }
            try await flush(connection, &state)
            if state.input.readerIndex > 65_536 { state.input.discardReadBytes() }
            var timeout = state.session.readTimeout
            switch state.session.inputMode {
            case .data, .chunk:
                let deadline = state.messageDeadline ?? ContinuousClock.now + state.session.settings.maximumMessageTransferTime
                state.messageDeadline = deadline
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else {
                    state.events.append(.timeout)
                    continue
                }
                timeout = min(timeout, remaining)
            default:
                state.messageDeadline = nil
            }
            switch await connection.read(timeout: Self.timeAmount(timeout)) {
            case .data(var bytes):
                state.input.writeBuffer(&bytes)
            case .closed:
                return
            case .timeout:
                state.events.append(.timeout)
            case .shutdown:
                state.events.append(.shutdown)
            case .wake:
                break  // SMTP watches nothing
            }
        }
    }

    /// Decodes one unit of input into an event; false when more bytes are needed.
    private func decodeNext(_ state: inout ConnectionState) -> Bool {
        switch state.session.inputMode {
        case .none:
            return false
        case .command:
            switch state.commands.next(&state.input) {
            case .needMoreData: return false
            case .value(let command): state.events.append(.command(command))
            case .error(let error): state.events.append(.malformedCommand(error))
            }
            return true
        case .authenticationLine:
            switch state.commands.nextAuthenticationLine(&state.input) {
            case .needMoreData: return false
            case .value(let line): state.events.append(.authenticationLine(line))
            case .error(let error): state.events.append(.malformedAuthenticationLine(error))
            }
            return true
        case .data:
            if state.dataDecoder == nil {
                state.dataDecoder = SMTPDataDecoder(maximumMessageSize: state.session.settings.maximumMessageSize)
                state.message = []
                state.messageDeadline = nil
            }
            while true {
                switch state.dataDecoder!.next(&state.input) {
                case .needMoreData:
                    return false
                case .content(let piece):
                    state.message.append(contentsOf: piece.readableBytesView)
                case .end(let summary):
                    state.dataDecoder = nil
                    state.events.append(.messageComplete(summary))
                    return true
                case .tooLarge:
                    state.dataDecoder = nil
                    state.message = []
                    state.events.append(.messageTooLarge)
                    return true
                }
            }
        case .chunk(let size, _, let discard, let first):
            if state.chunkReader == nil {
                state.chunkReader = SMTPChunkReader(size: size)
                if first || discard { state.message = [] }
                if first { state.messageDeadline = nil }
            }
            while true {
                switch state.chunkReader!.next(&state.input) {
                case .needMoreData:
                    return false
                case .content(let piece):
                    if !discard { state.message.append(contentsOf: piece.readableBytesView) }
                case .end(let summary), .tooLarge(let summary):
                    state.chunkReader = nil
                    state.events.append(.messageComplete(summary))
                    return true
                }
            }
        }
    }

    /// Performs one action; false when the connection must close.
    private func perform(_ action: SMTPSessionAction, _ connection: MailConnection,
                         _ state: inout ConnectionState) async throws -> Bool {
        switch action {
        case .reply(let reply):
            reply.write(into: &state.output)
        case .startTLS(let reply):
            guard let tlsContext else {
                SMTPReply.tlsNotAvailable.write(into: &state.output)
                return true
            }
            try await flush(connection, &state)
            try await connection.startTLS(context: tlsContext, response: reply.encoded)
            // Anything the client pipelined after STARTTLS was sent in clear: drop it (RFC 3207 §4.2).
            state.input.clear()
            state.events.append(.tlsStarted)
        case .resolveRecipient(let path):
            state.events.append(.recipientResolved(await backend.resolveRecipient(path)))
        case .checkSender(let path):
            guard let account = state.session.account else {
                state.events.append(.senderChecked(allowed: false))
                return true
            }
            state.events.append(.senderChecked(allowed: await backend.mayUseSender(path, account: account)))
        case .authenticate(let username, let password):
            // Replies so far go out first: the check may be slowed down on purpose.
            try await flush(connection, &state)
            let outcome = await backend.authenticate(username: username, password: password, remoteIP: connection.remoteIP)
            state.events.append(.authenticated(outcome))
        case .deliver(let transaction):
            let client = SMTPClientInfo(
                helo: state.session.helo?.description ?? "unknown", remoteIP: connection.remoteIP,
                esmtp: state.session.esmtp, tls: state.session.isTLS, account: state.session.account)
            let content = state.message
            state.message = []
            let outcome = await backend.deliver(SMTPMessageSubmission(transaction: transaction, client: client, content: content))
            state.events.append(.delivered(outcome))
        case .close:
            return false
        }
        return true
    }

    private func flush(_ connection: MailConnection, _ state: inout ConnectionState) async throws {
        guard state.output.readableBytes > 0 else { return }
        let output = state.output
        state.output = ByteBuffer()
        try await connection.write(output)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
