import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// SPEC B4 end to end: scoped client-specific passwords made through the JSON API, then used at
/// the real IMAP, POP3 and SMTP doors over sockets — the door a password was not made for
/// refuses it in words, a read-only one reads without changing anything, an ended one stops.
@Suite struct ScopedClientPasswordTests {
    let address = "zhang.san@example.edu.cn"

    /// A server with the account, one message in its INBOX, and a signed-in API client.
    func start() async throws -> (TestServer, APIClient) {
        let server = try await TestServer.start()
        try await server.addUser(address)
        let smtp = try await LineClient.connect(port: await server.port(.smtp))
        #expect(try await smtpReplyCode(smtp, nil) == 220)
        for line in ["EHLO sender.example", "MAIL FROM:<carol@elsewhere.test>", "RCPT TO:<\(address)>"] {
            #expect(try await smtpReplyCode(smtp, line) == 250)
        }
        #expect(try await smtpReplyCode(smtp, "DATA") == 354)
        #expect(try await smtpReplyCode(smtp, "Subject: to be read\r\n\r\nHello\r\n.") == 250)
        await smtp.close()
        let web = APIClient(port: await server.port(.http))
        let reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": "Tea-Garden-42"])
        #expect(reply["status"] as? String == "ok")
        return (server, web)
    }

    /// Makes a client-specific password with `fields` (and a name); returns its text and listing.
    func make(_ web: APIClient, _ fields: [String: Any]) async throws -> (password: String, listed: [String: Any]) {
        var body = fields
        body["name"] = "Reader"
        let reply = try await web.call(.POST, "/api/v1/app-passwords", body)
        #expect(reply.status == 201, "\(reply.body)")
        return (try #require(reply["password"] as? String), reply.object)
    }

    /// Sends one tagged IMAP command and returns its lines, the tagged status last.
    func imap(_ client: LineClient, _ tag: String, _ command: String) async throws -> [String] {
        try await client.send("\(tag) \(command)\r\n")
        return try await client.readLines { $0.hasPrefix(tag + " ") }
    }

    func imapLogin(_ server: TestServer, _ password: String) async throws -> (LineClient, [String]) {
        let client = try await LineClient.connect(port: await server.port(.imap))
        #expect(try await client.readLine().hasPrefix("* OK"))
        return (client, try await imap(client, "a1", "LOGIN \(address) \(password)"))
    }

    func pop3(_ client: LineClient, _ command: String) async throws -> String {
        try await client.send(command + "\r\n")
        return try await client.readLine()
    }

    func smtpAuth(_ server: TestServer, _ password: String) async throws -> String {
        let client = try await LineClient.connect(port: await server.port(.submission))
        #expect(try await smtpReplyCode(client, nil) == 220)
        #expect(try await smtpReplyCode(client, "EHLO client.example") == 250)
        let token = Data("\0\(address)\0\(password)".utf8).base64EncodedString()
        try await client.send("AUTH PLAIN \(token)\r\n")
        let reply = try await client.readLine()
        await client.close()
        return reply
    }

    @Test func theAPIChecksTheScope() async throws {
        let (server, web) = try await start()
        let refused: [([String: Any], String)] = [
            (["protocols": [String]()], "invalid_scope"), (["protocols": ["imap", "ftp"]], "invalid_scope"),
            (["protocols": "imap"], "invalid_scope"), (["protocols": ["smtp"], "read_only": true], "invalid_scope"),
            (["expires_at": "2020-01-01T00:00:00Z"], "invalid_scope"), (["expires_at": "tomorrow"], "invalid_expiry"),
        ]
        for (fields, code) in refused {
            var body = fields
            body["name"] = "Bad"
            let reply = try await web.call(.POST, "/api/v1/app-passwords", body)
            #expect(reply.status == 400, "\(fields): \(reply.body)")
            #expect(reply.error == code, "\(fields): \(reply.body)")
        }
        #expect(try await web.call(.GET, "/api/v1/app-passwords").array.isEmpty, "nothing made by a refused request")

        let end = Date().addingTimeInterval(30 * 86_400)
        let (_, made) = try await make(web, ["protocols": ["pop3", "imap"], "read_only": true,
                                             "expires_at": ISO8601DateFormatter().string(from: end)])
        #expect(made["protocols"] as? [String] == ["imap", "pop3"])
        #expect(made["read_only"] as? Bool == true)
        #expect(made["expired"] as? Bool == false)
        let listed = try #require(try await web.call(.GET, "/api/v1/app-passwords").array.first)
        #expect(listed["protocols"] as? [String] == ["imap", "pop3"])
        #expect((listed["expires_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
                .map { abs($0.timeIntervalSince(end)) < 1 } == true)
        try await server.stop()
    }

