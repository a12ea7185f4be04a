import Foundation
import MailwardCore
import MailwardTesting
import SMTPCodec
import Testing

/// Real sockets against the whole server (`TestServer`), with `LineClient`.
@Suite struct POP3DialogueTests {
    @Test func fullSessionThenDeletionsCommittedAtQuit() async throws {
        let fixture = try await POP3Fixture.start()
        let uidValidity = try await fixture.uidValidity()
        let uids = try await fixture.inbox().map(\.uid).sorted()
        let sizes = try await fixture.inbox().sorted { $0.uid < $1.uid }.map(\.size)

        let client = try await fixture.loggedInClient()
        #expect(try await client.command("STAT") == "+OK 3 \(sizes.reduce(0, +))")
        #expect(try await client.command("LIST").hasPrefix("+OK"))
        #expect(try await client.multiline() == sizes.enumerated().map { "\($0.offset + 1) \($0.element)" })
        #expect(try await client.command("UIDL").hasPrefix("+OK"))
        let uidl = try await client.multiline()
        #expect(uidl == uids.enumerated().map { "\($0.offset + 1) \(uidValidity).\($0.element)" })
        #expect(try await client.command("LIST 2") == "+OK 2 \(sizes[1])")

        // RETR: exact bytes, dot-stuffed on the wire.
        try await client.send("RETR 1\r\n")
        #expect(try await client.readLine() == "+OK \(sizes[0]) octets")
        let wire = try await client.readLines(until: { $0 == "." })
        #expect(wire.contains("..line that starts with a dot"))
        let body = wire.dropLast().map { $0.hasPrefix("..") ? String($0.dropFirst()) : $0 }.joined(separator: "\r\n") + "\r\n"
        #expect(body == POP3Fixture.sampleMessages[0].replacingOccurrences(of: #"Message-ID: <[^>]+>"#, with: body.firstMatch(of: /Message-ID: <[^>]+>/).map { String($0.output) } ?? "", options: .regularExpression))
        #expect(body.utf8.count == sizes[0])

        // TOP 2 1: headers, blank line, one body line.
        try await client.send("TOP 2 1\r\n")
        #expect(try await client.readLine().hasPrefix("+OK"))
        let top = try await client.multiline()
        #expect(top.last == "Line one")
        #expect(top.contains("Subject: Second"))
        #expect(!top.contains("Line two"))

        #expect(try await client.command("DELE 1") == "+OK Message 1 deleted")
        #expect(try await client.command("DELE 3") == "+OK Message 3 deleted")
        #expect(try await client.command("RETR 1").hasPrefix("-ERR"))
        #expect(try await client.command("NOOP") == "+OK")
        // Not yet removed: only QUIT commits.
        #expect(try await fixture.inbox().count == 3)
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        #expect(await client.waitForClose())

        let left = try await fixture.inbox()
        #expect(left.map(\.uid) == [uids[1]])
        // RETR marked the first message \\Seen (it is gone now); TOP did not mark the second one.
        #expect(!left[0].flags.contains(MessageFlags.seen))

        // The next session numbers the remaining message 1 with the same UIDL.
        let again = try await fixture.loggedInClient()
        #expect(try await again.command("UIDL 1") == "+OK 1 \(uidValidity).\(uids[1])")
        #expect(try await again.command("RETR 1").hasPrefix("+OK"))
        _ = try await again.multiline()
        #expect(try await again.command("QUIT").hasPrefix("+OK"))
        #expect(await again.waitForClose())
        #expect(try await fixture.inbox().first?.flags.contains(MessageFlags.seen) == true)
        try await fixture.stop()
    }

    /// The maildrop lists UIDs and sizes at login; a message another client expunged meanwhile
    /// is refused for good (no [SYS/TEMP]: a client would retry it forever), the others still
    /// come, and RETR marks \\Seen from the message's current flags.
    @Test func messageExpungedDuringTheSessionIsRefusedForGood() async throws {
        let fixture = try await POP3Fixture.start()
        let inbox = try await fixture.server.runtime.mail.inbox(accountID: fixture.account.id)
        let uids = try await fixture.inbox().map(\.uid).sorted()
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("STAT").hasPrefix("+OK 3 "))
        _ = try await fixture.server.runtime.mail.remove(mailboxID: inbox.id, uids: [uids[0]], onlyDeleted: false)

