import LineCodec
import Logging
import MailwardCore
import MailwardNet
import NIOCore
import POP3Codec
import SMTPCodec

/// The NIO-free glue of one POP3 connection: reads lines (pipelined commands one by one),
/// feeds them to the ``POP3Session`` and performs its actions — writes (batched until the
/// client's pipeline is drained), STLS, the credential check, reading and removing messages.
struct POP3ConnectionDriver {
    /// What a login opened: the account and the INBOX copies of the snapshot.
    private struct Login {
        var account: Account
        var credential: ClientCredential
        /// The INBOX the maildrop lists.
        var mailboxID: MailboxID
    }

    /// Flush once this much output is buffered (large RETR answers go out in pieces).
    private static let flushThreshold = 64 * 1024

    private let door: POP3Door
    private let connection: MailConnection
    private var session: POP3Session
    private var decoder: POP3CommandDecoder
    private var input = ByteBuffer()
    private var output = ByteBuffer()
    private var login: Login?
    /// The login's lease on its maildrop in the store (across server nodes).
    private var lease: POP3MaildropLease?
    private var logger: Logger
    /// The connection is closed or gone: nothing more is read or performed.
    private var finished = false
    /// When the line being awaited must be complete: the idle timeout is per command line, not
    /// per read (as the SMTP doors count it).
    private var lineDeadline = InputDeadline()

    init(door: POP3Door, connection: MailConnection) {
        self.door = door
        self.connection = connection
        self.session = POP3Session(configuration: door.configuration.session, isTLS: connection.isTLS,
                                   isLoopback: connection.isLoopback)
        self.decoder = POP3CommandDecoder(configuration: door.configuration.decoder)
        var logger = door.logger
        logger[metadataKey: "door"] = "pop3"
        logger[metadataKey: "ip"] = "\(connection.remoteIP)"
        self.logger = logger
    }

    mutating func run() async {
        await perform(session.greeting())
        while !finished && !session.isClosed {
            let actions: [POP3Session.Action]
            if session.expectsAuthenticationLine {
                switch decoder.nextAuthenticationLine(&input) {
                case .value(let line):
                    lineDeadline.end()
                    actions = session.receivedAuthenticationLine(line)
                case .error(let error):
                    lineDeadline.end()
                    actions = session.receivedInvalid(error)
                case .needMoreData: actions = await readMore()
                }
            } else {
                let decoded = decoder.next(&input)
                if case .needMoreData = decoded {} else { lineDeadline.end() }
                switch decoded {
                case .value(let command):
                    // Disabled, password changed or app password revoked since the login: the
                    // session ends at its next command, whatever the command (as in IMAP).
                    if lease?.isLost == true {
                        actions = session.maildropLockLost()
                    } else {
                        switch await loginState() {
                        case .valid: actions = session.received(command)
                        case .revoked(let why): actions = session.credentialRevoked(why.text)
                        case .unknown: actions = session.storeUnavailable()
                        }
                    }
                case .error(let error): actions = session.receivedInvalid(error)
                case .needMoreData: actions = await readMore()
                }
            }
            await perform(actions)
        }
        _ = await flush()
        await releaseMaildrop()
    }

    /// Gives the maildrop up (the store's lease, this process's lock) once. At QUIT this happens
    /// before the +OK goes out (RFC 1939 §6: the lock is released, then the reply): a client that
    /// connects again right after it — fetchmail's next poll, a test — was answered `[IN-USE]`.
    private mutating func releaseMaildrop() async {
        await lease?.release()
        lease = nil
        if let login { door.locks.release(login.account.id) }
        login = nil
    }

    /// Sends what is buffered (the client's pipeline is drained), then waits for bytes.
    private mutating func readMore() async -> [POP3Session.Action] {
        guard await flush() else { return [] }
        input.discardReadBytes()
        let now = NIODeadline.now()
        let deadline = lineDeadline.start(within: door.configuration.idleTimeout, now: now)
        guard deadline > now else {
            logger.debug("idle timeout")
            return session.timedOut()
        }
        switch await connection.read(timeout: deadline - now) {
        case .data(var bytes):
            input.writeBuffer(&bytes)
            return []
        case .closed:
            finished = true
            session.connectionClosed()
            return []
        case .timeout:
            logger.debug("idle timeout")
            return session.timedOut()
        case .shutdown:
            return session.shuttingDown()
        case .wake:
            return []  // POP3 watches nothing
        }
    }