    /// An IMAP-only read-only password: IMAP reads without marking anything, changes are refused
    /// with NOPERM; POP3 and SMTP refuse the password in words; the listing names the client.
    @Test func aReadOnlyIMAPPasswordReadsAndChangesNothing() async throws {
        let (server, web) = try await start()
        let (password, _) = try await make(web, ["protocols": ["imap"], "read_only": true])

        let (client, login) = try await imapLogin(server, password)
        #expect(login.last?.hasPrefix("a1 OK") == true, "\(login)")
        _ = try await imap(client, "a2", "ID (\"name\" \"Foxmail\" \"version\" \"7.2\")")
        let select = try await imap(client, "a3", "SELECT INBOX")
        #expect(select.last?.hasPrefix("a3 OK [READ-ONLY]") == true, "\(select)")
        let body = try await imap(client, "a4", "FETCH 1 (BODY[] FLAGS)")
        #expect(body.last?.hasPrefix("a4 OK") == true, "\(body)")
        let flags = try await imap(client, "a5", "FETCH 1 FLAGS")
        #expect(!flags.joined().contains("\\Seen"), "reading with a read-only password marks nothing: \(flags)")
        for (tag, command) in [("a6", "STORE 1 +FLAGS (\\Deleted)"), ("a7", "CREATE Archive"),
                               ("a8", "COPY 1 INBOX"), ("a9", "EXPUNGE")] {
            let answer = try await imap(client, tag, command)
            #expect(answer.last?.hasPrefix("\(tag) NO [NOPERM] \(AppPasswordScope.readOnlyRefusal)") == true
                    || answer.last?.hasPrefix("\(tag) NO") == true, "\(command): \(answer)")
        }
        let store = try await imap(client, "b1", "STORE 1 +FLAGS (\\Deleted)")
        #expect(store.last == "b1 NO [NOPERM] \(AppPasswordScope.readOnlyRefusal)", "\(store)")
        let rights = try await imap(client, "b2", "MYRIGHTS INBOX")
        #expect(rights.contains("* MYRIGHTS INBOX lr"), "\(rights)")
        // Without `a`, the mailbox's ACL is not shown either (RFC 4314 §4: GETACL and LISTRIGHTS need it).
        for (tag, command) in [("b4", "GETACL INBOX"), ("b5", "LISTRIGHTS INBOX someone@example.edu.cn")] {
            let answer = try await imap(client, tag, command)
            #expect(answer == ["\(tag) NO [NOPERM] \(AppPasswordScope.readOnlyRefusal)"], "\(command): \(answer)")
        }
        _ = try await imap(client, "b3", "LOGOUT")
        await client.close()

        // The message is still there, unread, with nothing made.
        let account = try await server.runtime.accounts.account(address)
        let inbox = try #require(try await server.runtime.mail.store.mailbox(accountID: account.id, name: Mailbox.inbox))
        let messages = try await server.runtime.mail.store.messages(mailboxID: inbox.id)
        #expect(messages.count == 1)
        #expect(messages.first?.flags.contains(MessageFlags.seen) == false)
        #expect(try await server.runtime.mail.store.mailbox(accountID: account.id, name: "Archive") == nil)

        // The doors it was not made for.
        let pop = try await LineClient.connect(port: await server.port(.pop3))
        #expect(try await pop.readLine().hasPrefix("+OK"))
        #expect(try await pop3(pop, "USER \(address)").hasPrefix("+OK"))
        let refused = try await pop3(pop, "PASS \(password)")
        #expect(refused == "-ERR [AUTH] \(ClientPasswordLimit.notForDoor(.pop3).asciiText)", "\(refused)")
        await pop.close()
        let smtp = try await smtpAuth(server, password)
        #expect(smtp == "535 5.7.8 \(ClientPasswordLimit.notForDoor(.smtp).asciiText)", "\(smtp)")

