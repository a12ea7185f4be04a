import MailwardCore
import POP3Codec
@testable import POP3Server
import SMTPCodec
import Testing

/// The state machine without sockets: every answer it decides.
@Suite struct POP3SessionTests {
    typealias Action = POP3Session.Action

    static let configuration = POP3Session.Configuration(hostname: "mail.test", failureDelay: .milliseconds(5))
    static let maildrop = POP3Maildrop(mailboxID: 7, uidValidity: 1234, messages: [
        .init(uid: 3, size: 100), .init(uid: 5, size: 200), .init(uid: 9, size: 300),
    ])

    func session(tls: Bool = false, loopback: Bool = true) -> POP3Session {
        POP3Session(configuration: Self.configuration, isTLS: tls, isLoopback: loopback)
    }

    /// A session in the TRANSACTION state with ``maildrop``.
    func loggedIn() -> POP3Session {
        var session = session()
        _ = session.received(.user("ann@example.test"))
        #expect(session.received(.pass("secret")) == [.authenticate(.init(authorizationID: nil, authenticationID: "ann@example.test", password: "secret"))])
        _ = session.loginFinished(.loggedIn(Self.maildrop))
        return session
    }

    func capaLines(_ actions: [Action]) -> [String] {
        guard case .sendLines(let response) = actions.first else { return [] }
        return response.lines
    }

    @Test func greetingIsOK() {
        let actions = session().greeting()
        #expect(actions.count == 1)
        guard case .send(let response) = actions[0] else { Issue.record("no greeting"); return }
        #expect(response.status == .ok)
    }