    private mutating func perform(_ actions: [POP3Session.Action]) async {
        for action in actions {
            guard !finished else { return }
            switch action {
            case .send(let response):
                response.write(into: &output)
            case .sendLines(let response):
                response.write(into: &output)
            case .sendMessage(let message, let bodyLines, let markSeen):
                await sendMessage(message, bodyLines: bodyLines, markSeen: markSeen)
            case .startTLS(let response):
                await startTLS(response)
            case .authenticate(let credentials):
                await perform(session.loginFinished(await authenticate(credentials)))
            case .pause(let duration):
                guard await flush() else { return }
                try? await Task.sleep(for: duration)
            case .commit(let mailboxID, let uids):
                await perform(session.updateFinished(removed: await commit(mailboxID: mailboxID, uids: uids)))
            case .close:
                await releaseMaildrop()
                _ = await flush()
                finished = true
                session.connectionClosed()
                return
            }
            if output.readableBytes >= Self.flushThreshold, !(await flush()) { return }
        }
    }

    /// Writes the buffered output; false (and the session closed) when the connection is gone.
    private mutating func flush() async -> Bool {
        guard output.readableBytes > 0 else { return true }
        let bytes = output
        output = ByteBuffer()
        do {
            try await connection.write(bytes)
            return true
        } catch {
            finished = true
            session.connectionClosed()
            return false
        }
    }

    // MARK: Actions

    private mutating func startTLS(_ response: POP3Response) async {
        guard let context = door.tlsContext, await flush() else { return }
        do {
            try await connection.startTLS(context: context, response: response.encoded)
        } catch {
            logger.info("STLS failed", metadata: ["error": "\(error)"])
            finished = true
            session.connectionClosed()
            return
        }
        // Whatever the client pipelined after STLS arrived in clear: drop it (RFC 2595 §4).
        input.clear()
        decoder = POP3CommandDecoder(configuration: door.configuration.decoder)
        session.tlsStarted()
    }

    private mutating func authenticate(_ credentials: SASLPlain.Credentials) async -> POP3Session.LoginOutcome {
        let username = credentials.authenticationID
        let result = await door.authenticator.authenticate(
            username: username, password: credentials.password, door: .pop3, remoteIP: connection.remoteIP, clientID: nil)
        MailMetrics.login(door: "pop3", result: result.metricsLabel)
        switch result {
        case .invalid:
            logger.notice("login failed", metadata: ["user": "\(LogText.quoted(username))"])
            return .invalid
        case .clientPasswordRequired:
            logger.notice("login refused: client-specific password required", metadata: ["user": "\(LogText.quoted(username))"])
            return .clientPasswordRequired
        case .clientPasswordLimited(_, let limit):
            logger.notice("login refused: \(limit.auditText)", metadata: ["user": "\(LogText.quoted(username))"])
            return .clientPasswordLimited(limit)
        case .unavailable:
            logger.warning("login not checked: the store is unavailable", metadata: ["user": "\(LogText.quoted(username))"])
            return .temporaryFailure
        case .valid(let account, let credential):
            guard door.locks.acquire(account.id) else {
                logger.info("login refused: maildrop in use", metadata: ["user": "\(LogText.quoted(username))"])
                return .inUse
            }
            do {
                // This process's sessions are told apart above; other nodes' only by the store.
                guard let lease = try await POP3MaildropLease.acquire(account.id, in: door.mail.store, clock: door.mail.clock, logger: logger) else {
                    door.locks.release(account.id)
                    logger.info("login refused: maildrop in use on another node", metadata: ["user": "\(LogText.quoted(username))"])
                    return .inUse
                }
                self.lease = lease
            } catch {
                door.locks.release(account.id)
                logger.error("cannot lock the maildrop", metadata: ["user": "\(account.address)", "error": "\(error)"])
                return .temporaryFailure
            }
            do {
                let inbox = try await door.mail.inbox(accountID: account.id)
                // UIDs and sizes only: a message's record is read when it is sent.
                let sizes = try await door.mail.store.messageSizes(mailboxID: inbox.id)
                login = Login(account: account, credential: credential, mailboxID: inbox.id)
                logger.info("login", metadata: ["user": "\(account.address)", "messages": "\(sizes.count)"])
                return .loggedIn(POP3Maildrop(mailboxID: inbox.id, uidValidity: inbox.uidValidity,
                                              messages: sizes, readOnly: credential.isReadOnly))
            } catch {
                await lease?.release()
                lease = nil
                door.locks.release(account.id)
                logger.error("cannot load the maildrop", metadata: ["user": "\(account.address)", "error": "\(error)"])
                return .temporaryFailure
            }
        }
    }

    private enum LoginState: Equatable { case valid, revoked(CredentialRevocation), unknown }

    /// Whether the account that logged in may still read its mail (not disabled meanwhile);
    /// `.unknown` while the store cannot answer. Before login there is nothing to revoke.
    private func loginState() async -> LoginState {
        guard let login else { return .valid }
        do {
            return try await door.authenticator.revocation(of: login.credential, account: login.account).map { .revoked($0) } ?? .valid
        } catch {
            logger.warning("cannot check the login now", metadata: ["error": "\(error)"])
            return .unknown
        }
    }