        // B3: the listing names the last use's door and client.
        let listed = try #require(try await web.call(.GET, "/api/v1/app-passwords").array.first)
        #expect(listed["last_used_protocol"] as? String == "imap")
        #expect(listed["last_used_client"] as? String == "Foxmail", "ID after LOGIN names the client: \(listed)")
        try await server.stop()
    }

    /// A POP3 read-only password keeps the mail on the server; an SMTP-only one sends and opens
    /// no mailbox.
    @Test func popReadOnlyKeepsMailAndSMTPOnlySendsOnly() async throws {
        let (server, web) = try await start()
        let (reader, _) = try await make(web, ["protocols": ["pop3"], "read_only": true])
        let pop = try await LineClient.connect(port: await server.port(.pop3))
        #expect(try await pop.readLine().hasPrefix("+OK"))
        #expect(try await pop3(pop, "USER \(address)").hasPrefix("+OK"))
        #expect(try await pop3(pop, "PASS \(reader)").hasPrefix("+OK"))
        #expect(try await pop3(pop, "DELE 1") == "-ERR \(AppPasswordScope.readOnlyRefusal)")
        try await pop.send("RETR 1\r\n")
        let message = try await pop.readLines { $0 == "." }
        #expect(message.first?.hasPrefix("+OK") == true)
        #expect(try await pop3(pop, "QUIT").hasPrefix("+OK"))
        await pop.close()
        let account = try await server.runtime.accounts.account(address)
        let inbox = try #require(try await server.runtime.mail.store.mailbox(accountID: account.id, name: Mailbox.inbox))
        let messages = try await server.runtime.mail.store.messages(mailboxID: inbox.id)
        #expect(messages.count == 1, "DELE refused: the message stays")
        #expect(messages.first?.flags.contains(MessageFlags.seen) == false, "RETR with a read-only password marks nothing")

        let (sender, _) = try await make(web, ["protocols": ["smtp"]])
        #expect(try await smtpAuth(server, sender).hasPrefix("235"))
        let (client, login) = try await imapLogin(server, sender)
        #expect(login.contains("* NO [ALERT] \(ClientPasswordLimit.notForDoor(.imap).asciiText)"), "\(login)")
        #expect(login.last?.hasPrefix("a1 NO [AUTHENTICATIONFAILED]") == true, "\(login)")
        await client.close()
        try await server.stop()
    }

    /// A password with an end opens the doors until then, and from then on is refused as ended —
    /// also for an IMAP session it opened before.
    @Test func anEndedPasswordIsRefused() async throws {
        let (server, web) = try await start()
        let account = try await server.runtime.accounts.account(address)
        // The API takes ends in whole seconds in the future; one a few seconds ahead is made in Core.
        let end = Date().addingTimeInterval(3)
        let made = try await AppPasswordService(server.runtime.security).create(
            account, name: "Short", scope: AppPasswordScope(expiresAt: end), context: ClientContext(ip: "127.0.0.1"))
        let (client, login) = try await imapLogin(server, made.password)
        #expect(login.last?.hasPrefix("a1 OK") == true, "\(login)")
        let wait = end.timeIntervalSinceNow + 0.5
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }

        let (late, refused) = try await imapLogin(server, made.password)
        #expect(refused.last?.hasPrefix("a1 NO [AUTHENTICATIONFAILED] This client-specific password has expired") == true, "\(refused)")
        await late.close()
        let smtp = try await smtpAuth(server, made.password)
        #expect(smtp.hasPrefix("535 5.7.8 This client-specific password has expired"), "\(smtp)")
        #expect(try await ProtocolAuthenticator(server.runtime.security)
            .revocation(of: .appPassword(id: made.record.id, name: "Short"), account: account) == .clientPasswordExpired)
        // The session it opened ends at its next command, saying why (it blamed a disabled account).
        try await client.send("a2 NOOP\r\n")
        #expect(try await client.readLine() == "* BYE Your credentials are no longer valid: This client-specific password has expired")
        await client.close()

        let listed = try #require(try await web.call(.GET, "/api/v1/app-passwords").array.first)
        #expect(listed["expired"] as? Bool == true)
        try await server.stop()
    }
}
