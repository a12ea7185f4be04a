import Foundation
import MailwardCore
import SMTPCodec
import Testing
@testable import SMTPServer

/// The session state machine without sockets.
@Suite struct SMTPSessionTests {
    static let account = Account(id: 7, address: try! EmailAddress("alice@example.test"), displayName: "Alice",
                                 passwordHash: "x", disabled: false, createdAt: Date(timeIntervalSince1970: 0))

    func session(_ mode: SMTPDoorMode, loopback: Bool = false, tls: Bool = false, maxRecipients: Int = 1000,
                 outbound: Bool = false) -> SMTPSession {
        var session = SMTPSession(settings: SMTPSessionSettings(
            mode: mode, hostname: "mx.example.test", maximumMessageSize: 1000, maximumRecipients: maxRecipients,
            startTLSAvailable: !tls, implicitTLS: tls, isLoopback: loopback, outboundAvailable: outbound,
            commandTimeout: .seconds(300), dataTimeout: .seconds(180)), remoteIP: "192.0.2.1")
        _ = session.handle(.connected)
        return session
    }

    func command(_ session: inout SMTPSession, _ line: String) -> [SMTPSessionAction] {
        switch SMTPCommandDecoder.parse(line: Array(line.utf8), configuration: .init(allowsUTF8Addresses: true)) {
        case .success(let command): return session.handle(.command(command))
        case .failure(let error): return session.handle(.malformedCommand(error))
        }
    }

    /// An MX session after EHLO, MAIL and one local recipient: ready for DATA or BDAT.
    func inboundWithRecipient() -> SMTPSession {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        _ = command(&s, "MAIL FROM:<a@b.test>")
        _ = command(&s, "RCPT TO:<bob@example.test>")
        _ = s.handle(.recipientResolved(.local(3)))
        return s
    }

    func codes(_ actions: [SMTPSessionAction]) -> [String] {
        actions.compactMap { action in
            switch action {
            case .reply(let reply): "\(reply.code) \(reply.enhancedStatusCode?.description ?? "")"
            case .close(.serverEnded): "close"
            case .close(.quit): "close after QUIT"
            default: nil
            }
        }
    }

