import MailwardCore
import SMTPCodec

/// The SMTP server session as a state machine (RFC 5321, 3207, 4954, 2920, 3030, 6531).
///
/// It never does I/O: ``handle(_:)`` takes an event (a decoded command, Core's answer, a
/// timeout) and returns the actions to perform. The glue (``SMTPConnectionHandler``) reads input
/// the way ``inputMode`` says, performs the actions and feeds Core's answers back. While an
/// action that needs an answer is outstanding, ``inputMode`` is `.none`.
public struct SMTPSession: Sendable {
    public let settings: SMTPSessionSettings
    public let remoteIP: String

    /// What the session is waiting for.
    enum Phase: Equatable, Sendable {
        case connecting
        /// Waiting for a command.
        case command
        /// AUTH PLAIN after `334 ` (no initial response).
        case plainResponse
        /// AUTH LOGIN, waiting for the user name.
        case loginUsername
        /// AUTH LOGIN, waiting for the password.
        case loginPassword(username: String)
        case readingData
        case readingChunk(size: Int, last: Bool, discard: Bool, first: Bool)
        case awaitingRecipient(SMTPPath, SMTPRecipientParameters)
        case awaitingSender(SMTPPath, SMTPMailParameters)
        case awaitingAuthentication
        case awaitingDelivery
        case closed
    }

    private(set) var phase = Phase.connecting
    public private(set) var helo: SMTPHost?
    public private(set) var esmtp = false
    public private(set) var isTLS: Bool
    public private(set) var account: Account?
    /// How ``account`` signed in (the account password or which client-specific password).
    public private(set) var credential: ClientCredential?
    public private(set) var transaction: SMTPTransaction?
    /// Bytes of BDAT chunks so far in this transaction.
    private var chunkedSize = 0
    private var chunkedSawNUL = false
    private var errors = 0
    /// NOOP, RSET, VRFY… since the last message accepted (see ``SMTPSessionSettings/junkCommandLimit``).
    private var junkCommands = 0
    private var authenticationFailures = 0
    /// Recipients refused as unknown in this session (see ``SMTPSessionSettings/recipientTarpitThreshold``).
    private var unknownRecipients = 0
    /// Bytes of message memory the server could give a message now (the doors' budget), set by
    /// the glue before it hands over a MAIL command: a `SIZE=` above it is answered 452 4.3.1 at
    /// once (RFC 1870 §6.1), not after the client sent every byte.
    public var messageMemoryAvailable = Int.max

    public init(settings: SMTPSessionSettings, remoteIP: String) {
        self.settings = settings
        self.remoteIP = remoteIP
        self.isTLS = settings.implicitTLS
    }

    // MARK: What the glue asks

    public var inputMode: SMTPInputMode {
        switch phase {
        case .command: .command
        case .plainResponse, .loginUsername, .loginPassword: .authenticationLine
        case .readingData: .data
        case .readingChunk(let size, let last, let discard, let first): .chunk(size: size, last: last, discard: discard, first: first)
        default: .none
        }
    }

    /// How long the glue waits for the next input before feeding `.timeout`.
    public var readTimeout: Duration {
        switch phase {
        case .readingData, .readingChunk: settings.dataTimeout
        default: settings.commandTimeout
        }
    }

    public var isClosed: Bool { phase == .closed }

    /// Whether AUTH is offered and allowed now.
    var authenticationAllowed: Bool {
        settings.mode == .submission && (isTLS || settings.isLoopback)
    }

    /// The EHLO keywords for the current state.
    public var capabilities: [SMTPCapability] {
        var result: [SMTPCapability] = [.size(settings.maximumMessageSize), .pipelining, .eightBitMIME, .chunking,
                                        .enhancedStatusCodes, .smtpUTF8]
        if settings.offersDSN { result.append(.dsn) }
        if settings.startTLSAvailable && !isTLS { result.append(.startTLS) }
        if authenticationAllowed && account == nil { result.append(.auth(["PLAIN", "LOGIN"])) }
        return result
    }

    // MARK: Events

