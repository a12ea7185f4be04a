import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import Testing

/// Mutt (Debian `mutt`, installed by `scripts/test`) in batch mode, the way scripts and cron jobs
/// send mail: it submits over SMTP with AUTH and files its own copy in an IMAP folder (LOGIN,
/// SELECT/STATUS, APPEND) — both doors driven by a client we did not write.
@Suite(.serialized) struct MuttBatchTests {
    @Test func batchSendWithAnIMAPFcc() async throws {
        let mutt = try #require(["/usr/bin/mutt", "/usr/bin/neomutt"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                "mutt is needed (scripts/test installs it)")
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let li = try await server.addUser("li@example.com")
        let wang = try await server.addUser("wang@example.com")
        _ = try await server.runtime.mail.createMailbox(accountID: li.id, name: "Outbox copies")
        let smtp = await server.port(.submission), imap = await server.port(.imap)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mutt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let attachment = folder + "/报告.txt"
        try "季度报告\n".write(toFile: attachment, atomically: true, encoding: .utf8)
        let rc = """
        set from = "Li <li@example.com>"
        set smtp_url = "smtp://li@example.com@127.0.0.1:\(smtp)/"
        set smtp_pass = "Tea-Garden-42"
        set smtp_authenticators = "plain"
        set ssl_starttls = no
        set ssl_force_tls = no
        set imap_user = "li@example.com"
        set imap_pass = "Tea-Garden-42"
        set folder = "imap://127.0.0.1:\(imap)/"
        set record = "+Outbox copies"
        set copy = yes
        set charset = "utf-8"
        set send_charset = "utf-8"
        set tmpdir = "\(folder)"
        set header_cache = ""
        set message_cachedir = ""
        """
        try rc.write(toFile: folder + "/muttrc", atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            mutt, ["-n", "-F", folder + "/muttrc", "-s", "周报 from mutt", "-a", attachment, "--", "wang@example.com"],
            environment: ["HOME": folder, "LANG": "C.UTF-8", "TERM": "dumb"], stdin: "本周进展顺利。\n", timeout: 60)
        #expect(result.status == 0, "mutt: \(result.output)")

        // Delivered over SMTP to wang, with the attachment's Chinese name intact.
        let inbox = try await server.runtime.mail.inbox(accountID: wang.id)
        let delivered = try await server.runtime.mail.store.messages(mailboxID: inbox.id)
        #expect(delivered.count == 1)
        if let record = delivered.first {
            let raw = try await server.runtime.mail.raw(record)
            #expect(MIMEParser.parse(raw).subject == "周报 from mutt")
            #expect(MessageContent.extract(from: raw).attachments.map(\.filename) == ["报告.txt"])
        }
        // Mutt's own copy arrived through IMAP APPEND in the folder with a space in its name.
        let copies = try #require(try await server.runtime.mail.store.mailbox(accountID: li.id, name: "Outbox copies"))
        let appended = try await server.runtime.mail.store.messages(mailboxID: copies.id)
        #expect(appended.count == 1)
        if let record = appended.first {
            #expect(String(decoding: try await server.runtime.mail.raw(record), as: UTF8.self).contains("wang@example.com"))
        }
    }
}
