import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardTesting
import Testing

/// SPEC M7: several server nodes on one PostgreSQL database. Two whole servers (each with its
/// own data folder, as on two machines) and the command line share one database: what one node
/// receives, the other serves; a flag set through one is seen through the other.
/// Runs when `POSTGRES_URL` names a server (`scripts/test` starts a private one).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["POSTGRES_URL"].map { !$0.isEmpty } ?? false))
struct PostgresNodesTests {
    /// The test server's URL with a schema of this test's own.
    func databaseURL() -> String {
        let base = ProcessInfo.processInfo.environment["POSTGRES_URL"]!
        let schema = "n_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return base + (base.contains("?") ? "&" : "?") + "schema=" + schema
    }

    @Test func twoNodesAndTheCommandLineShareOneDatabase() async throws {
        let url = databaseURL()
        let first = try await TestServer.start(configure: { $0.storage.postgresURL = url })
        let second = try await TestServer.start(configure: { $0.storage.postgresURL = url })
        defer { Task { try? await first.stop(); try? await second.stop() } }

        // The command line, with its own data folder, adds the account to the shared database.
        let environment = ["MAILWARD_STORAGE_POSTGRES_URL": url]
        let cliData = try temporaryFolder()
        for command in [["domain", "add", "pg.test"], ["user", "add", "alice@pg.test", "--password", "Tea-Garden-42"]] {
            let result = try await runMailward(command + ["--data", cliData], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
        }

        // Node one's MX door receives a message (250 only once PostgreSQL committed it)...
        try await deliver(to: first, subject: "=?UTF-8?B?5Lya6K6u6YCa55+l?=", body: "明天下午三点在图书馆开会")

        // ...and node two's IMAP door serves it, finds it by a Chinese word, and flags it.
        let imap = try await LineClient.connect(port: await second.port(.imap))
        _ = try await imap.readLine()
        try await imap.send("a LOGIN alice@pg.test Tea-Garden-42\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("a ") }.last?.hasPrefix("a OK") == true)
        try await imap.send("b SELECT INBOX\r\n")
        let selected = try await imap.readLines { $0.hasPrefix("b ") }
        #expect(selected.contains("* 1 EXISTS"), "\(selected)")
        try await imap.send("c SEARCH CHARSET UTF-8 TEXT \"图书馆\"\r\n")
        let found = try await imap.readLines { $0.hasPrefix("c ") }
        #expect(found.contains("* SEARCH 1"), "\(found)")
        try await imap.send("d FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n")
        let header = try await imap.readLines { $0.hasPrefix("d ") }.joined(separator: "\n")
        #expect(header.contains("Subject: =?UTF-8?B?5Lya6K6u6YCa55+l?="))
        try await imap.send("e STORE 1 +FLAGS (\\Flagged)\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("e ") }.last?.hasPrefix("e OK") == true)

        // Node two's IDLE wakes for mail that arrives through node one (LISTEN/NOTIFY).
        try await imap.send("f IDLE\r\n")
        #expect(try await imap.readLine().hasPrefix("+"))
        try await deliver(to: first, subject: "second", body: "while idling elsewhere")
        #expect(try await imap.readLines { $0 == "* 2 EXISTS" }.last == "* 2 EXISTS")
        try await imap.send("DONE\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("f ") }.last?.hasPrefix("f OK") == true)
        try await imap.send("g LOGOUT\r\n")
        _ = try await imap.readLines { $0.hasPrefix("g ") }

        // Node one sees the flag: one store, not two copies.
        let alice = try await first.runtime.accounts.account("alice@pg.test")
        let inbox = try await first.runtime.mail.inbox(accountID: alice.id)
        let records = try await first.runtime.store.messages(mailboxID: inbox.id)
        #expect(records.count == 2)
        #expect(records.first?.flags.contains("\\Flagged") == true)
        #expect(records.first?.summary.subject == "会议通知")
    }

    /// SPEC S: a share revoked through one node ends the grantee's access at once on the other
    /// too — an IMAP session idling on the shared mailbox there is told (the multi-node audit
    /// found it told nothing until the mailbox next changed).
    @Test func aShareRevokedOnOneNodeClosesTheMailboxOnTheOther() async throws {
        let url = databaseURL()
        let first = try await TestServer.start(configure: { $0.storage.postgresURL = url })
        let second = try await TestServer.start(configure: { $0.storage.postgresURL = url })
        defer { Task { try? await first.stop(); try? await second.stop() } }
        try await first.runtime.accounts.addDomain("pg.test")
        let boss = try await first.runtime.accounts.addAccount("boss@pg.test", password: "Tea-Garden-42")
        _ = try await first.runtime.accounts.addAccount("li@pg.test", password: "Tea-Garden-42")
        let context = ClientContext(ip: "127.0.0.1")
        try await first.runtime.shares.share(boss, with: "li@pg.test", permission: .readOnly, context: context)

        let imap = try await LineClient.connect(port: await second.port(.imap))
        _ = try await imap.readLine()
        try await imap.send("a LOGIN li@pg.test Tea-Garden-42\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("a ") }.last?.hasPrefix("a OK") == true)
        try await imap.send("b SELECT \"Shared/boss@pg.test/INBOX\"\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("b ") }.last?.hasPrefix("b OK") == true)
        try await imap.send("c IDLE\r\n")
        #expect(try await imap.readLine().hasPrefix("+"))

        let grant = try #require(try await first.runtime.shares.granted(by: boss).first?.grant)
        try await first.runtime.shares.revoke(boss, shareID: grant.id, context: context)
        let told = try await imap.readLines { $0.contains("[CLOSED]") }
        #expect(told.last?.hasPrefix("* OK [CLOSED]") == true, "\(told)")
        try await imap.send("DONE\r\n")
        #expect(try await imap.readLines { $0.hasPrefix("c ") }.last?.hasPrefix("c NO [NOPERM]") == true)
        try await imap.send("d LOGOUT\r\n")
        _ = try await imap.readLines { $0.hasPrefix("d ") }
    }

    /// A node whose server.key is not the one the database was first used with does not start
    /// (the multi-node audit found it started and then refused every session the others opened).
    @Test func aNodeWithAnotherServerKeyIsStopped() async throws {
        var configuration = MailwardConfiguration()
        configuration.storage.postgresURL = databaseURL()
        let first = try await Runtime.make(folder: try DataFolder.prepare(try temporaryFolder()), configuration: configuration)
        try await first.requireTheNodesServerKey()
        let secondFolder = try DataFolder.prepare(try temporaryFolder())
        let second = try await Runtime.make(folder: secondFolder, configuration: configuration)
        await #expect(throws: AppError.self) { try await second.requireTheNodesServerKey() }
        // With the first node's key copied over, it starts.
        try FileManager.default.removeItem(atPath: secondFolder.serverKeyPath)
        try FileManager.default.copyItem(atPath: first.folder.serverKeyPath, toPath: secondFolder.serverKeyPath)
        let again = try await Runtime.make(folder: secondFolder, configuration: configuration)
        try await again.requireTheNodesServerKey()
    }

    /// One message through a node's MX door; returns once it answered 250 (committed).
    func deliver(to node: TestServer, subject: String, body: String) async throws {
        let smtp = try await LineClient.connect(port: await node.port(.smtp))
        func code(_ line: String?) async throws -> Int { try await smtpReplyCode(smtp, line) }
        #expect(try await code(nil) == 220)
        #expect(try await code("EHLO sender.example") == 250)
        #expect(try await code("MAIL FROM:<carol@elsewhere.test>") == 250)
        #expect(try await code("RCPT TO:<alice@pg.test>") == 250)
        #expect(try await code("RCPT TO:<nobody@pg.test>") == 550)
        #expect(try await code("DATA") == 354)
        #expect(try await code("From: carol@elsewhere.test\r\nSubject: \(subject)\r\n\r\n\(body)\r\n.") == 250)
        #expect(try await code("QUIT") == 221)
        await smtp.close()
    }

    @Test func aWrongURLStopsStartUpWithAClearMessage() async throws {
        let result = try await runMailward(["user", "list", "--data", try temporaryFolder()],
                                           environment: ["MAILWARD_STORAGE_POSTGRES_URL": "mysql://localhost/mail"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("storage.postgres-url"), "\(result.stderr)")
    }
}
