import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Real IMAP clients against the whole server: Python's imaplib (scripted like Foxmail, iPhone
/// Mail and Outlook) and mbsync (Debian `isync`), both installed by `scripts/test`.
@Suite(.serialized) struct RealClientTests {
    static let python = which("python3")
    static let mbsync = which("mbsync")

    /// A server with li@example.com holding two messages ("First", "Second").
    static func serverWithMail() async throws -> TestServer {
        let server = try await TestServer.start()
        let account = try await server.addUser("li@example.com")
        for subject in ["First", "Second"] {
            _ = try await server.runtime.mail.deliver(Array(sampleMessage(subject: subject).utf8), to: [account.id])
        }
        return server
    }

    func runScenario(_ scenario: String, script: String = "imaplib_clients.py") async throws {
        let server = try await Self.serverWithMail()
        let port = await server.port(.imap), tlsPort = await server.port(.imaps)
        let python = try #require(Self.python, "python3 is needed (scripts/test installs it)")
        let result = try await runProcess(python, ["\(scriptsFolder)/\(script)", scenario, "\(port)", "\(tlsPort)",
                                             "li@example.com", "Tea-Garden-42"], timeout: 60)
        #expect(result.status == 0, "\(scenario): \(result.output)")
        #expect(result.output.contains("OK \(scenario)"))
        try await server.stop()
    }

    @Test func foxmailLikeSession() async throws { try await runScenario("foxmail") }
    @Test func iPhoneLikeIdle() async throws { try await runScenario("iphone_idle") }
    @Test func outlookLikeUIDSearch() async throws { try await runScenario("outlook_search") }
    @Test func appendToAChineseFolder() async throws { try await runScenario("append_chinese") }
    @Test func cachedClientResynchronizesWithQResync() async throws { try await runScenario("cached_resync") }
    @Test func webmailLikeServerSideSort() async throws { try await runScenario("webmail_sort") }
    @Test func compressedSession() async throws { try await runScenario("session", script: "imaplib_compress.py") }
    @Test func hostileCompressedInput() async throws { try await runScenario("hostile", script: "imaplib_compress.py") }
    /// A TLS client that neither answers the server's close_notify nor closes after LOGOUT is
    /// let go within about a second (`ServerCertificate.closeNotifyWait`), not NIOSSL's 5 s.
    @Test func tlsClientLingeringAfterLogoutIsReleased() async throws { try await runScenario("lingering_tls_logout") }