        #expect(try await client.command("RETR 1") == "-ERR Message was deleted by another client")
        #expect(try await client.command("RETR 2").hasPrefix("+OK"))
        _ = try await client.multiline()
        #expect(try await client.command("LIST 1").hasPrefix("+OK 1 "))  // numbers never change in a session
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        #expect(await client.waitForClose())
        let left = try await fixture.inbox().sorted { $0.uid < $1.uid }
        #expect(left.map(\.uid) == Array(uids.dropFirst()))
        #expect(left.map { $0.flags.contains(MessageFlags.seen) } == [true, false])
        try await fixture.stop()
    }

    @Test func droppedConnectionKeepsEverything() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("DELE 1").hasPrefix("+OK"))
        await client.close()
        // The lock is released once the server noticed; then a new session sees all three.
        var stat = ""
        for _ in 0..<200 {
            let next = try await LineClient.connect(port: await fixture.port())
            _ = try await next.readLine()
            _ = try await next.command("USER \(POP3Fixture.address)")
            let answer = try await next.command("PASS \(POP3Fixture.password)")
            if answer.hasPrefix("+OK") {
                stat = try await next.command("STAT")
                _ = try await next.command("QUIT")
                break
            }
            #expect(answer.hasPrefix("-ERR [IN-USE]"))
            await next.close()
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(stat.hasPrefix("+OK 3 "))
        try await fixture.stop()
    }

    /// A client that sends its commands and ends its side (`shutdown(SHUT_WR)`) still gets every
    /// answer; QUIT's deletions are committed and its +OK arrives before the end of the stream.
    @Test func aHalfClosedClientStillGetsItsAnswers() async throws {
        let fixture = try await POP3Fixture.start()
        let commands = "USER \(POP3Fixture.address)\r\nPASS \(POP3Fixture.password)\r\nSTAT\r\nDELE 1\r\nQUIT\r\n"
        let result = try await RawSocketExchange.run(port: await fixture.port(), send: Array(commands.utf8), halfClose: true)
        let lines = String(decoding: result.received, as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(lines.count == 6, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("+OK") }, "\(lines)")
        #expect(lines.dropFirst(3).first?.hasPrefix("+OK 3 ") == true, "\(lines)")
        #expect(result.ending == .endOfStream)
        let again = try await RawSocketExchange.run(port: await fixture.port(), send: Array(commands.utf8), halfClose: true)
        #expect(String(decoding: again.received, as: UTF8.self).contains("+OK 2 "), "the deletion was committed")
        try await fixture.stop()
    }

    @Test func pipelinedCommandsAnsweredInOrder() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await LineClient.connect(port: await fixture.port())
        _ = try await client.readLine()
        try await client.send("CAPA\r\nUSER \(POP3Fixture.address)\r\nPASS \(POP3Fixture.password)\r\nSTAT\r\nLIST 1\r\nUIDL\r\nRETR 3\r\nTOP 1 0\r\nDELE 2\r\nRSET\r\nNOOP\r\nQUIT\r\n")
        #expect(try await client.readLine().hasPrefix("+OK"))
        let capa = try await client.multiline()
        #expect(capa.contains("PIPELINING"))
        #expect(try await client.readLine() == "+OK Send your password")
        #expect(try await client.readLine().hasPrefix("+OK Maildrop locked"))
        #expect(try await client.readLine().hasPrefix("+OK 3 "))
        #expect(try await client.readLine().hasPrefix("+OK 1 "))
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(try await client.multiline().count == 3)
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(try await client.multiline().contains("中文内容"))
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(try await client.multiline().last == "")
        #expect(try await client.readLine() == "+OK Message 2 deleted")
        #expect(try await client.readLine().hasPrefix("+OK Maildrop has 3 messages"))
        #expect(try await client.readLine() == "+OK")
        #expect(try await client.readLine().hasPrefix("+OK"))
        #expect(await client.waitForClose())
        #expect(try await fixture.inbox().count == 3)
        try await fixture.stop()
    }

    @Test func stlsUpgradesAndDropsInjectedCommands() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await LineClient.connect(port: await fixture.port())
        _ = try await client.readLine()
        #expect(try await client.command("CAPA").hasPrefix("+OK"))
        #expect(try await client.multiline().contains("STLS"))
        // A man in the middle appends a command after STLS: it must not count.
        try await client.send("STLS\r\nUSER \(POP3Fixture.address)\r\n")
        #expect(try await client.readLine() == "+OK Begin TLS negotiation")
        try await client.startTLS()
        #expect(try await client.command("PASS \(POP3Fixture.password)") == "-ERR Send USER first")
        #expect(try await client.command("CAPA").hasPrefix("+OK"))
        let capa = try await client.multiline()
        #expect(!capa.contains("STLS"))
        #expect(capa.contains("USER"))
        #expect(try await client.command("STLS").hasPrefix("-ERR"))
        #expect(try await client.command("USER \(POP3Fixture.address)").hasPrefix("+OK"))
        #expect(try await client.command("PASS \(POP3Fixture.password)").hasPrefix("+OK"))
        #expect(try await client.command("STAT").hasPrefix("+OK 3 "))
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }

    @Test func implicitTLSPort() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await fixture.loggedInClient(tls: true)
        #expect(try await client.command("STAT").hasPrefix("+OK 3 "))
        #expect(try await client.command("RETR 2").hasPrefix("+OK"))
        #expect(try await client.multiline().contains("Line three"))
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }

    @Test func secondSessionIsInUseAcrossPorts() async throws {
        let fixture = try await POP3Fixture.start()
        let first = try await fixture.loggedInClient()
        let second = try await LineClient.connect(port: await fixture.port(tls: true), tls: true)
        _ = try await second.readLine()
        _ = try await second.command("USER \(POP3Fixture.address)")
        #expect(try await second.command("PASS \(POP3Fixture.password)").hasPrefix("-ERR [IN-USE]"))
        #expect(try await first.command("QUIT").hasPrefix("+OK"))
        #expect(await first.waitForClose())
        _ = try await second.command("USER \(POP3Fixture.address)")
        #expect(try await second.command("PASS \(POP3Fixture.password)").hasPrefix("+OK"))
        #expect(try await second.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }

    @Test func authPlainWithAndWithoutInitialResponse() async throws {
        let fixture = try await POP3Fixture.start()
        let plain = SASLPlain.encode(.init(authorizationID: nil, authenticationID: POP3Fixture.address, password: POP3Fixture.password))
        let a = try await LineClient.connect(port: await fixture.port())
        _ = try await a.readLine()
        #expect(try await a.command("AUTH PLAIN \(plain)").hasPrefix("+OK"))
        #expect(try await a.command("QUIT").hasPrefix("+OK"))
        #expect(await a.waitForClose())

        let b = try await LineClient.connect(port: await fixture.port())
        _ = try await b.readLine()
        #expect(try await b.command("AUTH PLAIN") == "+ ")
        #expect(try await b.command("*") == "-ERR Authentication cancelled")
        #expect(try await b.command("AUTH PLAIN") == "+ ")
        #expect(try await b.command(plain).hasPrefix("+OK"))
        #expect(try await b.command("STAT").hasPrefix("+OK 3"))
        #expect(try await b.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }

    @Test func threeFailedLoginsDisconnect() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await LineClient.connect(port: await fixture.port())
        _ = try await client.readLine()
        let wrong = SASLPlain.encode(.init(authorizationID: nil, authenticationID: POP3Fixture.address, password: "wrong"))
        #expect(try await client.command("AUTH PLAIN \(wrong)") == "-ERR [AUTH] Authentication failed")
        _ = try await client.command("USER nobody@pop.test")
        #expect(try await client.command("PASS whatever") == "-ERR [AUTH] Authentication failed")
        _ = try await client.command("USER \(POP3Fixture.address)")
        #expect(try await client.command("PASS \(POP3Fixture.password)x") == "-ERR [AUTH] Authentication failed")
        #expect(await client.waitForClose())
        try await fixture.stop()
    }

    @Test func overlongAndUnknownCommandsAreErrors() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await LineClient.connect(port: await fixture.port())
        _ = try await client.readLine()
        #expect(try await client.command("HELO there") == "-ERR Unknown command")
        #expect(try await client.command("USER " + String(repeating: "a", count: 5000)) == "-ERR Line too long")
        #expect(try await client.command("STAT").hasPrefix("-ERR"))
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }
}

