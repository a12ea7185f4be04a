import MailwardCore
import POP3Codec
import SMTPCodec

/// One POP3 session as a pure state machine (RFC 1939 §3): AUTHORIZATION → TRANSACTION →
/// UPDATE. It decides every answer; the glue (``POP3Door``) reads lines, performs the
/// ``Action``s (sockets, credential check, storage) and reports their outcome back.
///
/// Every method returns the actions to perform in order. No I/O, no clock: tested without sockets.
public struct POP3Session: Sendable {
    public struct Configuration: Sendable {
        public var hostname: String
        /// Whether STLS can be offered (a TLS context exists).
        public var tlsAvailable: Bool
        /// Failed logins (USER/PASS or AUTH) before the connection is closed.
        public var maximumAuthenticationFailures: Int
        /// Wait before answering a failed login (slows down password guessing).
        public var failureDelay: Duration
        /// Syntax errors and misplaced commands before the connection is closed.
        public var maximumInvalidCommands: Int

        public init(hostname: String, tlsAvailable: Bool = true, maximumAuthenticationFailures: Int = 3,
                    failureDelay: Duration = .seconds(1), maximumInvalidCommands: Int = 20) {
            self.hostname = hostname
            self.tlsAvailable = tlsAvailable
            self.maximumAuthenticationFailures = maximumAuthenticationFailures
            self.failureDelay = failureDelay
            self.maximumInvalidCommands = maximumInvalidCommands
        }
    }

    /// What the glue must do, in order.
    public enum Action: Hashable, Sendable {
        case send(POP3Response)
        case sendLines(POP3MultilineResponse)
        /// RETR (`bodyLines` nil) or TOP: load the message, answer `+OK` and send it
        /// dot-stuffed; `markSeen` adds `\Seen` once it was sent (RETR only).
        case sendMessage(POP3Maildrop.Message, bodyLines: Int?, markSeen: Bool)
        /// STLS: send this response in clear, then start TLS and call ``tlsStarted()``.
        case startTLS(POP3Response)
        /// Ask Core whether these credentials open the account (door `.pop3`), lock and load
        /// the INBOX, then call ``loginFinished(_:)``. `description` never shows the password.
        case authenticate(SASLPlain.Credentials)
        /// Wait before the next action (failed-login throttle).
        case pause(Duration)
        /// UPDATE state: remove these messages for good, then call ``updateFinished(removed:)``.
        case commit(mailboxID: MailboxID, uids: [MessageUID])
        /// Close the connection (after everything before it was sent).
        case close
    }

    /// The outcome of an ``Action/authenticate(_:)`` the glue reports back.
    public enum LoginOutcome: Hashable, Sendable {
        case loggedIn(POP3Maildrop)
        case invalid
        /// Right account password, but the account needs a client-specific password (SPEC A8).
        case clientPasswordRequired
        /// A right client-specific password that does not open POP3 (now): SPEC B4.
        case clientPasswordLimited(ClientPasswordLimit)
        /// Another POP3 session holds this maildrop.
        case inUse
        /// Storage failed while loading the maildrop.
        case temporaryFailure
    }

    enum State: Hashable, Sendable {
        /// `user` is the name a USER command gave, waiting for PASS.
        case authorization(user: String?)
        /// `AUTH PLAIN` without initial response: the next line is the client's SASL response.
        case awaitingPlainResponse
        case checkingCredentials
        case transaction(POP3Maildrop)
        /// QUIT with deletions: removing them; `remaining` messages stay.
        case update(remaining: Int)
        case closed
    }

    public let configuration: Configuration
    public private(set) var isTLS: Bool
    public let isLoopback: Bool
    private(set) var state: State = .authorization(user: nil)
    public private(set) var authenticationFailures = 0
    public private(set) var invalidCommands = 0

    public init(configuration: Configuration, isTLS: Bool, isLoopback: Bool) {
        self.configuration = configuration
        self.isTLS = isTLS
        self.isLoopback = isLoopback
    }

