import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardTesting
import Testing

/// The PostgreSQL server goes away under a running server (the relay in front of it is killed)
/// and comes back. Every door answers with its protocol's temporary failure meanwhile — and keeps
/// its sessions: an outage is not a revoked login, and a mail page is not "not found" —; once the
/// database is back, the same sessions go on. Runs when `POSTGRES_URL` names a server.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["POSTGRES_URL"].map { !$0.isEmpty } ?? false))
struct StoreOutageDoorTests {
    @Test func doorsAnswerTemporaryFailuresAndKeepTheirSessionsWhileTheDatabaseIsAway() async throws {
        let base = try #require(ProcessInfo.processInfo.environment["POSTGRES_URL"])
        var components = try #require(URLComponents(string: base))
        let target = (host: components.host ?? "127.0.0.1", port: components.port ?? 5432)
        var relay = try await TCPRelay.start(listenPort: 0, to: target)
        defer { relay.stop() }
        components.host = "127.0.0.1"
        components.port = relay.port
        let schema = "o_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let relayed = try #require(components.string)
        let url = relayed + (relayed.contains("?") ? "&" : "?") + "schema=" + schema
        let server = try await TestServer.start(configure: {
            $0.storage.postgresURL = url
            $0.storage.postgresConnectionWait = 2
        })
        try await server.addUser("alice@outage.test")

        // Sessions opened while the database is there: web, IMAP, POP3.
        let web = APIClient(port: await server.port(.http))
        let signIn = try await web.call(.POST, "/api/v1/session", ["username": "alice@outage.test", "password": "Tea-Garden-42"])
        #expect(signIn["status"] as? String == "ok", "\(signIn.body)")
        let imap = try await LineClient.connect(port: await server.port(.imap))
        _ = try await imap.readLine()
        try await imap.send("a LOGIN alice@outage.test Tea-Garden-42\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("a ") }.last?.hasPrefix("a OK") == true)
        try await imap.send("b SELECT INBOX\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("b ") }.last?.hasPrefix("b OK") == true)
        let pop = try await LineClient.connect(port: await server.port(.pop3))
        _ = try await pop.readLine()
        try await pop.send("USER alice@outage.test\r\n")
        _ = try await pop.readLine()
        try await pop.send("PASS Tea-Garden-42\r\n")
        #expect(try await pop.readLine().hasPrefix("+OK"))

        relay.stop()

        // IMAP: NO [UNAVAILABLE] (RFC 5530), and the session is still there for the next command.
        try await imap.send("c STATUS INBOX (MESSAGES)\r\n")
        let status = try await imap.readLines { $0.hasPrefix("c ") || $0.hasPrefix("* BYE") }
        #expect(status.last?.hasPrefix("c NO [UNAVAILABLE]") == true, "\(status)")
        try await imap.send("d STATUS INBOX (MESSAGES)\r\n")
        let again = try await imap.readLines { $0.hasPrefix("d ") || $0.hasPrefix("* BYE") }
        #expect(again.last?.hasPrefix("d NO [UNAVAILABLE]") == true, "\(again)")

        // POP3: -ERR [SYS/TEMP], the session stays.
        try await pop.send("STAT\r\n")
        let stat = try await pop.readLine()
        #expect(stat.hasPrefix("-ERR [SYS/TEMP]"), "\(stat)")

        // The MX door: 451 at RCPT, never 550 (which would bounce the mail).
        let smtp = try await LineClient.connect(port: await server.port(.smtp))
        func code(_ line: String?) async throws -> Int { try await smtpReplyCode(smtp, line) }
        #expect(try await code(nil) == 220)
        #expect(try await code("EHLO sender.example") == 250)
        #expect(try await code("MAIL FROM:<carol@elsewhere.test>") == 250)
        #expect(try await code("RCPT TO:<alice@outage.test>") == 451)
        await smtp.close()

        // New logins are neither accepted nor called wrong (a client told "wrong password" asks
        // its user again): IMAP NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP], SMTP AUTH 454, web 503.
        let imapLogin = try await LineClient.connect(port: await server.port(.imap))
        _ = try await imapLogin.readLine()
        try await imapLogin.send("l LOGIN alice@outage.test Tea-Garden-42\r\n")
        let login = try await imapLogin.readLines { $0.hasPrefix("l ") }
        #expect(login.last?.hasPrefix("l NO [UNAVAILABLE]") == true, "\(login)")
        await imapLogin.close()
        let popLogin = try await LineClient.connect(port: await server.port(.pop3))
        _ = try await popLogin.readLine()
        try await popLogin.send("USER alice@outage.test\r\n")
        _ = try await popLogin.readLine()
        try await popLogin.send("PASS Tea-Garden-42\r\n")
        let pass = try await popLogin.readLine()
        #expect(pass.hasPrefix("-ERR [SYS/TEMP]"), "\(pass)")
        await popLogin.close()
        let submission = try await LineClient.connect(port: await server.port(.submission))
        #expect(try await smtpReplyCode(submission, nil) == 220)
        #expect(try await smtpReplyCode(submission, "EHLO client.example") == 250)
        let plain = Data("\0alice@outage.test\0Tea-Garden-42".utf8).base64EncodedString()
        #expect(try await smtpReplyCode(submission, "AUTH PLAIN \(plain)") == 454)
        await submission.close()
        let newBrowser = APIClient(port: await server.port(.http))
        let refused = try await newBrowser.call(.POST, "/api/v1/session", ["username": "alice@outage.test", "password": "Tea-Garden-42"])
        #expect(refused.status == 503 && refused.error == "unavailable", "\(refused.status) \(refused.body)")

        // The web: the API says 503 with Retry-After; a page says 503 in the page frame, not
        // "signed out" (a redirect to /login) and not "not found".
        let api = try await web.call(.GET, "/api/v1/mailboxes")
        #expect(api.status == 503 && api.error == "unavailable", "\(api.status) \(api.body)")
        #expect(api.headers["Retry-After"].first == "30")
        let page = try await web.call(.GET, "/mail")
        #expect(page.status == 503, "\(page.status)")
        #expect(page.body.contains("unavailable-page"))

        // The database is back at the same address: the same sessions work again.
        relay = try await TCPRelay.start(listenPort: components.port!, to: target)
        var back = false
        for attempt in 0..<60 where !back {
            try await imap.send("r\(attempt) STATUS INBOX (MESSAGES)\r\n")
            back = try await imap.readLines { $0.hasPrefix("r\(attempt) ") }.last?.hasPrefix("r\(attempt) OK") == true
            if !back { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(back)
        try await pop.send("STAT\r\n")
        #expect(try await pop.readLine().hasPrefix("+OK"))
        #expect(try await web.call(.GET, "/api/v1/mailboxes").status == 200)
        #expect(try await web.call(.GET, "/mail").status == 200)

        try await imap.send("z LOGOUT\r\n")
        try await pop.send("QUIT\r\n")
        await imap.close()
        await pop.close()
        try await server.stop()
    }
}