    public mutating func handle(_ event: SMTPSessionEvent) -> [SMTPSessionAction] {
        if phase == .closed { return [] }
        switch event {
        case .connected:
            phase = .command
            return [.reply(.greeting(hostname: settings.hostname))]
        case .timeout:
            return close(with: .timeout(hostname: settings.hostname))
        case .shutdown:
            return close(with: .serviceNotAvailable(hostname: settings.hostname))
        case .malformedCommand(let error):
            // A BDAT line whose chunk cannot be read or skipped — a size too large even to
            // represent, or none at all: the octets that follow would be read, and obeyed, as
            // commands. Refused and ended, like any chunk over the limit (see `.bdat` below).
            switch error.kind {
            case .sizeTooLarge: return close(with: .chunkTooLarge)
            case .invalidChunkCommand: return close(with: error.reply)
            default: break
            }
            return protocolError(error.reply)
        case .command(let command):
            guard phase == .command else { return protocolError(.badSequence) }
            return handle(command)
        case .authenticationLine(let line):
            return authenticationLine(line)
        case .malformedAuthenticationLine(let error):
            phase = .command
            return authenticationFailed(error.kind == .lineTooLong ? .authenticationLineTooLong : .badArguments)
        case .messageComplete(let summary):
            return messageComplete(summary)
        case .messageTooLarge:
            return finishTransaction(with: .messageTooLarge)
        case .messageOverMemoryBudget:
            return finishTransaction(with: .insufficientStorage)
        case .tlsStarted:
            isTLS = true
            helo = nil
            esmtp = false
            transaction = nil
            phase = .command
            return []
        case .recipientResolved(let verdict):
            return recipientResolved(verdict)
        case .senderChecked(let verdict):
            return senderChecked(verdict)
        case .authenticated(let outcome):
            return authenticated(outcome)
        case .delivered(let outcome):
            return delivered(outcome)
        }
    }

    private mutating func handle(_ command: SMTPCommand) -> [SMTPSessionAction] {
        switch command {
        case .ehlo(let host):
            helo = host
            esmtp = true
            resetTransaction()
            return junk(.ehlo(hostname: settings.hostname, capabilities: capabilities))
        case .helo(let host):
            helo = host
            esmtp = false
            resetTransaction()
            return junk(.helo(hostname: settings.hostname))
        case .mail(let path, let parameters):
            return mail(path, parameters)
        case .rcpt(let path, let parameters):
            return rcpt(path, parameters)
        case .data:
            guard let transaction else { return protocolError(.badSequence) }
            guard !transaction.recipients.isEmpty else { return [.reply(.noValidRecipients)] }
            guard chunkedSize == 0 else { return protocolError(.badSequence) }
            phase = .readingData
            return [.reply(.startMailInput)]
        case .bdat(let size, let last):
            if size > settings.maximumMessageSize {
                // Skipping this chunk means reading all of it (a client may declare terabytes):
                // it cannot fit whatever came before, so refuse now and end the session — RFC
                // 3030 gives no other way to stay in step without reading it.
                phase = .closed
                return [.reply(.chunkTooLarge), .close(.serverEnded)]
            }
            if !esmtp {
                // CHUNKING is offered after EHLO only (RFC 3030 §2): the chunk is read and
                // thrown away — its octets must not be taken for commands — and, with no
                // transaction left, answered 503.
                resetTransaction()
            }
            let usable = transaction.map { !$0.recipients.isEmpty } ?? false
            let first = chunkedSize == 0
            phase = .readingChunk(size: size, last: last, discard: !usable || chunkedSize + size > settings.maximumMessageSize, first: first)
            return []
        case .rset:
            resetTransaction()
            return junk(.ok)
        case .noop:
            return junk(.ok)
        case .quit:
            phase = .closed
            return [.reply(.closing(hostname: settings.hostname)), .close(.quit)]
        case .vrfy:
            return junk(.cannotVerify)
        case .expn:
            return junk(.notImplemented)
        case .help:
            return junk(.help)
        case .startTLS:
            guard settings.startTLSAvailable, !isTLS else {
                return protocolError(isTLS ? .badSequence : .notImplemented)
            }
            guard account == nil, transaction == nil else { return protocolError(.badSequence) }
            return [.startTLS(.readyToStartTLS)]
        case .auth(let mechanism, let initialResponse):
            return auth(mechanism, initialResponse)
        }
    }

    // MARK: MAIL, RCPT