    // MARK: What the glue asks

    /// True while the next client line is a SASL response (read it with
    /// `POP3CommandDecoder.nextAuthenticationLine`).
    public var expectsAuthenticationLine: Bool { state == .awaitingPlainResponse }
    public var isClosed: Bool { state == .closed }
    /// The maildrop while in the TRANSACTION state.
    public var maildrop: POP3Maildrop? {
        if case .transaction(let maildrop) = state { return maildrop }
        return nil
    }

    /// SPEC M5: passwords only travel over TLS, except from the machine itself.
    public var clearTextAuthenticationAllowed: Bool { isTLS || isLoopback }

    // MARK: Events

    public func greeting() -> [Action] {
        [.send(.ok("\(configuration.hostname) Mailward POP3 server ready"))]
    }

    public mutating func received(_ command: POP3Command) -> [Action] {
        switch state {
        case .authorization(let user):
            state = .authorization(user: nil)
            return authorization(command, user: user)
        case .transaction(var maildrop):
            let actions = transaction(command, maildrop: &maildrop)
            if case .transaction = state { state = .transaction(maildrop) }
            return actions
        case .awaitingPlainResponse, .checkingCredentials, .update, .closed:
            // The glue does not read commands in these states.
            return []
        }
    }

    /// A line the decoder rejected (syntax, unknown command, too long).
    public mutating func receivedInvalid(_ error: POP3DecodeError) -> [Action] {
        switch state {
        case .authorization, .awaitingPlainResponse: state = .authorization(user: nil)
        case .transaction: break
        case .checkingCredentials, .update, .closed: return []
        }
        return refuse(error.response)
    }

    /// The client's line after `+ ` in AUTH PLAIN.
    public mutating func receivedAuthenticationLine(_ line: String) -> [Action] {
        guard state == .awaitingPlainResponse else { return [] }
        state = .authorization(user: nil)
        return plainResponse(line)
    }

    public mutating func tlsStarted() {
        isTLS = true
    }

    public mutating func loginFinished(_ outcome: LoginOutcome) -> [Action] {
        guard state == .checkingCredentials else { return [] }
        switch outcome {
        case .loggedIn(let maildrop):
            state = .transaction(maildrop)
            return [.send(.ok("Maildrop locked and ready, \(maildrop.liveCount) messages (\(maildrop.liveSize) octets)"))]
        case .invalid:
            return loginFailed(.err(.auth, "Authentication failed"))
        case .clientPasswordRequired:
            return loginFailed(.err(.auth, ClientPasswordNotice.asciiText))  // POP3 response text is 7-bit
        case .clientPasswordLimited(let limit):
            return loginFailed(.err(.auth, limit.asciiText))
        case .inUse:
            state = .authorization(user: nil)
            return [.send(.err(.inUse, "Maildrop is in use by another POP3 session"))]
        case .temporaryFailure:
            state = .authorization(user: nil)
            return [.send(.err(.systemTemporary, "Cannot open the maildrop now, try again later"))]
        }
    }

    /// The UPDATE state's removal finished; `removed` is false when storage failed.
    public mutating func updateFinished(removed: Bool) -> [Action] {
        guard case .update(let remaining) = state else { return [] }
        state = .closed
        if removed {
            return [.send(.ok("\(configuration.hostname) Mailward POP3 server signing off (\(remaining) messages left)")), .close]
        }
        return [.send(.err(.systemTemporary, "Some deleted messages were not removed")), .close]
    }

