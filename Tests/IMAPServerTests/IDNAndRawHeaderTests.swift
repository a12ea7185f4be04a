import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Two audit findings over a real IMAP socket: sign-in with the ASCII (IDNA A-label) spelling of
/// an internationalized domain, and ENVELOPE for a raw Latin-1 byte in a nested iso-8859-1 message.
@Suite(.serialized) struct IDNAndRawHeaderTests {
    @Test func loginWithTheALabelSpellingAndALatin1Envelope() async throws {
        let server = try await TestServer.start()
        defer { Task { try? await server.stop() } }
        let account = try await server.addUser("user@测试.cn")
        let raw = Array("From: Doug <doug@example.com>\r\nSubject: =?iso-8859-1?Q?Die_Hasen_und_die_Fr".utf8) + [0xF6]
            + Array("""
                sche?=\r
                MIME-Version: 1.0\r
                Content-Type: multipart/mixed; boundary="b"\r
                \r
                --b\r
                Content-Type: text/plain; charset="iso-8859-1"\r
                \r
                text\r
                --b--\r

                """.utf8)
        _ = try await server.runtime.mail.deliver(raw, to: [account.id])

        let (client, _) = try await IMAPTestClient.connect(server)
        let login = try await client.run("LOGIN user@xn--0zwm56d.cn Tea-Garden-42")
        #expect(login.tagged.contains("OK"), "\(login)")
        let select = try await client.run("SELECT INBOX")
        #expect(select.contains("* 1 EXISTS"))
        let envelope = try await client.run("FETCH 1 (ENVELOPE)")
        // ASCII, so every client decodes the word in its own charset: "Die Hasen und die Frösche".
        #expect(envelope[0].contains("\"=?iso-8859-1?Q?Die_Hasen_und_die_Fr=F6sche?=\""), "\(envelope)")
        await client.close()
    }
}