    private mutating func mail(_ path: SMTPPath, _ parameters: SMTPMailParameters) -> [SMTPSessionAction] {
        guard helo != nil else { return protocolError(SMTPReply(code: 503, .init(5, 5, 1), "Send EHLO or HELO first")) }
        guard transaction == nil else { return protocolError(SMTPReply(code: 503, .init(5, 5, 1), "Nested MAIL command")) }
        if settings.mode == .submission {
            guard isTLS || settings.isLoopback else { return [.reply(.startTLSRequired)] }
            guard account != nil else { return [.reply(.authenticationRequired)] }
        }
        // BINARYMIME is not offered (RFC 3030 §3): refuse it like an unknown parameter. After
        // HELO no extension was offered at all (RFC 5321 §2.2.1), so no parameter is known.
        // Nor are DSN's where it is not offered (`smtp.mx-dsn`).
        guard parameters.unrecognized.isEmpty, parameters.body != .binaryMIME,
              settings.offersDSN || (parameters.ret == nil && parameters.envelopeID == nil),
              esmtp || parameters == SMTPMailParameters() else { return [.reply(.parameterNotRecognized)] }
        if let size = parameters.size, size > settings.maximumMessageSize { return [.reply(.messageTooLarge)] }
        if let size = parameters.size, size > messageMemoryAvailable { return [.reply(.insufficientStorage)] }
        if path.isInternationalized && !parameters.smtpUTF8 { return [.reply(.utf8AddressNotPermitted)] }
        if settings.mode == .submission {
            phase = .awaitingSender(path, parameters)
            return [.checkSender(path)]
        }
        transaction = SMTPTransaction(reversePath: path, parameters: parameters)
        return [.reply(.senderOK)]
    }

    private mutating func senderChecked(_ verdict: SenderVerdict) -> [SMTPSessionAction] {
        guard case .awaitingSender(let path, let parameters) = phase else { return [] }
        phase = .command
        switch verdict {
        case .allowed: break
        case .notAllowed: return [.reply(.senderNotAllowed)]
        case .sharePermissionForbids(let permission): return [.reply(Self.sharePermissionForbids(permission))]
        case .loginRevoked(let why): return close(with: .loginRevoked(why.text))
        case .temporaryFailure: return [.reply(.localError)]
        }
        transaction = SMTPTransaction(reversePath: path, parameters: parameters)
        return [.reply(.senderOK)]
    }

    private mutating func rcpt(_ path: SMTPPath, _ parameters: SMTPRecipientParameters) -> [SMTPSessionAction] {
        guard let transaction else { return protocolError(SMTPReply(code: 503, .init(5, 5, 1), "Need MAIL before RCPT")) }
        // After HELO no extension was offered (RFC 5321 §2.2.1): no parameter is known.
        guard parameters.unrecognized.isEmpty, esmtp || parameters == SMTPRecipientParameters(),
              settings.offersDSN || (parameters.notify == nil && parameters.originalRecipient == nil) else {
            return [.reply(.parameterNotRecognized)]
        }
        guard transaction.recipients.count < settings.maximumRecipients else { return [.reply(.tooManyRecipients)] }
        if path.isInternationalized && !transaction.parameters.smtpUTF8 { return [.reply(.utf8AddressNotPermitted)] }
        phase = .awaitingRecipient(path, parameters)
        let tarpit = unknownRecipients >= settings.recipientTarpitThreshold
        return [.resolveRecipient(path, declaredSize: transaction.parameters.size,
                                  delay: tarpit ? settings.recipientTarpitDelay : .zero)]
    }

    private mutating func recipientResolved(_ verdict: RecipientVerdict) -> [SMTPSessionAction] {
        guard case .awaitingRecipient(let path, let parameters) = phase else { return [] }
        phase = .command
        let recipient: SMTPRecipient
        switch verdict {
        case .local(let accountID):
            recipient = .local(accountID: accountID, address: path.address)
        case .remote:
            guard settings.mode == .submission else { return [.reply(.relayDenied)] }
            guard settings.outboundAvailable else {
                return [.reply(SMTPReply(code: 451, .init(4, 3, 0), "outbound delivery is not configured"))]
            }
            recipient = .remote(address: path.address)
        case .unknownUser:
            unknownRecipients += 1
            return [.reply(.noSuchUser)]
        case .mailboxDisabled:
            return [.reply(.mailboxDisabled)]
        case .mailboxFull(let permanent):
            return [.reply(permanent ? .mailboxFullPermanent : .mailboxFull)]
        case .temporaryFailure:
            return [.reply(.localError)]
        }
        if !(transaction?.recipients.contains(recipient) ?? true) {
            transaction?.recipients.append(recipient)
        }
        if parameters.notify != nil || parameters.originalRecipient != nil {
            transaction?.recipientParameters[DeliveryNotifications.key(path.address)] = parameters
        }
        return [.reply(.recipientOK)]
    }

    // MARK: DATA, BDAT