    /// The login no longer holds (`why`: ``CredentialRevocation/text``): `-ERR [AUTH]`, closed.
    public mutating func credentialRevoked(_ why: String) -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(.err(.auth, why)), .close]
    }

    /// The store cannot be reached: this command is refused with a temporary failure and not
    /// performed; the session goes on (the client may try again).
    public func storeUnavailable() -> [Action] {
        guard state != .closed else { return [] }
        return [.send(.err(.systemTemporary, "Mail storage is unavailable, try again later"))]
    }

    /// The maildrop's lease was lost (the store could not be reached for as long as the lease
    /// lasts, and another session may hold the maildrop now): the session ends without UPDATE.
    public mutating func maildropLockLost() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(.err(.systemTemporary, "The maildrop lock was lost, log in again")), .close]
    }

    /// No command for the idle time (RFC 1939 §3: autologout, no UPDATE).
    public mutating func timedOut() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(.err("Autologout: idle for too long")), .close]
    }

    /// The server stops: say so and close; marked deletions are not committed.
    public mutating func shuttingDown() -> [Action] {
        guard state != .closed else { return [] }
        state = .closed
        return [.send(.err(.systemTemporary, "Server shutting down, try again later")), .close]
    }

    /// The connection is gone.
    public mutating func connectionClosed() {
        state = .closed
    }

    // MARK: AUTHORIZATION

    private mutating func authorization(_ command: POP3Command, user: String?) -> [Action] {
        switch command {
        case .capa:
            return [.sendLines(.capabilities(capabilities))]
        case .user(let name):
            guard clearTextAuthenticationAllowed else { return clearTextRefused() }
            state = .authorization(user: name)
            return [.send(.ok("Send your password"))]
        case .pass(let password):
            guard clearTextAuthenticationAllowed else { return clearTextRefused() }
            guard let user else { return refuse(.err("Send USER first")) }
            state = .checkingCredentials
            return [.authenticate(SASLPlain.Credentials(authorizationID: nil, authenticationID: user, password: password))]
        case .auth(nil, _):
            // RFC 1734 clients ask for the mechanism list with a bare AUTH.
            let mechanisms = clearTextAuthenticationAllowed ? ["PLAIN"] : []
            return [.sendLines(POP3MultilineResponse(status: .ok("Supported mechanisms follow"), lines: mechanisms))]
        case .auth(let mechanism?, let initialResponse):
            guard mechanism == "PLAIN" else { return refuse(.err("Unsupported authentication mechanism")) }
            guard clearTextAuthenticationAllowed else { return clearTextRefused() }
            guard let initialResponse else {
                state = .awaitingPlainResponse
                return [.send(.continuation())]
            }
            return plainResponse(initialResponse)
        case .stls:
            guard configuration.tlsAvailable else { return refuse(.err("STLS not available")) }
            guard !isTLS else { return refuse(.err("Already using TLS")) }
            return [.startTLS(.ok("Begin TLS negotiation"))]
        case .quit:
            state = .closed
            return [.send(.ok("\(configuration.hostname) Mailward POP3 server signing off")), .close]
        case .apop:
            return refuse(.err("APOP is not supported; use USER/PASS or AUTH PLAIN"))
        case .utf8:
            return refuse(.err("UTF8 is not supported"))
        case .stat, .list, .retr, .dele, .noop, .rset, .top, .uidl:
            return refuse(.err("Log in first"))
        }
    }

    private mutating func plainResponse(_ line: String) -> [Action] {
        guard let response = SASLResponse(line: line) else { return refuse(.err("Invalid base64 in SASL response")) }
        guard case .data(let bytes) = response else { return [.send(.err("Authentication cancelled"))] }
        guard let credentials = SASLPlain.decode(bytes: bytes) else {
            state = .checkingCredentials
            return loginFinished(.invalid)
        }
        if let authorizationID = credentials.authorizationID,
           authorizationID.lowercased() != credentials.authenticationID.lowercased() {
            state = .checkingCredentials
            return loginFinished(.invalid)
        }
        state = .checkingCredentials
        return [.authenticate(credentials)]
    }

    private mutating func loginFailed(_ response: POP3Response) -> [Action] {
        authenticationFailures += 1
        if authenticationFailures >= configuration.maximumAuthenticationFailures {
            state = .closed
            return [.pause(configuration.failureDelay), .send(response), .close]
        }
        state = .authorization(user: nil)
        return [.pause(configuration.failureDelay), .send(response)]
    }

    private mutating func clearTextRefused() -> [Action] {
        refuse(.err(.auth, "Plain-text authentication is refused on an unencrypted connection; use STLS or port 995"))
    }

    /// Answers an error and counts it; too many close the connection.
    private mutating func refuse(_ response: POP3Response) -> [Action] {
        invalidCommands += 1
        guard invalidCommands < configuration.maximumInvalidCommands else {
            state = .closed
            return [.send(.err("Too many errors, closing")), .close]
        }
        return [.send(response)]
    }

    /// RFC 2449 §6. USER and SASL only where a password may be sent; STLS until TLS is on.
    var capabilities: [POP3Capability] {
        var list: [POP3Capability] = [.top, .uidl]
        if case .authorization = state, clearTextAuthenticationAllowed {
            list += [.user, .sasl(["PLAIN"])]
        }
        if case .authorization = state, configuration.tlsAvailable, !isTLS {
            list.append(.stls)
        }
        list += [.responseCodes, .authResponseCode, .pipelining, .expire("NEVER"), .implementation("Mailward")]
        return list
    }

    // MARK: TRANSACTION

    private mutating func transaction(_ command: POP3Command, maildrop: inout POP3Maildrop) -> [Action] {
        switch command {
        case .stat:
            return [.send(.stat(messageCount: maildrop.liveCount, totalSize: maildrop.liveSize))]
        case .list(nil):
            return [.sendLines(.scanListings(maildrop.live.map { ($0.number, $0.message.size) }))]
        case .list(let number?):
            return withMessage(number, in: maildrop) { [.send(.scanListing(messageNumber: number, size: $0.size))] }
        case .uidl(nil):
            return [.sendLines(.uniqueIDListings(maildrop.live.map { ($0.number, maildrop.uniqueID(of: $0.message)) }))]
        case .uidl(let number?):
            return withMessage(number, in: maildrop) {
                [.send(.uniqueIDListing(messageNumber: number, uniqueID: maildrop.uniqueID(of: $0)))]
            }
        case .retr(let number):
            return withMessage(number, in: maildrop) { [.sendMessage($0, bodyLines: nil, markSeen: !maildrop.readOnly)] }
        case .top(let number, let lines):
            return withMessage(number, in: maildrop) { [.sendMessage($0, bodyLines: lines, markSeen: false)] }
        case .dele where maildrop.readOnly:
            return [.send(.err(AppPasswordScope.readOnlyRefusal))]
        case .dele(let number):
            let actions = withMessage(number, in: maildrop) { _ in [.send(.ok("Message \(number) deleted"))] }
            if case .found = maildrop.message(number) { maildrop.markDeleted(number) }
            return actions
        case .rset:
            maildrop.unmarkAll()
            return [.send(.ok("Maildrop has \(maildrop.liveCount) messages (\(maildrop.liveSize) octets)"))]
        case .noop:
            return [.send(.ok())]
        case .capa:
            return [.sendLines(.capabilities(capabilities))]
        case .quit:
            let uids = maildrop.deletedUIDs
            if uids.isEmpty {
                state = .closed
                return [.send(.ok("\(configuration.hostname) Mailward POP3 server signing off (\(maildrop.liveCount) messages left)")), .close]
            }
            state = .update(remaining: maildrop.liveCount)
            return [.commit(mailboxID: maildrop.mailboxID, uids: uids)]
        case .user, .pass, .apop, .auth, .stls:
            return refuse(.err("Already logged in"))
        case .utf8:
            return refuse(.err("UTF8 is not supported"))
        }
    }

    private mutating func withMessage(_ number: Int, in maildrop: POP3Maildrop,
                                      _ body: (POP3Maildrop.Message) -> [Action]) -> [Action] {
        switch maildrop.message(number) {
        case .found(let message): return body(message)
        case .noSuchMessage: return refuse(.err("No such message"))
        case .deleted: return refuse(.err("Message \(number) already deleted"))
        }
    }
}