    @Test func greetingAndInboundCapabilities() {
        var s = SMTPSession(settings: .init(mode: .inbound, hostname: "mx.example.test"), remoteIP: "192.0.2.1")
        #expect(s.inputMode == .none)
        #expect(s.handle(.connected) == [.reply(.greeting(hostname: "mx.example.test"))])
        #expect(s.inputMode == .command)
        let actions = command(&s, "EHLO client.example")
        guard case .reply(let reply) = actions.first else { Issue.record("no reply"); return }
        #expect(reply.code == 250)
        for keyword in ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "STARTTLS", "SMTPUTF8", "CHUNKING", "DSN"] {
            #expect(reply.lines.contains(keyword))
        }
        #expect(reply.lines.contains("SIZE 52428800"))
        #expect(!reply.lines.contains { $0.hasPrefix("AUTH") })
        // AUTH is not a thing on the MX door.
        #expect(codes(command(&s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")) == ["502 5.5.1"])
    }

    /// Address harvesting: after ten unknown recipients every further RCPT waits a second before
    /// it is answered (Postfix's soft error limit); the session goes on, and its good recipients
    /// are still taken.
    @Test func unknownRecipientsSlowTheSessionDown() {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        _ = command(&s, "MAIL FROM:<list@elsewhere.test>")
        for i in 0..<10 {
            #expect(command(&s, "RCPT TO:<gone\(i)@example.test>") == [.resolveRecipient(SMTPPath(address: "gone\(i)@example.test")!)])
            #expect(codes(s.handle(.recipientResolved(.unknownUser))) == ["550 5.1.1"])
        }
        #expect(command(&s, "RCPT TO:<bob@example.test>")
                == [.resolveRecipient(SMTPPath(address: "bob@example.test")!, delay: .seconds(1))])
        #expect(codes(s.handle(.recipientResolved(.local(3)))) == ["250 2.1.5"])
        #expect(command(&s, "RCPT TO:<gone@example.test>")
                == [.resolveRecipient(SMTPPath(address: "gone@example.test")!, delay: .seconds(1))])
        #expect(codes(s.handle(.recipientResolved(.unknownUser))) == ["550 5.1.1"], "answered, not ended")
        #expect(codes(command(&s, "DATA")) == ["354 "])
    }

    @Test func inboundNeverRelays() {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        #expect(codes(command(&s, "MAIL FROM:<x@elsewhere.test>")) == ["250 2.1.0"])
        #expect(command(&s, "RCPT TO:<victim@far.test>") == [.resolveRecipient(SMTPPath(address: "victim@far.test")!)])
        #expect(s.inputMode == .none)
        #expect(codes(s.handle(.recipientResolved(.remote))) == ["550 5.7.1"])
        _ = command(&s, "RCPT TO:<nobody@example.test>")
        #expect(codes(s.handle(.recipientResolved(.unknownUser))) == ["550 5.1.1"])
        _ = command(&s, "RCPT TO:<full@example.test>")
        #expect(codes(s.handle(.recipientResolved(.mailboxFull(permanent: false)))) == ["452 4.2.2"])
        // No valid recipient: DATA is refused.
        #expect(codes(command(&s, "DATA")) == ["554 5.5.1"])
        _ = command(&s, "RCPT TO:<bob@example.test>")
        #expect(codes(s.handle(.recipientResolved(.local(3)))) == ["250 2.1.5"])
        #expect(codes(command(&s, "DATA")) == ["354 "])
        #expect(s.inputMode == .data)
        #expect(s.readTimeout == .seconds(180))
        let actions = s.handle(.messageComplete(SMTPDataSummary(byteCount: 10, sawBareLineEnding: false, sawNUL: false)))
        guard case .deliver(let transaction) = actions.first else { Issue.record("no delivery"); return }
        #expect(transaction.recipients == [.local(accountID: 3, address: "bob@example.test")])
        #expect(transaction.reversePath.address == "x@elsewhere.test")
        #expect(codes(s.handle(.delivered(.accepted(queueID: "Q1")))) == ["250 2.0.0"])
        // The transaction is over: RCPT needs a new MAIL.
        #expect(codes(command(&s, "RCPT TO:<bob@example.test>")) == ["503 5.5.1"])
    }

    /// DSN (RFC 3461): what MAIL's RET and ENVID and each RCPT's NOTIFY and ORCPT asked goes
    /// with the transaction, decoded from xtext; a recipient that asked nothing is not in it.
    @Test func theNotificationRequestGoesWithTheTransaction() throws {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        _ = command(&s, "MAIL FROM:<a@example.org> RET=HDRS ENVID=QQ+2B314159")
        _ = command(&s, "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Bob+2Bx@Example.TEST")
        #expect(codes(s.handle(.recipientResolved(.local(3)))) == ["250 2.1.5"])
        _ = command(&s, "RCPT TO:<carol@example.test> NOTIFY=NEVER")
        _ = s.handle(.recipientResolved(.local(4)))
        _ = command(&s, "RCPT TO:<dan@example.test>")
        _ = s.handle(.recipientResolved(.local(5)))
        // A refused recipient's request is not kept.
        _ = command(&s, "RCPT TO:<eve@example.test> NOTIFY=SUCCESS")
        _ = s.handle(.recipientResolved(.unknownUser))
        _ = command(&s, "DATA")
        let actions = s.handle(.messageComplete(SMTPDataSummary(byteCount: 10, sawBareLineEnding: false, sawNUL: false)))
        guard case .deliver(let transaction) = actions.first else { Issue.record("no delivery"); return }
        let request = try #require(transaction.notifications)
        #expect(request.envelopeID == "QQ+314159" && request.returned == .headers)
        #expect(request.recipients == [
            "bob@example.test": .init(notify: [.success, .delay], originalRecipient: "rfc822;Bob+x@Example.TEST"),
            "carol@example.test": .init(notify: []),
        ])
        #expect(request.reports(.success, for: "BOB@example.test") && !request.reports(.failure, for: "bob@example.test"))
        #expect(!request.reports(.failure, for: "carol@example.test"))
        #expect(request.reports(.failure, for: "dan@example.test") && !request.reports(.success, for: "dan@example.test"))
    }

    /// With DSN not offered (`smtp.mx-dsn: false`) EHLO does not name it and its parameters are
    /// refused like unknown ones (Postfix's `smtpd_discard_ehlo_keywords = dsn`); mail without
    /// them goes on as before.
    @Test func dsnCanBeLeftOut() {
        var settings = SMTPSessionSettings(mode: .inbound, hostname: "mx.example.test")
        settings.offersDSN = false
        var s = SMTPSession(settings: settings, remoteIP: "192.0.2.1")
        _ = s.handle(.connected)
        let ehlo = command(&s, "EHLO c")
        guard case .reply(let reply) = ehlo.first else { Issue.record("no EHLO reply"); return }
        #expect(!reply.lines.contains("DSN") && reply.lines.contains("PIPELINING"), "\(reply.lines)")
        #expect(codes(command(&s, "MAIL FROM:<a@example.org> RET=HDRS")) == ["555 5.5.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@example.org> ENVID=x")) == ["555 5.5.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@example.org> BODY=8BITMIME")) == ["250 2.1.0"])
        #expect(codes(command(&s, "RCPT TO:<bob@example.test> NOTIFY=SUCCESS")) == ["555 5.5.4"])
        #expect(codes(command(&s, "RCPT TO:<bob@example.test> ORCPT=rfc822;bob@example.test")) == ["555 5.5.4"])
        #expect(command(&s, "RCPT TO:<bob@example.test>") == [.resolveRecipient(SMTPPath(address: "bob@example.test")!)])
    }

    /// After HELO no extension was offered (RFC 5321 §2.2.1): MAIL parameters are refused.
    @Test func heloOffersNoExtensionParameters() {
        var s = session(.inbound)
        _ = command(&s, "HELO c")
        #expect(codes(command(&s, "MAIL FROM:<a@example.org> BODY=8BITMIME")) == ["555 5.5.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@example.org> SIZE=100")) == ["555 5.5.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@example.org>")) == ["250 2.1.0"])
        // RCPT parameters too (DSN's NOTIFY and ORCPT are tolerated after EHLO only).
        #expect(codes(command(&s, "RCPT TO:<bob@example.test> NOTIFY=NEVER")) == ["555 5.5.4"])
        #expect(codes(command(&s, "RCPT TO:<bob@example.test> ORCPT=rfc822;bob@example.test")) == ["555 5.5.4"])
        #expect(command(&s, "RCPT TO:<bob@example.test>") == [.resolveRecipient(SMTPPath(address: "bob@example.test")!)])
    }

    /// CHUNKING is offered after EHLO only (RFC 3030 §2): BDAT after HELO has its chunk read and
    /// thrown away (never taken for commands), is answered 503, and nothing is delivered.
    @Test func bdatAfterHELOIsRefusedWithItsChunkDiscarded() {
        var s = session(.inbound)
        _ = command(&s, "HELO c")
        _ = command(&s, "MAIL FROM:<a@example.org>")
        _ = command(&s, "RCPT TO:<bob@example.test>")
        _ = s.handle(.recipientResolved(.local(3)))
        #expect(command(&s, "BDAT 5 LAST") == [])
        #expect(s.inputMode == .chunk(size: 5, last: true, discard: true, first: true))
        #expect(codes(s.handle(.messageComplete(SMTPDataSummary(byteCount: 5, sawBareLineEnding: false, sawNUL: false)))) == ["503 5.5.1"])
        #expect(s.transaction == nil)
        #expect(s.inputMode == .command)
        #expect(codes(command(&s, "NOOP")) == ["250 2.0.0"])
    }

    @Test func bareLineEndingsAndNULAreRefusedWithoutDelivery() {
        for (summary, expected) in [
            (SMTPDataSummary(byteCount: 10, sawBareLineEnding: true, sawNUL: false), "550 5.6.11"),
            (SMTPDataSummary(byteCount: 10, sawBareLineEnding: false, sawNUL: true), "550 5.6.0"),
        ] {
            var s = session(.inbound)
            _ = command(&s, "HELO c")
            _ = command(&s, "MAIL FROM:<>")
            _ = command(&s, "RCPT TO:<bob@example.test>")
            _ = s.handle(.recipientResolved(.local(3)))
            _ = command(&s, "DATA")
            #expect(codes(s.handle(.messageComplete(summary))) == [expected])
            #expect(s.transaction == nil)
            #expect(s.inputMode == .command)
        }
    }

    @Test func sizeAndRecipientLimits() {
        var s = session(.inbound, maxRecipients: 2)
        _ = command(&s, "EHLO c")
        #expect(codes(command(&s, "MAIL FROM:<a@b.test> SIZE=5000")) == ["552 5.3.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@b.test> FOO=bar")) == ["555 5.5.4"])
        #expect(codes(command(&s, "MAIL FROM:<a@b.test> BODY=BINARYMIME")) == ["555 5.5.4"])
        _ = command(&s, "MAIL FROM:<a@b.test> SIZE=500")
        for name in ["r1", "r2"] {
            _ = command(&s, "RCPT TO:<\(name)@example.test>")
            _ = s.handle(.recipientResolved(.local(name == "r1" ? 1 : 2)))
        }
        #expect(codes(command(&s, "RCPT TO:<r3@example.test>")) == ["452 4.5.3"])
        _ = command(&s, "DATA")
        #expect(codes(s.handle(.messageTooLarge)) == ["552 5.3.4"])
        #expect(s.transaction == nil)
    }

    @Test func internationalizedAddressesNeedSMTPUTF8() {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        #expect(codes(command(&s, "MAIL FROM:<张三@例子.test>")) == ["553 5.6.7"])
        #expect(command(&s, "MAIL FROM:<张三@例子.test> SMTPUTF8").count == 1)
        #expect(s.transaction != nil)
    }

    @Test func submissionNeedsTLSThenAuthThenOwnSender() {
        var s = session(.submission)
        var reply = command(&s, "EHLO c")
        guard case .reply(let ehlo) = reply.first else { Issue.record("no EHLO reply"); return }
        #expect(!ehlo.lines.contains { $0.hasPrefix("AUTH") })
        #expect(codes(command(&s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")) == ["538 5.7.11"])
        #expect(codes(command(&s, "MAIL FROM:<alice@example.test>")) == ["530 5.7.0"])
        #expect(command(&s, "STARTTLS") == [.startTLS(.readyToStartTLS)])
        #expect(s.handle(.tlsStarted) == [])
        #expect(s.helo == nil)
        reply = command(&s, "EHLO c")
        guard case .reply(let secured) = reply.first else { Issue.record("no EHLO reply"); return }
        #expect(secured.lines.contains("AUTH PLAIN LOGIN"))
        #expect(!secured.lines.contains("STARTTLS"))
        #expect(codes(command(&s, "MAIL FROM:<alice@example.test>")) == ["530 5.7.0"])
        #expect(command(&s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==") == [.authenticate(username: "alice", password: "secret")])
        #expect(codes(s.handle(.authenticated(.success(Self.account, .accountPassword)))) == ["235 2.7.0"])
        #expect(command(&s, "MAIL FROM:<mallory@example.test>") == [.checkSender(SMTPPath(address: "mallory@example.test")!)])
        #expect(codes(s.handle(.senderChecked(.notAllowed))) == ["550 5.7.1"])
        _ = command(&s, "MAIL FROM:<owner@example.test>")
        #expect(s.handle(.senderChecked(.sharePermissionForbids(.readOnly)))
                == [.reply(SMTPReply(code: 550, .init(5, 7, 1), "The read only permission does not allow you to reply to, forward or send mail from this mailbox."))])
        _ = command(&s, "MAIL FROM:<alice@example.test>")
        #expect(codes(s.handle(.senderChecked(.allowed))) == ["250 2.1.0"])
        // Remote recipients need the outbound queue.
        _ = command(&s, "RCPT TO:<friend@far.test>")
        #expect(codes(s.handle(.recipientResolved(.remote))) == ["451 4.3.0"])
    }

    @Test func submissionQueuesRemoteRecipientsWhenOutboundExists() {
        var s = session(.submission, loopback: true, outbound: true)
        _ = command(&s, "EHLO c")
        _ = command(&s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")
        _ = s.handle(.authenticated(.success(Self.account, .accountPassword)))
        _ = command(&s, "MAIL FROM:<alice@example.test>")
        _ = s.handle(.senderChecked(.allowed))
        _ = command(&s, "RCPT TO:<friend@far.test>")
        #expect(codes(s.handle(.recipientResolved(.remote))) == ["250 2.1.5"])
        #expect(s.transaction?.recipients == [.remote(address: "friend@far.test")])
        _ = command(&s, "DATA")
        _ = s.handle(.messageComplete(SMTPDataSummary(byteCount: 1, sawBareLineEnding: false, sawNUL: false)))
        #expect(codes(s.handle(.delivered(.senderNotAllowed))) == ["550 5.7.1"])
    }

    @Test func authLoginExchangeAndFailuresEndTheConnection() {
        var s = session(.submission, tls: true)
        _ = command(&s, "EHLO c")
        #expect(command(&s, "AUTH LOGIN") == [.reply(SASLLogin.usernamePrompt)])
        #expect(s.inputMode == .authenticationLine)
        #expect(s.handle(.authenticationLine(Data("alice".utf8).base64EncodedString())) == [.reply(SASLLogin.passwordPrompt)])
        let actions = s.handle(.authenticationLine(Data("wrong".utf8).base64EncodedString()))
        #expect(actions == [.authenticate(username: "alice", password: "wrong")])
        #expect(!"\(actions[0])".contains("wrong"))
        #expect(codes(s.handle(.authenticated(.invalid))) == ["535 5.7.8"])
        // A8: the account password of a two-step account gets the explanation.
        _ = command(&s, "AUTH PLAIN AGFsaWNlAHNlY3JldA==")
        let a8 = s.handle(.authenticated(.clientPasswordRequired))
        guard case .reply(let refusal) = a8.first else { Issue.record("no reply"); return }
        #expect(refusal.code == 535 && refusal.enhancedStatusCode?.description == "5.7.8")
        #expect(refusal.lines[0].contains("client-specific password"))
        // A cancel (RFC 4954 "*") tried no password: not a failure.
        _ = command(&s, "AUTH LOGIN")
        #expect(codes(s.handle(.authenticationLine("*"))) == ["501 5.7.0"])
        #expect(!s.isClosed)
        // Third failure: 421 and close.
        _ = command(&s, "AUTH PLAIN AGFsaWNlAHdyb25n")
        #expect(codes(s.handle(.authenticated(.invalid))) == ["535 5.7.8", "421 4.7.0", "close"])
        #expect(s.isClosed)
    }

    @Test func plainWithOtherAuthorizationIdentityIsRefused() {
        var s = session(.submission, loopback: true)
        _ = command(&s, "EHLO c")
        let foreign = Data("bob\u{0}alice\u{0}secret".utf8).base64EncodedString()
        #expect(codes(command(&s, "AUTH PLAIN \(foreign)")) == ["535 5.7.8"])
        #expect(command(&s, "AUTH PLAIN") == [.reply(.authenticationChallenge(""))])
        #expect(s.handle(.authenticationLine("AGFsaWNlAHNlY3JldA==")) == [.authenticate(username: "alice", password: "secret")])
    }

    /// RFC 4954 §4: a response that is not base64 is refused with 501 5.5.2, one over the
    /// line limit with 500 5.5.6; either ends the exchange, not the session.
    @Test func saslResponsesThatAreNotBase64OrTooLong() {
        func submission() -> SMTPSession {
            var s = session(.submission, loopback: true)
            _ = command(&s, "EHLO c")
            return s
        }
        var s = submission()
        #expect(codes(command(&s, "AUTH PLAIN not*base64")) == ["501 5.5.2"])
        s = submission()
        _ = command(&s, "AUTH LOGIN")
        #expect(codes(s.handle(.authenticationLine("@@@"))) == ["501 5.5.2"])
        s = submission()
        _ = command(&s, "AUTH LOGIN")
        _ = s.handle(.authenticationLine("YWxpY2U="))
        #expect(codes(s.handle(.authenticationLine("%%%"))) == ["501 5.5.2"])
        s = submission()
        _ = command(&s, "AUTH PLAIN")
        #expect(codes(s.handle(.malformedAuthenticationLine(SMTPDecodeError(.lineTooLong, "line too long")))) == ["500 5.5.6"])
        #expect(s.inputMode == .command)
        #expect(!s.isClosed)
    }

    @Test func tooManyErrorsEndTheConnection() {
        var s = session(.inbound)
        var last: [String] = []
        for _ in 0..<10 { last = codes(command(&s, "BOGUS")) }
        #expect(last == ["500 5.5.2", "421 4.7.0", "close"])
        #expect(s.isClosed)
        #expect(s.handle(.command(.noop)) == [])
    }

    /// Postfix's junk command limit: past 100 commands that move no mail, each counts as an
    /// error, and the error limit ends the session; an accepted message starts the count again.
    @Test func aClientThatOnlyChatsIsEnded() {
        var s = session(.inbound)
        for _ in 0..<100 { #expect(codes(command(&s, "NOOP")) == ["250 2.0.0"]) }
        for _ in 0..<9 { #expect(codes(command(&s, "RSET")) == ["250 2.0.0"]) }
        #expect(codes(command(&s, "NOOP")) == ["250 2.0.0", "421 4.7.0", "close"])
        #expect(s.isClosed)

        var t = inboundWithRecipient()
        for _ in 0..<100 { _ = command(&t, "NOOP") }
        _ = command(&t, "DATA")
        _ = t.handle(.messageComplete(SMTPDataSummary(byteCount: 10, sawBareLineEnding: false, sawNUL: false)))
        #expect(codes(t.handle(.delivered(.accepted(queueID: "Q")))) == ["250 2.0.0"])
        for _ in 0..<100 { _ = command(&t, "NOOP") }
        #expect(!t.isClosed)
    }

    @Test func timeoutsAndShutdown() {
        var s = session(.inbound)
        #expect(s.readTimeout == .seconds(300))
        #expect(codes(s.handle(.timeout)) == ["421 4.4.2", "close"])
        var t = session(.inbound)
        #expect(codes(t.handle(.shutdown)) == ["421 4.3.2", "close"])
    }

    /// Only QUIT's close says the client is done sending; the handler closes every other one in
    /// order (its side first, then the client's input drained).
    @Test func quitClosesAsTheClientsEnd() {
        var s = session(.inbound)
        _ = command(&s, "EHLO c")
        #expect(codes(command(&s, "QUIT")) == ["221 2.0.0", "close after QUIT"])
        #expect(s.isClosed)
    }

    @Test func chunkingCollectsChunksThenDelivers() {
        var s = inboundWithRecipient()
        #expect(command(&s, "BDAT 400") == [])
        #expect(s.inputMode == .chunk(size: 400, last: false, discard: false, first: true))
        #expect(codes(s.handle(.messageComplete(SMTPDataSummary(byteCount: 400, sawBareLineEnding: false, sawNUL: false)))) == ["250 2.0.0"])
        _ = command(&s, "BDAT 100 LAST")
        #expect(s.inputMode == .chunk(size: 100, last: true, discard: false, first: false))
        let actions = s.handle(.messageComplete(SMTPDataSummary(byteCount: 100, sawBareLineEnding: false, sawNUL: false)))
        guard case .deliver = actions.first else { Issue.record("no delivery"); return }
        // A chunk that overflows the limit is read, discarded and the message refused.
        _ = s.handle(.delivered(.accepted(queueID: "Q")))
        _ = command(&s, "MAIL FROM:<a@b.test>")
        _ = command(&s, "RCPT TO:<bob@example.test>")
        _ = s.handle(.recipientResolved(.local(3)))
        _ = command(&s, "BDAT 600")
        _ = s.handle(.messageComplete(SMTPDataSummary(byteCount: 600, sawBareLineEnding: false, sawNUL: false)))
        _ = command(&s, "BDAT 600 LAST")
        #expect(s.inputMode == .chunk(size: 600, last: true, discard: true, first: false))
        #expect(codes(s.handle(.messageComplete(SMTPDataSummary(byteCount: 600, sawBareLineEnding: false, sawNUL: false)))) == ["552 5.3.4"])
        // BDAT without a transaction: the chunk is swallowed and refused.
        _ = command(&s, "BDAT 5 LAST")
        #expect(s.inputMode == .chunk(size: 5, last: true, discard: true, first: true))
        #expect(codes(s.handle(.messageComplete(SMTPDataSummary(byteCount: 5, sawBareLineEnding: false, sawNUL: false)))) == ["503 5.5.1"])
    }

    /// A chunk bigger than any message may be is not read at all: a client declaring terabytes
    /// gets 552 at once and the connection ends.
    @Test func aChunkOverTheWholeLimitIsRefusedUnread() {
        var s = inboundWithRecipient()
        #expect(codes(command(&s, "BDAT 99999999999999 LAST")) == ["552 5.3.4", "close"])
        #expect(s.isClosed)
    }

    /// A BDAT line whose chunk cannot be read or skipped — a size one digit more than the codec
    /// represents (found by smtp-fuzz), or no usable size at all — ends the session like any
    /// chunk over the limit: answered and left open, the chunk's octets were read as commands.
    @Test(arguments: [
        ("BDAT 9223372036854775807 LAST", "552 5.3.4"), ("BDAT 99999999999999999999", "552 5.3.4"),
        ("BDAT 1000000000000000000000000 LAST", "552 5.3.4"),
        ("BDAT x", "501 5.5.4"), ("BDAT 10 FIRST", "501 5.5.4"), ("BDAT 5 LAST x", "501 5.5.4"), ("BDAT", "501 5.5.4"),
    ])
    func aBDATLineWhoseChunkCannotBeDelimitedEndsTheSession(_ line: String, _ reply: String) {
        var s = inboundWithRecipient()
        #expect(codes(command(&s, line)) == [reply, "close"])
        #expect(s.isClosed)
        // What the client sends as the chunk is never taken for a command.
        #expect(command(&s, "RSET") == [])
    }

    @Test func receivedHeaderCannotBeInjected() {
        let client = SMTPClientInfo(helo: "evil\r\nX-Injected: yes", remoteIP: "192.0.2.1", esmtp: true, tls: true,
                                    account: Self.account)
        let header = TraceHeaders.received(client: client, hostname: "mx.example.test", queueID: "Q1",
                                           recipients: ["bob@example.test"], date: Date(timeIntervalSince1970: 0))
        #expect(header.hasPrefix("Received: from evil  X-Injected: yes ([192.0.2.1])\r\n"))
        #expect(header.contains("with ESMTPSA (using TLS) id Q1"))
        #expect(header.contains("for <bob@example.test>;"))
        #expect(header.hasSuffix("Thu, 1 Jan 1970 00:00:00 +0000\r\n"))
        #expect(TraceHeaders.returnPath("") == "Return-Path: <>\r\n")
        // RFC 6531 §3.7.3: under SMTPUTF8 the keyword is UTF8SMTP…; an IPv6 client an IPv6 literal.
        let utf8 = TraceHeaders.received(client: client, hostname: "mx.example.test", queueID: "Q2",
                                         recipients: [], date: Date(timeIntervalSince1970: 0), smtpUTF8: true)
        #expect(utf8.contains("with UTF8SMTPSA (using TLS) id Q2"))
        let v6 = SMTPClientInfo(helo: "h", remoteIP: "2001:db8::1", esmtp: true, tls: false, account: nil)
        #expect(TraceHeaders.received(client: v6, hostname: "mx", queueID: "Q3", recipients: [], date: Date())
            .hasPrefix("Received: from h ([IPv6:2001:db8::1])\r\n\tby mx (Mailward) with ESMTP id Q3"))
    }
}