    /// Call after the glue read a whole BDAT chunk (or DATA ended).
    private mutating func messageComplete(_ summary: SMTPDataSummary) -> [SMTPSessionAction] {
        switch phase {
        case .readingData:
            if summary.sawBareLineEnding { return finishTransaction(with: .bareLineEndingRejected) }
            if summary.sawNUL { return finishTransaction(with: Self.nulRejected) }
            return deliver()
        case .readingChunk(let size, let last, let discard, _):
            guard transaction != nil, !(transaction?.recipients.isEmpty ?? true) else {
                phase = .command
                chunkedSize = 0
                return protocolError(transaction == nil ? .badSequence : .noValidRecipients)
            }
            chunkedSize += size
            chunkedSawNUL = chunkedSawNUL || summary.sawNUL
            let tooLarge = discard || chunkedSize > settings.maximumMessageSize
            guard last else {
                phase = .command
                if tooLarge {
                    // Keep counting, keep discarding, answer with the error at the LAST chunk.
                    return [.reply(SMTPReply(code: 250, .init(2, 0, 0), "\(size) octets received (discarded)"))]
                }
                return [.reply(SMTPReply(code: 250, .init(2, 0, 0), "\(size) octets received"))]
            }
            if tooLarge { return finishTransaction(with: .messageTooLarge) }
            if chunkedSawNUL { return finishTransaction(with: Self.nulRejected) }
            return deliver()
        default:
            return []
        }
    }

    /// 550 5.6.0: NUL octets are not allowed in 7bit/8bitmime bodies (RFC 6152 §3, RFC 5321 §4.1.1.4).
    static let nulRejected = SMTPReply(code: 550, .init(5, 6, 0), "Message contains NUL characters")

    private mutating func deliver() -> [SMTPSessionAction] {
        guard let transaction else { return finishTransaction(with: .badSequence) }
        phase = .awaitingDelivery
        return [.deliver(transaction)]
    }

    private mutating func delivered(_ outcome: DeliveryOutcome) -> [SMTPSessionAction] {
        guard phase == .awaitingDelivery else { return [] }
        switch outcome {
        case .accepted(let queueID):
            junkCommands = 0
            return finishTransaction(with: .messageAccepted(queueID: queueID))
        case .senderNotAllowed: return finishTransaction(with: SMTPReply(code: 550, .init(5, 7, 1), "From: header address not owned by user"))
        case .sharePermissionForbids(let permission): return finishTransaction(with: Self.sharePermissionForbids(permission))
        case .fromMissing: return finishTransaction(with: SMTPReply(code: 550, .init(5, 6, 0), "Message has no From: header address"))
        case .mailboxFull(let permanent): return finishTransaction(with: permanent ? .mailboxFullPermanent : .mailboxFull)
        case .temporaryFailure: return finishTransaction(with: .localError)
        case .contentRejected(let reason):
            return finishTransaction(with: SMTPReply(code: 554, .init(5, 7, 1), "Message rejected: " + Self.printable(reason)))
        case .contentDeferred(let reason):
            return finishTransaction(with: SMTPReply(code: 451, .init(4, 7, 1), "Message deferred: " + Self.printable(reason)))
        case .sendingLimitReached(let limit):
            let text = limit.message(chinese: false)
            return finishTransaction(with: limit.retryAfter == nil ? SMTPReply(code: 550, .init(5, 7, 1), text)
                                                                   : SMTPReply(code: 451, .init(4, 7, 1), text))
        }
    }

    /// A shared mailbox's address whose permission does not allow sending: the same words as
    /// IMAP's `[NOPERM]` and the web's `permission_denied`, so a grantee's client shows why.
    static func sharePermissionForbids(_ permission: SharePermission) -> SMTPReply {
        SMTPReply(code: 550, .init(5, 7, 1), ShareError.denied(.send, permission).message(chinese: false))
    }