    private mutating func sendMessage(_ message: POP3Maildrop.Message, bodyLines: Int?, markSeen: Bool) async {
        switch await loginState() {
        case .valid: break
        case .revoked(let why):
            await perform(session.credentialRevoked(why.text))
            return
        case .unknown:
            await perform(session.storeUnavailable())
            return
        }
        guard let mailboxID = login?.mailboxID else { return }
        let record: MessageRecord?
        do {
            record = try await door.mail.store.messages(mailboxID: mailboxID, uids: [message.uid]).first
        } catch {
            POP3Response.err(.systemTemporary, "Message cannot be read now").write(into: &output)
            return
        }
        guard let record else {
            // Expunged meanwhile by IMAP or the webmail: permanent, so no [SYS/TEMP] (a client
            // would try again forever); the next session's list no longer has it.
            POP3Response.err("Message was deleted by another client").write(into: &output)
            return
        }
        if bodyLines == nil, record.size > MailService.piecewiseReadThreshold {
            guard await sendInPieces(record, announcedSize: message.size) else { return }
        } else {
            guard var body = await messageText(record, bodyLines: bodyLines) else {
                POP3Response.err(.systemTemporary, "Message cannot be read now").write(into: &output)
                return
            }
            if bodyLines != nil {
                POP3Response.ok("Top of message follows").write(into: &output)
            } else {
                POP3Response.ok("\(message.size) octets").write(into: &output)
            }
            var stuffer = DotStuffer()
            while body.readableBytes > 0 {
                let piece = body.readSlice(length: min(body.readableBytes, Self.flushThreshold))!
                stuffer.stuff(piece, into: &output)
                if output.readableBytes >= Self.flushThreshold, !(await flush()) { return }
            }
            stuffer.finish(into: &output)
        }
        if markSeen, !record.flags.contains(MessageFlags.seen) {
            do {
                _ = try await door.mail.updateFlags(mailboxID: record.mailboxID, uids: [record.uid], change: .add([MessageFlags.seen]))
            } catch {
                logger.warning("cannot mark a message seen", metadata: ["error": "\(error)"])
            }
        }
    }

    /// What RETR (`bodyLines` nil) or TOP sends of a message, before dot-stuffing; nil when it
    /// cannot be read now. TOP of a large message reads its first MiB and uses it when the header
    /// and the lines asked for end inside it (`TOP n 0`, what clients list messages with).
    private func messageText(_ record: MessageRecord, bodyLines: Int?) async -> ByteBuffer? {
        if let bodyLines, record.size > MailService.piecewiseReadThreshold,
           let beginning = try? await door.mail.raw(record, range: 0..<MailService.piecewiseReadThreshold) {
            let top = POP3TopSelection.select(from: ByteBuffer(bytes: beginning), bodyLines: bodyLines)
            if top.readableBytes < beginning.count { return top }
        }
        guard let raw = try? await door.mail.raw(record) else { return nil }
        let body = ByteBuffer(bytes: raw)
        return bodyLines.map { POP3TopSelection.select(from: body, bodyLines: $0) } ?? body
    }

    /// RETR of a large message: `+OK`, then the message read and sent piece by piece
    /// (`MailService.readPieceSize`), so the session holds a piece of it, not the whole. Once
    /// `+OK` is out a failure cannot be
    /// said any more: the connection then ends without the final "." — the client must not take
    /// a cut message for a whole one. False when the message was not sent.
    private mutating func sendInPieces(_ record: MessageRecord, announcedSize: Int) async -> Bool {
        guard var piece = try? await door.mail.raw(record, range: 0..<min(door.mail.readPieceSize, record.size)) else {
            POP3Response.err(.systemTemporary, "Message cannot be read now").write(into: &output)
            return false
        }
        POP3Response.ok("\(announcedSize) octets").write(into: &output)
        var stuffer = DotStuffer()
        var offset = 0
        while true {
            stuffer.stuff(ByteBuffer(bytes: piece), into: &output)
            offset += piece.count
            if output.readableBytes >= Self.flushThreshold, !(await flush()) { return false }
            if offset >= record.size { break }
            do {
                piece = try await door.mail.raw(record, range: offset..<min(offset + door.mail.readPieceSize, record.size))
                if piece.isEmpty { throw StoreError.missing("message \(record.id) ends at \(offset) bytes, not \(record.size)") }
            } catch {
                logger.error("RETR broke off in the middle of a message; the connection is closed",
                             metadata: ["message": "\(record.id)", "error": "\(error)"])
                output.clear()
                finished = true
                session.connectionClosed()
                await connection.close()
                return false
            }
        }
        stuffer.finish(into: &output)
        return true
    }

    private func commit(mailboxID: MailboxID, uids: [MessageUID]) async -> Bool {
        guard await loginState() == .valid else { return false }
        do {
            let removed = try await door.mail.remove(mailboxID: mailboxID, uids: uids, onlyDeleted: false)
            logger.info("update", metadata: ["removed": "\(removed.count)"])
            return true
        } catch {
            logger.error("cannot remove deleted messages", metadata: ["error": "\(error)"])
            return false
        }
    }
}
