import Foundation
import MailwardTesting
import Testing

/// Stock clients over real sockets: Python's poplib and fetchmail (Debian packages `python3`,
/// `fetchmail`; `scripts/test` installs them).
@Suite struct ThirdPartyClientTests {
    static let e2eFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e")

    @Test func pythonPoplibOverSTLSAndImplicitTLS() async throws {
        try #require(isInstalled("python3"), "python3 is needed (scripts/test installs it)")
        let fixture = try await POP3Fixture.start()
        let script = Self.e2eFolder.appendingPathComponent("pop3_poplib.py").path
        let result = try await runProgram("python3", [
            script, "127.0.0.1", "\(await fixture.port())", "\(await fixture.port(tls: true))",
            POP3Fixture.address, POP3Fixture.password, fixture.server.server.certificate.certificatePath,
        ])
        #expect(result.status == 0, "poplib: \(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("all checks passed"))
        #expect(try await fixture.inbox().count == 2)
        try await fixture.stop()
    }

    /// fetchmail in keep mode (STLS, UIDL remembers what it fetched: nothing is fetched twice),
    /// then in no-keep mode over implicit TLS (everything fetched and removed from the server).
    @Test func fetchmailKeepThenNoKeep() async throws {
        try #require(isInstalled("fetchmail"), "Debian fetchmail is needed (scripts/test installs it)")
        let fixture = try await POP3Fixture.start()
        let folder = try temporaryFolder()
        let mbox = folder + "/mbox"
        let certificate = fixture.server.server.certificate.certificatePath

        func fetch(keep: Bool, implicitTLS: Bool) async throws -> Int32 {
            let port = await fixture.port(tls: implicitTLS)
            let tls = implicitTLS ? "ssl" : "sslproto \"tls1.2+\""
            let rc = """
                set no bouncemail
                poll 127.0.0.1 protocol POP3 port \(port) uidl
                  user "\(POP3Fixture.address)" there with password "\(POP3Fixture.password)"
                  \(keep ? "keep" : "nokeep fetchall")
                  \(tls) sslcertck sslcertfile "\(certificate)" sslcommonname "localhost"
                  mda "cat >> \(mbox)"

                """
            let rcPath = folder + "/fetchmailrc"
            _ = FileManager.default.createFile(atPath: rcPath, contents: Data(rc.utf8), attributes: [.posixPermissions: 0o600])
            let result = try await runProgram("fetchmail", [
                "-f", rcPath, "--idfile", folder + "/fetchids", "--pidfile", folder + "/fetchmail.pid", "--nosyslog", "-v",
            ], environment: ["HOME": folder, "FETCHMAILHOME": folder])
            // 0: mail fetched, 1: no mail; anything else is a failure worth showing.
            #expect(result.status == 0 || result.status == 1, "fetchmail \(result.status): \(result.stdout) \(result.stderr)")
            return result.status
        }
        func fetchedSubjects() -> [String] {
            let text = (try? String(contentsOfFile: mbox, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)).trimmingCharacters(in: .whitespacesAndNewlines) }
        }

        // keep: fetched once, left on the server; the second run finds nothing new.
        let withMailRun = try await fetch(keep: true, implicitTLS: false)
        #expect(withMailRun == 0)
        #expect(fetchedSubjects() == ["First", "Second", "第三封"])
        #expect(try await fixture.inbox().count == 3)
        let again = try await fetch(keep: true, implicitTLS: false)
        #expect(again == 1)
        #expect(fetchedSubjects().count == 3)

        // A new message: only it is fetched.
        try await fixture.deliver(POP3Fixture.message(subject: "Fourth", body: "new\r\n"))
        _ = try await fetch(keep: true, implicitTLS: false)
        #expect(fetchedSubjects() == ["First", "Second", "第三封", "Fourth"])

        // nokeep over implicit TLS with fetchall: everything fetched again and removed.
        let noKeep = try await fetch(keep: false, implicitTLS: true)
        #expect(noKeep == 0)
        #expect(fetchedSubjects().count == 8)
        #expect(try await fixture.inbox().isEmpty)
        try await fixture.stop()
    }
}