    @Test func capabilitiesOnLoopbackCleartext() {
        var session = session()
        let lines = capaLines(session.received(.capa))
        #expect(lines == ["TOP", "UIDL", "USER", "SASL PLAIN", "STLS", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
                          "EXPIRE NEVER", "IMPLEMENTATION Mailward"])
    }

    @Test func cleartextRemoteConnectionRefusesPasswords() {
        var session = session(loopback: false)
        let lines = capaLines(session.received(.capa))
        #expect(!lines.contains("USER"))
        #expect(!lines.contains { $0.hasPrefix("SASL") })
        #expect(lines.contains("STLS"))
        #expect(session.received(.user("ann")) == [.send(.err(.auth, "Plain-text authentication is refused on an unencrypted connection; use STLS or port 995"))])
        guard case .send(let response) = session.received(.auth(mechanism: "PLAIN", initialResponse: "AGEAYg==")).first else {
            Issue.record("no answer"); return
        }
        #expect(response.code == .auth)
        // After STLS the same connection may log in.
        #expect(session.received(.stls) == [.startTLS(.ok("Begin TLS negotiation"))])
        session.tlsStarted()
        let after = capaLines(session.received(.capa))
        #expect(after.contains("USER") && after.contains("SASL PLAIN") && !after.contains("STLS"))
        #expect(session.received(.user("ann")) == [.send(.ok("Send your password"))])
    }

    @Test func stlsRefusedWhenAlreadyTLS() {
        var session = session(tls: true, loopback: false)
        guard case .send(let response) = session.received(.stls).first else { Issue.record("no answer"); return }
        #expect(response.status == .err)
    }

    @Test func passNeedsUserImmediatelyBefore() {
        var session = session()
        #expect(session.received(.pass("x")) == [.send(.err("Send USER first"))])
        _ = session.received(.user("ann"))
        _ = session.received(.noop)
        #expect(session.received(.pass("x")) == [.send(.err("Send USER first"))])
    }

    @Test func transactionCommandsBeforeLoginAreRefused() {
        var session = session()
        for command: POP3Command in [.stat, .list(nil), .retr(1), .dele(1), .uidl(nil), .top(1, lines: 0), .rset, .noop] {
            guard case .send(let response) = session.received(command).first else { Issue.record("no answer"); continue }
            #expect(response.status == .err)
        }
    }

    @Test func statListUidl() {
        var session = loggedIn()
        #expect(session.received(.stat) == [.send(.ok("3 600"))])
        #expect(session.received(.list(nil)) == [.sendLines(.scanListings([(1, 100), (2, 200), (3, 300)]))])
        #expect(session.received(.list(2)) == [.send(.ok("2 200"))])
        #expect(session.received(.uidl(nil)) == [.sendLines(.uniqueIDListings([(1, "1234.3"), (2, "1234.5"), (3, "1234.9")]))])
        #expect(session.received(.uidl(3)) == [.send(.ok("3 1234.9"))])
        #expect(session.received(.list(4)) == [.send(.err("No such message"))])
    }

    @Test func retrAndTopAskTheGlueToSend() {
        var session = loggedIn()
        #expect(session.received(.retr(2)) == [.sendMessage(.init(uid: 5, size: 200), bodyLines: nil, markSeen: true)])
        #expect(session.received(.top(1, lines: 0)) == [.sendMessage(.init(uid: 3, size: 100), bodyLines: 0, markSeen: false)])
    }

    @Test func deleteHidesUntilRsetAndCommitsOnlyAtQuit() {
        var session = loggedIn()
        #expect(session.received(.dele(2)) == [.send(.ok("Message 2 deleted"))])
        #expect(session.received(.dele(2)) == [.send(.err("Message 2 already deleted"))])
        #expect(session.received(.retr(2)) == [.send(.err("Message 2 already deleted"))])
        #expect(session.received(.stat) == [.send(.ok("2 400"))])
        #expect(session.received(.list(nil)) == [.sendLines(.scanListings([(1, 100), (3, 300)]))])
        _ = session.received(.rset)
        #expect(session.received(.stat) == [.send(.ok("3 600"))])
        _ = session.received(.dele(1))
        _ = session.received(.dele(3))
        #expect(session.received(.quit) == [.commit(mailboxID: 7, uids: [3, 9])])
        #expect(!session.isClosed)
        let bye = session.updateFinished(removed: true)
        #expect(bye.last == .close)
        #expect(session.isClosed)
        guard case .send(let response) = bye.first else { Issue.record("no answer"); return }
        #expect(response.status == .ok)
        #expect(response.text.contains("1 messages left"))
    }

    @Test func quitWithoutDeletionsDoesNotCommit() {
        var session = loggedIn()
        let actions = session.received(.quit)
        #expect(actions.count == 2)
        #expect(actions.last == .close)
    }

    @Test func failedUpdateSaysSysTemp() {
        var session = loggedIn()
        _ = session.received(.dele(1))
        _ = session.received(.quit)
        #expect(session.updateFinished(removed: false) == [.send(.err(.systemTemporary, "Some deleted messages were not removed")), .close])
    }

    @Test func timeoutAndShutdownNeverCommit() {
        var a = loggedIn()
        _ = a.received(.dele(1))
        let timedOut = a.timedOut()
        #expect(timedOut.last == .close)
        #expect(!timedOut.contains { if case .commit = $0 { true } else { false } })
        var b = loggedIn()
        _ = b.received(.dele(1))
        let stopping = b.shuttingDown()
        #expect(stopping == [.send(.err(.systemTemporary, "Server shutting down, try again later")), .close])
    }

    @Test func failedLoginsArePausedAndTheThirdCloses() {
        var session = session()
        for attempt in 1...3 {
            _ = session.received(.user("ann"))
            _ = session.received(.pass("wrong"))
            let actions = session.loginFinished(.invalid)
            #expect(actions.first == .pause(.milliseconds(5)))
            #expect(actions.dropFirst().first == .send(.err(.auth, "Authentication failed")))
            #expect((actions.last == .close) == (attempt == 3))
        }
        #expect(session.isClosed)
    }

    @Test func clientPasswordRequiredNamesTheFix() {
        var session = session()
        _ = session.received(.user("ann"))
        _ = session.received(.pass("main-password"))
        let actions = session.loginFinished(.clientPasswordRequired)
        #expect(actions.contains(.send(.err(.auth, ClientPasswordNotice.asciiText))))
    }

    @Test func inUseAndTemporaryFailureCodes() {
        var session = session()
        _ = session.received(.user("ann"))
        _ = session.received(.pass("pw"))
        #expect(session.loginFinished(.inUse) == [.send(.err(.inUse, "Maildrop is in use by another POP3 session"))])
        _ = session.received(.user("ann"))
        _ = session.received(.pass("pw"))
        guard case .send(let response) = session.loginFinished(.temporaryFailure).first else { Issue.record("no answer"); return }
        #expect(response.code == .systemTemporary)
        #expect(session.authenticationFailures == 0)
    }

    /// A lease lost to another node's session ends this one without UPDATE: DELE marks stay.
    @Test func aLostMaildropLockEndsTheSessionWithoutUpdate() {
        var session = loggedIn()
        _ = session.received(.dele(1))
        #expect(session.maildropLockLost() == [.send(.err(.systemTemporary, "The maildrop lock was lost, log in again")), .close])
        #expect(session.isClosed)
        #expect(session.maildropLockLost().isEmpty)
    }

    @Test func authPlainWithInitialResponse() {
        var session = session()
        let initial = SASLPlain.encode(.init(authorizationID: nil, authenticationID: "ann", password: "pw"))
        #expect(session.received(.auth(mechanism: "PLAIN", initialResponse: initial))
            == [.authenticate(.init(authorizationID: nil, authenticationID: "ann", password: "pw"))])
    }

    @Test func authPlainWithContinuationAndCancel() {
        var session = session()
        #expect(session.received(.auth(mechanism: "PLAIN", initialResponse: nil)) == [.send(.continuation())])
        #expect(session.expectsAuthenticationLine)
        #expect(session.receivedAuthenticationLine("*") == [.send(.err("Authentication cancelled"))])
        #expect(!session.expectsAuthenticationLine)
        _ = session.received(.auth(mechanism: "PLAIN", initialResponse: nil))
        let response = SASLPlain.encode(.init(authorizationID: "ann", authenticationID: "ann", password: "pw"))
        #expect(session.receivedAuthenticationLine(response) == [.authenticate(.init(authorizationID: "ann", authenticationID: "ann", password: "pw"))])
    }

    @Test func authPlainForeignAuthorizationIdentityFails() {
        var session = session()
        let initial = SASLPlain.encode(.init(authorizationID: "boss", authenticationID: "ann", password: "pw"))
        let actions = session.received(.auth(mechanism: "PLAIN", initialResponse: initial))
        #expect(actions.contains(.send(.err(.auth, "Authentication failed"))))
        #expect(session.authenticationFailures == 1)
    }

    @Test func unknownMechanismAndMechanismList() {
        var session = session()
        #expect(session.received(.auth(mechanism: "CRAM-MD5", initialResponse: nil)) == [.send(.err("Unsupported authentication mechanism"))])
        #expect(session.received(.auth(mechanism: nil, initialResponse: nil))
            == [.sendLines(POP3MultilineResponse(status: .ok("Supported mechanisms follow"), lines: ["PLAIN"]))])
    }

    @Test func tooManyInvalidCommandsClose() {
        var session = session()
        var last: [Action] = []
        for _ in 0..<Self.configuration.maximumInvalidCommands {
            last = session.receivedInvalid(POP3DecodeError(.unknownCommand, "unknown command"))
        }
        #expect(last.last == .close)
        #expect(session.isClosed)
    }

    @Test func capabilitiesAfterLoginDropLoginCommands() {
        var session = loggedIn()
        let lines = capaLines(session.received(.capa))
        #expect(!lines.contains("USER") && !lines.contains("STLS"))
        #expect(lines.contains("UIDL") && lines.contains("TOP"))
    }

    @Test func passwordsNeverAppearInDescriptions() {
        let action = Action.authenticate(.init(authorizationID: nil, authenticationID: "ann", password: "hunter2-secret"))
        #expect(!"\(action)".contains("hunter2-secret"))
    }
}