    /// mbsync pulls the whole account into a Maildir, then pushes flag changes, a deletion and a
    /// new folder with a Chinese name back.
    @Test func mbsyncRoundTrip() async throws {
        let mbsync = try #require(Self.mbsync, "mbsync (Debian isync) is needed (scripts/test installs it)")
        let server = try await Self.serverWithMail()
        let account = try await server.runtime.accounts.account("li@example.com")
        let port = await server.port(.imaps)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbsync-\(UUID().uuidString)").path
        let maildir = folder + "/mail/"
        try FileManager.default.createDirectory(atPath: maildir, withIntermediateDirectories: true)
        // The certificate is self-signed: trust exactly it.
        let configPath = try Self.writeMbsyncConfig(in: folder, port: port, user: "li@example.com",
                                                    certificate: server.server.certificate.certificatePath,
                                                    sync: ["Create Both", "Remove Both", "Expunge Both"])

        func sync(_ options: [String] = []) async throws -> String {
            let result = try await runProcess(mbsync, options + ["-c", configPath, "-a"], environment: ["HOME": folder], timeout: 90)
            #expect(result.status == 0, "mbsync: \(result.output)")
            return result.output
        }

        // 1. Pull: both messages arrive in INBOX/cur or new, the special folders exist. isync
        // 1.4 turns on COMPRESS=DEFLATE when offered (its network trace shows the command).
        let pulled = try await sync(["-Dn"])
        #expect(pulled.contains("COMPRESS DEFLATE"), "\(pulled.suffix(2000))")
        let inboxFiles = try Self.maildirFiles(maildir + "INBOX")
        #expect(inboxFiles.count == 2, "\(inboxFiles)")
        #expect(FileManager.default.fileExists(atPath: maildir + "Sent/cur"))

        // 2. Locally: flag one message seen+flagged, delete the other, create a Chinese folder with a message.
        let seenFile = try #require(inboxFiles.first { (try? String(contentsOfFile: $0, encoding: .utf8))?.contains("Subject: First") == true })
        let deletedFile = try #require(inboxFiles.first { $0 != seenFile })
        let base = (seenFile as NSString).lastPathComponent.components(separatedBy: ":2,")[0]
        try FileManager.default.moveItem(atPath: seenFile, toPath: maildir + "INBOX/cur/" + base + ":2,FS")
        try FileManager.default.removeItem(atPath: deletedFile)
        // isync 1.4 passes folder names through as they are on the wire: 项目 is `&mHl27g-` in
        // modified UTF-7 (isync 1.5 converts to UTF-8 itself).
        let project = maildir + "&mHl27g-"
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: project + "/" + sub, withIntermediateDirectories: true)
        }
        try sampleMessage(subject: "报告").write(toFile: project + "/new/1700000000.1.local", atomically: true, encoding: .utf8)

        // 3. Push.
        _ = try await sync()
        let store = server.runtime.store
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        let records = try await store.messages(mailboxID: inbox.id)
        #expect(records.count == 1, "deleted message expunged on the server")
        #expect(records.first?.flags.contains(MessageFlags.seen) == true)
        #expect(records.first?.flags.contains(MessageFlags.flagged) == true)
        let projectBox = try await store.mailbox(accountID: account.id, name: "项目")
        let created = try #require(projectBox, "Chinese folder created on the server")
        #expect(try await store.messages(mailboxID: created.id).count == 1)

        // 4. A second sync is a no-op and stays consistent.
        _ = try await sync()
        #expect(try await store.messages(mailboxID: inbox.id).count == 1)
        try? FileManager.default.removeItem(atPath: folder)
        try await server.stop()
    }

    /// imaplib as a grantee while the owner shares, upgrades, downgrades and revokes with
    /// SETACL/DELETEACL from a second imaplib session (Scripts/imaplib_shared.py).
    @Test func imaplibDrivesAGranteeOfASharedMailbox() async throws {
        let python = try #require(Self.python, "python3 is needed (scripts/test installs it)")
        let fixture = try await SharedFixture.start(sharing: nil)
        let port = await fixture.server.port(.imap), tlsPort = await fixture.server.port(.imaps)
        let result = try await runProcess(python, ["\(scriptsFolder)/imaplib_shared.py", "\(port)", "\(tlsPort)",
                                             SharedFixture.owner, SharedFixture.grantee, "Tea-Garden-42"], timeout: 60)
        #expect(result.status == 0, "imaplib_shared: \(result.output)")
        #expect(result.output.contains("OK shared"))
        #expect(try await fixture.grant() == nil)
        try await fixture.server.stop()
    }

    /// mbsync as a read-only grantee: the shared folders come down into the Maildir with the
    /// grantee's own, and nothing the sync does marks the owner's mail read.
    @Test func mbsyncAsAGranteePullsTheSharedFolders() async throws {
        let mbsync = try #require(Self.mbsync, "mbsync (Debian isync) is needed (scripts/test installs it)")
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let port = await fixture.server.port(.imaps)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbsync-shared-\(UUID().uuidString)").path
        let maildir = folder + "/mail/"
        try FileManager.default.createDirectory(atPath: maildir, withIntermediateDirectories: true)
        let configPath = try Self.writeMbsyncConfig(in: folder, port: port, user: SharedFixture.grantee,
                                                    certificate: fixture.server.server.certificate.certificatePath,
                                                    sync: ["Create Near", "Sync Pull"])
        func sync() async throws {
            let result = try await runProcess(mbsync, ["-c", configPath, "-a"], environment: ["HOME": folder], timeout: 90)
            #expect(result.status == 0, "mbsync: \(result.output)")
        }
        try await sync()
        let shared = maildir + "Shared/boss@example.com/"
        let inbox = try Self.maildirFiles(shared + "INBOX")
        #expect(inbox.count == 2, "shared INBOX pulled: \(inbox)")
        #expect(try Self.maildirFiles(shared + "&mHl27g-").count == 1, "shared 项目 pulled")
        #expect(try Self.maildirFiles(maildir + "INBOX").count == 1, "own INBOX pulled")

        // New mail for the owner arrives at the next sync; the owner's mail stays unread.
        try await fixture.deliverToBoss("Later")
        try await sync()
        #expect(try Self.maildirFiles(shared + "INBOX").count == 3)
        #expect(try await fixture.bossInbox().allSatisfy { !$0.flags.contains(MessageFlags.seen) })
        try? FileManager.default.removeItem(atPath: folder)
        try await fixture.server.stop()
    }

    /// An mbsync configuration syncing the whole account over implicit TLS into `folder/mail/`;
    /// `sync` holds the channel's Create/Remove/Expunge/Sync lines. Returns its path.
    static func writeMbsyncConfig(in folder: String, port: Int, user: String, certificate: String, sync: [String]) throws -> String {
        let maildir = folder + "/mail/"
        let config = """
        IMAPAccount mailward
        Host 127.0.0.1
        Port \(port)
        User \(user)
        Pass Tea-Garden-42
        SSLType IMAPS
        CertificateFile \(certificate)
        SystemCertificates no

        IMAPStore remote
        Account mailward

        MaildirStore local
        Path \(maildir)
        Inbox \(maildir)INBOX
        SubFolders Verbatim

        Channel sync
        Far :remote:
        Near :local:
        Patterns *
        \(sync.joined(separator: "\n"))
        SyncState *
        """
        let path = folder + "/mbsyncrc"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func maildirFiles(_ path: String) throws -> [String] {
        var files: [String] = []
        for sub in ["cur", "new"] {
            let dir = path + "/" + sub
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] { files.append(dir + "/" + name) }
        }
        return files
    }
}