    /// A filter's reason as reply text: printable ASCII, one line, bounded.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init).prefix(200))
    }

    private mutating func finishTransaction(with reply: SMTPReply) -> [SMTPSessionAction] {
        resetTransaction()
        phase = .command
        return [.reply(reply)]
    }

    private mutating func resetTransaction() {
        transaction = nil
        chunkedSize = 0
        chunkedSawNUL = false
    }

    // MARK: AUTH

    private mutating func auth(_ mechanism: String, _ initialResponse: String?) -> [SMTPSessionAction] {
        guard settings.mode == .submission else { return protocolError(.notImplemented) }
        guard helo != nil, esmtp else { return protocolError(SMTPReply(code: 503, .init(5, 5, 1), "Send EHLO first")) }
        guard account == nil else { return protocolError(SMTPReply(code: 503, .init(5, 5, 1), "Already authenticated")) }
        guard transaction == nil else { return protocolError(.badSequence) }
        guard authenticationAllowed else { return [.reply(.encryptionRequired)] }
        switch mechanism {
        case "PLAIN":
            guard let initialResponse else {
                phase = .plainResponse
                return [.reply(.authenticationChallenge(""))]
            }
            return plain(initialResponse)
        case "LOGIN":
            guard let initialResponse else {
                phase = .loginUsername
                return [.reply(SASLLogin.usernamePrompt)]
            }
            return loginUsername(initialResponse)
        default:
            return [.reply(.unrecognizedAuthenticationMechanism)]
        }
    }

    private mutating func authenticationLine(_ line: String) -> [SMTPSessionAction] {
        if line == "*" {
            phase = .command
            return authenticationCancelled()
        }
        switch phase {
        case .plainResponse: return plain(line)
        case .loginUsername: return loginUsername(line)
        case .loginPassword(let username):
            guard let password = SASLLogin.decodeField(line) else {
                phase = .command
                return authenticationFailed(SMTPReply(code: 501, .init(5, 5, 2), "Invalid LOGIN response"))
            }
            phase = .awaitingAuthentication
            return [.authenticate(username: username, password: password)]
        default:
            return []
        }
    }

    private mutating func plain(_ base64: String) -> [SMTPSessionAction] {
        if base64 == "*" {
            phase = .command
            return authenticationCancelled()
        }
        guard let credentials = SASLPlain.decode(base64) else {
            phase = .command
            return authenticationFailed(SMTPReply(code: 501, .init(5, 5, 2), "Invalid PLAIN response"))
        }
        // Acting as someone else (authzid) is not offered: it must be absent or the same user.
        if let authzid = credentials.authorizationID, authzid.lowercased() != credentials.authenticationID.lowercased() {
            phase = .command
            return authenticationFailed(.authenticationFailed())
        }
        phase = .awaitingAuthentication
        return [.authenticate(username: credentials.authenticationID, password: credentials.password)]
    }

    private mutating func loginUsername(_ base64: String) -> [SMTPSessionAction] {
        guard let username = SASLLogin.decodeField(base64) else {
            phase = .command
            return authenticationFailed(SMTPReply(code: 501, .init(5, 5, 2), "Invalid LOGIN response"))
        }
        phase = .loginPassword(username: username)
        return [.reply(SASLLogin.passwordPrompt)]
    }

    private mutating func authenticated(_ outcome: AuthenticationOutcome) -> [SMTPSessionAction] {
        guard phase == .awaitingAuthentication else { return [] }
        phase = .command
        switch outcome {
        case .success(let account, let credential):
            self.account = account
            self.credential = credential
            return [.reply(.authenticationSucceeded)]
        case .invalid:
            return authenticationFailed(.authenticationFailed())
        case .clientPasswordRequired:
            return authenticationFailed(.authenticationFailed(ClientPasswordNotice.asciiText))
        case .clientPasswordLimited(let limit):
            return authenticationFailed(.authenticationFailed(limit.asciiText))
        case .temporaryFailure:
            // Not the client's fault: not counted against the connection's AUTH attempts.
            return [.reply(.temporaryAuthenticationFailure)]
        }
    }

    /// The client cancelled an AUTH exchange (RFC 4954 `*`): no password was tried, so it is not
    /// a failed authentication — only a protocol error, so that endless cancels still end.
    private mutating func authenticationCancelled() -> [SMTPSessionAction] {
        protocolError(.authenticationCancelled)
    }

    /// Counts a failed AUTH; too many on one connection end it.
    private mutating func authenticationFailed(_ reply: SMTPReply) -> [SMTPSessionAction] {
        authenticationFailures += 1
        if authenticationFailures >= settings.maximumAuthenticationFailures {
            return [.reply(reply)] + close(with: .tooManyErrors(hostname: settings.hostname))
        }
        return [.reply(reply)]
    }

    // MARK: Errors and closing

    /// A command that moves no mail (NOOP, RSET, VRFY, EXPN, HELP, HELO/EHLO): answered, but past
    /// ``SMTPSessionSettings/junkCommandLimit`` since the last message each one counts as an
    /// error, so a client that only chats (half a million pipelined NOOPs, each a reply to write)
    /// is ended instead of holding its event loop.
    private mutating func junk(_ reply: SMTPReply) -> [SMTPSessionAction] {
        junkCommands += 1
        return junkCommands > settings.junkCommandLimit ? protocolError(reply) : [.reply(reply)]
    }

    private mutating func protocolError(_ reply: SMTPReply) -> [SMTPSessionAction] {
        errors += 1
        if errors >= settings.maximumErrors {
            return [.reply(reply)] + close(with: .tooManyErrors(hostname: settings.hostname))
        }
        return [.reply(reply)]
    }

    private mutating func close(with reply: SMTPReply) -> [SMTPSessionAction] {
        phase = .closed
        resetTransaction()
        return [.reply(reply), .close(.serverEnded)]
    }
}
