import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// SPEC B5: a functional mailbox (招生办) no password opens, shared by the administrator with
/// the staff who answer it — the command line against a running server, the doors over sockets.
@Suite(.serialized) struct FunctionalMailboxTests {
    let office = "zhaosheng@example.edu.cn"
    let staff = "zhang.san@example.edu.cn"
    let password = "Tea-Garden-42"

    @Test func noPasswordOpensItAndTheAdministratorSharesIt() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(staff)
        let data = server.runtime.folder.path
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }

        let added = try await mw("user", "add", office, "--no-login", "--name", "招生办")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.hasPrefix("added functional mailbox \(office)"))
        #expect(try await mw("user", "add", "x@example.edu.cn", "--no-login", "--password", "Moon-River-77").stderr
            == "mailward: error: give a password or --no-login, not both\n")
        #expect(try await mw("user", "list").stdout.contains("\(office)\tno-login"))
        #expect(try await mw("user", "show", office).stdout.contains("login:        none (a functional mailbox, reached through shares)"))

        // No password opens it, at the web or a mail door — refused like any wrong password.
        for guess in ["", "!no-login", password] {
            let reply = try await server.client().call(.POST, "/api/v1/session", ["username": office, "password": guess])
            #expect(reply.status == 401 && reply.error == "invalid_credentials", "\(guess): \(reply.body)")
        }
        let imap = try await LineClient.connect(port: await server.server.port(.imap))
        _ = try await imap.readLine()
        try await imap.send("a LOGIN \(office) \"!no-login\"\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("a ") }.last?.hasPrefix("a NO") == true)
        await imap.close()

        // The administrator shares it; the staff member sees and reads it.
        let shared = try await mw("share", "add", office, staff, "--permission", "send_on_behalf")
        #expect(shared.stdout == "shared \(office) with \(staff): send_on_behalf\n", "\(shared.stderr)")
        #expect(try await mw("share", "list").stdout == "\(office)\t\(staff)\tsend_on_behalf\n")
        #expect(try await mw("share", "list", office).stdout == "\(office)\t\(staff)\tsend_on_behalf\n")
        #expect(try await mw("user", "show", office).stdout.contains("shared with:  \(staff) (send_on_behalf)"))
        let web = server.client()
        try await web.call(.POST, "/api/v1/session", ["username": staff, "password": password])
        let received = try await web.call(.GET, "/api/v1/shares")
        #expect((received["received"] as? [[String: Any]])?.first?["owner"] as? String == office)
        #expect(try await web.call(.GET, "/api/v1/mailboxes?account=\(office)").status == 200)
        #expect(try await mw("share", "change", office, staff, "--permission", "send-as").stdout == "\(office) shared with \(staff): send_as\n")
        // B6: a last day, shown and taken back.
        #expect(try await mw("share", "change", office, staff, "--until", "2099-12-31").stdout
            == "\(office) shared with \(staff): send_as until 2099-12-31\n")
        #expect(try await mw("share", "list", office).stdout == "\(office)\t\(staff)\tsend_as\tuntil 2099-12-31\n")
        let until = try #require((try await web.call(.GET, "/api/v1/shares")["received"] as? [[String: Any]])?.first?["expires_at"] as? String)
        #expect(ISO8601DateFormatter().date(from: until).map { $0 > Date(timeIntervalSince1970: 4_102_358_400) } == true, "\(until)")
        #expect(try await mw("share", "change", office, staff, "--until", "2001-01-01").stderr
            == "mailward: error: The end of the share must be in the future.\n")
        for day in ["2099-02-30", "2099-13-05", "2099-00-10", "2099-1-011"] {
            #expect(try await mw("share", "change", office, staff, "--until", day).stderr.contains("expected a day as YYYY-MM-DD"), "\(day)")
        }
        // A refused end: the permission given with it is not applied either.
        #expect(try await mw("share", "change", office, staff, "--permission", "read_only", "--until", "2001-01-01").status != 0)
        #expect(try await mw("share", "list", office).stdout.contains("\tsend_as\t"))
        #expect(try await mw("share", "change", office, staff, "--until", "never").stdout == "\(office) shared with \(staff): send_as\n")
        #expect(try await mw("share", "change", office, staff).stderr.contains("give --permission P, --until DATE, or both"))

        // Both accounts' audit logs say the administrator did it.
        let owner = try await server.runtime.accounts.account(office)
        let audit = try await server.runtime.store.auditEvents(accountID: owner.id, kinds: [.shareCreated, .shareChanged], limit: 10)
        #expect(audit.count == 4 && audit.allSatisfy { $0.door == "cli" && $0.ip == nil })

        // Refusals in words; then the share ends.
        let unknown = try await mw("share", "add", office, "nobody@example.edu.cn", "--permission", "read_only")
        #expect(unknown.status != 0 && unknown.stderr == "mailward: error: No local user nobody@example.edu.cn.\n")
        #expect(try await mw("share", "add", office, staff, "--permission", "owner").stderr.contains("unknown permission owner"))
        #expect(try await mw("share", "remove", office, staff).stdout == "stopped sharing \(office) with \(staff)\n")
        #expect(try await web.call(.GET, "/api/v1/mailboxes?account=\(office)").status == 404)
        #expect(try await mw("share", "remove", office, staff).stderr == "mailward: error: \(office) is not shared with \(staff)\n")
    }

    /// An existing mailbox becomes functional: its password, sessions and client passwords end.
    @Test func anAccountLosesItsLogin() async throws {
        let server = try await TwoStepServer.start { $0.signIn.failuresPerIP = 3 }
        defer { Task { try? await server.stop() } }
        try await server.addUser(office)
        try await server.addUser(staff)
        let web = server.client()
        try await web.call(.POST, "/api/v1/session", ["username": office, "password": password])
        let app = try #require(try await web.call(.POST, "/api/v1/app-passwords", ["name": "Foxmail"])["password"] as? String)
        let removed = try await runMailward(["user", "passwd", office, "--no-login", "--data", server.runtime.folder.path])
        #expect(removed.stdout.hasPrefix("login removed for \(office)"), "\(removed.stderr)")
        #expect(try await web.call(.GET, "/api/v1/app-passwords").status == 401, "the web session ended")
        #expect(try await server.client().call(.POST, "/api/v1/session", ["username": office, "password": password]).status == 401)
        let imap = try await LineClient.connect(port: await server.server.port(.imap))
        _ = try await imap.readLine()
        try await imap.send("a LOGIN \(office) \(app)\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("a ") }.last?.hasPrefix("a NO") == true, "the client password went with it")
        // Clients still trying the former password are stale, not guessing: they do not use up
        // the failures their (campus NAT's) address may have.
        for n in 0..<5 {
            try await imap.send("s\(n) LOGIN \(office) \(password)\r\n")
            #expect(try await imap.readLines { $0.hasPrefix("s\(n) ") }.last?.hasPrefix("s\(n) NO") == true)
        }
        try await imap.send("b LOGIN \(staff) \(password)\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("b ") }.last?.hasPrefix("b OK") == true, "a colleague behind the same address")
        await imap.close()
        // A password makes it an ordinary account again.
        #expect(try await runMailward(["user", "passwd", office, "--password", "Moon-River-77", "--data", server.runtime.folder.path]).status == 0)
        #expect(try await server.client().call(.POST, "/api/v1/session", ["username": office, "password": "Moon-River-77"]).status == 200)
    }
}