@Suite struct POP3EdgeTests {
    /// A big message with dot-lines goes out in pieces and comes back byte for byte.
    @Test func largeMessageRoundTripsExactly() async throws {
        var body = ""
        for index in 0..<6000 { body += index % 7 == 0 ? ".dot line \(index)\r\n" : "line \(index) of a long message, some filler text\r\n" }
        body += ".\r\n..\r\n"
        let message = POP3Fixture.message(subject: "Big", body: body)
        let fixture = try await POP3Fixture.start(messages: [message])
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("RETR 1") == "+OK \(message.utf8.count) octets")
        let lines = try await client.multiline()
        #expect(lines.joined(separator: "\r\n") + "\r\n" == message)
        #expect(try await client.command("QUIT").hasPrefix("+OK"))
        try await fixture.stop()
    }

    /// An account disabled while its session is open cannot read or delete any more.
    @Test func disabledAccountLosesItsSession() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("DELE 1").hasPrefix("+OK"))
        try await fixture.server.runtime.accounts.setDisabled(POP3Fixture.address, true)
        #expect(try await client.command("RETR 2") == "-ERR [AUTH] This account can no longer be used")
        #expect(await client.waitForClose())
        #expect(try await fixture.inbox().count == 3)
        try await fixture.stop()
    }

    /// Not only reading: any command after the account was disabled ends the session (STAT
    /// would still tell the mailbox's size).
    @Test func anyCommandAfterDisablingEndsTheSession() async throws {
        let fixture = try await POP3Fixture.start()
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("STAT").hasPrefix("+OK"))
        try await fixture.server.runtime.accounts.setDisabled(POP3Fixture.address, true)
        #expect(try await client.command("STAT") == "-ERR [AUTH] This account can no longer be used")
        #expect(await client.waitForClose())
        try await fixture.stop()
    }
}
