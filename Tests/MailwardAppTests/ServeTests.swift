import Foundation
import MailwardApp
import MailwardConfig
import MailwardNet
import MailwardTesting
import Testing

@Suite struct ServeTests {
    func portZeroConfiguration() -> MailwardConfiguration {
        var configuration = MailwardConfiguration()
        configuration.useEphemeralPorts()
        return configuration
    }

    /// The composition root in-process: listens on port 0, answers, stops cleanly.
    @Test func serveAnswersHealthAndMetricsThenStops() async throws {
        let folder = try DataFolder.prepare(try temporaryFolder())
        let runtime = try Runtime(folder: folder, configuration: portZeroConfiguration())
        let server = try MailwardServer(runtime: runtime)
        let running = Task { try await server.run(signals: []) }
        let port = await server.port(.http)
        #expect(port > 0)
        let health = try await httpGet("http://127.0.0.1:\(port)/healthz")
        #expect(health.status == 200)
        #expect(health.body == #"{"status":"ok"}"#)
        #expect(health.headers["X-Content-Type-Options"] as? String == "nosniff")
        let metrics = try await httpGet("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.status == 200)
        let missing = try await httpGet("http://127.0.0.1:\(port)/no-such-page")
        #expect(missing.status == 404)
        // The router's own "no such route" carries the security headers too.
        #expect(missing.headers["X-Content-Type-Options"] as? String == "nosniff")
        #expect((missing.headers["Content-Security-Policy"] as? String)?.contains("frame-ancestors 'none'") == true)
        await server.shutdown()
        try await running.value
        // The first start made the data folder's certificate and database.
        #expect(FileManager.default.fileExists(atPath: folder.path + "/tls-selfsigned.crt"))
        #expect(FileManager.default.fileExists(atPath: folder.databasePath))
        let key = try FileManager.default.attributesOfItem(atPath: folder.path + "/tls-selfsigned.key")
        #expect((key[.posixPermissions] as? Int) == 0o600)
    }

    /// The real executable: `serve --demo` prints credentials, the CLI works beside it on the
    /// same data folder, and SIGTERM stops it with exit status 0.
    @Test func serveProcessDemoAndSigterm() async throws {
        let data = try temporaryFolder()
        let demo = try DemoProcess.start(data: data)
        let process = demo.process
        defer { if process.isRunning { process.terminate() } }
        let banner = demo.banner
        #expect(banner.contains("alice@demo.test  password: "))
        let port = try #require(demo.port(after: "Webmail: http://127.0.0.1:"))
        #expect(try await httpGet("http://127.0.0.1:\(port)/healthz").status == 200)

        // The mail doors' ports are in the banner; /metrics counts what they did (SPEC O4).
        let imapPort = try #require(demo.port(after: "IMAP "))
        let imap = try await LineClient.connect(port: imapPort)
        #expect(try await imap.readLine().hasPrefix("* OK"))
        try await imap.send("a LOGIN alice@demo.test wrong-password\r\n")
        #expect(try await imap.readLine().hasPrefix("a NO"))
        // A wrong password at the webmail is counted with them.
        #expect(try await APIClient(port: port).call(.POST, "/api/v1/session", ["username": "alice@demo.test", "password": "wrong"]).status == 401)
        // The MX door logs who sent what to whom, and each refused recipient with its reason.
        let smtpPort = try #require(demo.port(after: "inbound SMTP (MX) "))
        let smtp = try await LineClient.connect(port: smtpPort)
        for line in ["EHLO log.example", "MAIL FROM:<sender@elsewhere.test>", "RCPT TO:<ghost@demo.test>", "RCPT TO:<x@other.test>",
                     "RCPT TO:<alice@demo.test>", "DATA"] {
            try await smtp.send(line + "\r\n")
        }
        try await smtp.send("Subject: logged\r\n\r\nhi\r\n.\r\nQUIT\r\n")
        var replies: [String] = []
        while let reply = try? await smtp.readLine(), !reply.hasPrefix("221") { replies.append(reply) }
        #expect(replies.contains { $0.hasPrefix("250 2.0.0") }, "\(replies)")
        let metrics = try await httpGet("http://127.0.0.1:\(port)/metrics").body
        #expect(metrics.contains(#"mailward_connections_total{door="imap"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"mailward_logins_total{door="imap",result="failure"} 1"#))
        #expect(metrics.contains(#"mailward_logins_total{door="web",result="failure"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"mailward_connections_open{door="imap"} 1"#))
        #expect(metrics.contains(#"hb_requests{http_route="/healthz""#))
        // The web door's connections are counted like the mail doors' (and held to `http.max-connections`).
        #expect(metrics.contains(#"mailward_connections_total{door="http"}"#), "\(metrics)")
        // The outbound queue, read when /metrics is: the demo queues nothing.
        #expect(metrics.contains("mailward_outbound_queue_messages 0"), "\(metrics)")
        #expect(metrics.contains("mailward_outbound_queue_recipients 0"))
        #expect(metrics.contains("mailward_outbound_queue_oldest_seconds 0"))
        #expect(metrics.contains("mailward_sms_sent_this_month 0"), "\(metrics)")

        // The command line works while the server runs on the same folder.
        #expect(try await runMailward(["user", "add", "carol@demo.test", "--password", "Tea-Garden-42", "--data", data]).status == 0)
        #expect(try await runMailward(["user", "list", "--data", data]).stdout.contains("carol@demo.test"))

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let log = String(decoding: demo.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("HTTP listening"))
        let refusals = log.split(separator: "\n").filter { $0.contains("recipient refused") }
        #expect(refusals.contains { $0.contains("to=<ghost@demo.test>") && $0.contains("reason=no such user") && $0.contains("from=<sender@elsewhere.test>") },
                "\(refusals)")
        #expect(refusals.contains { $0.contains("to=<x@other.test>") && $0.contains("relay refused") }, "\(refusals)")
        #expect(log.split(separator: "\n").contains { $0.contains("message accepted") && $0.contains("to=<alice@demo.test>") && $0.contains("ip=127.0.0.1") },
                "\(log)")
        // Secrets never reach the log.
        let passwords = banner.split(separator: "\n").compactMap { $0.components(separatedBy: "password: ").dropFirst().first }
        #expect(passwords.count == 3)
        for password in passwords { #expect(!log.contains(password)) }
    }

    /// `connections.max-per-ip` reaches every mail door's listener: with a limit of 2, the third
    /// IMAP and the third SMTP connection from loopback get the door's over-limit refusal.
    @Test func connectionLimitPerIPFromConfiguration() async throws {
        var configuration = portZeroConfiguration()
        configuration.connections.maxPerIP = 2
        let runtime = try Runtime(folder: try DataFolder.prepare(try temporaryFolder()), configuration: configuration)
        let server = try MailwardServer(runtime: runtime)
        let running = Task { try await server.run(signals: []) }
        for (door, greeting, refusal) in [(MailwardServer.Door.imap, "* OK", "* BYE [UNAVAILABLE]"), (.smtp, "220 ", "421 ")] {
            let port = await server.port(door)
            var admitted: [LineClient] = []
            for _ in 0..<2 {
                let client = try await LineClient.connect(port: port)
                #expect(try await client.readLine().hasPrefix(greeting))
                admitted.append(client)
            }
            let third = try await LineClient.connect(port: port)
            #expect(try await third.readLine().hasPrefix(refusal))
            await third.close()
            for client in admitted { await client.close() }
        }
        await server.shutdown()
        try await running.value
    }

    /// Started with the common soft limit of open files (here 256) under a higher hard one, the
    /// server raises its own soft limit — every connection is a descriptor — and says in the log
    /// when even the hard limit is below what its connection limits admit.
    @Test func serveRaisesItsOpenFilesLimit() async throws {
        let needed = OpenFilesLimit.needed(by: MailwardConfiguration())
        let launcher = [try #require(ProcessRunner.which("prlimit")), "--nofile=256:\(needed + 100)", "--"]
        let enough = try DemoProcess.start(data: try temporaryFolder(), launcher: launcher)
        defer { if enough.process.isRunning { enough.process.terminate() } }
        #expect(try Self.openFilesLimit(of: enough.process) == needed)

        let short = try DemoProcess.start(data: try temporaryFolder(), launcher: [launcher[0], "--nofile=256:8000", "--"])
        defer { if short.process.isRunning { short.process.terminate() } }
        #expect(try Self.openFilesLimit(of: short.process) == 8000)
        short.process.terminate()
        short.process.waitUntilExit()
        let log = String(decoding: short.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("the open-files limit is below what the connection limits admit"), "\(log)")
        #expect(log.contains("needed=\(needed)"))
    }

    /// The soft "Max open files" of a running process, from /proc.
    static func openFilesLimit(of process: Process) throws -> Int? {
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
        return line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first.flatMap { Int($0) }
    }

    /// Mailward is run by ordinary users (a developer's `swift run`, a service account): no
    /// door may need a privilege. Every door greets, and mail is received and read. Tests run
    /// as root on CI, so there the server is started as `nobody` (setpriv).
    @Test func serveWorksForAnUnprivilegedUser() async throws {
        var data = try temporaryFolder()
        var launcher: [String] = []
        var binary = Binary.mailward.path
        var scratch: String?
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        if geteuid() == 0 {
            // Under /tmp, whatever the checkout's or TMPDIR's permissions: `nobody` must reach
            // both the data folder and the executable.
            let folder = "/tmp/mailward-unprivileged-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
            scratch = folder
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder + "/data")
            try FileManager.default.copyItem(atPath: binary, toPath: folder + "/mailward")
            (data, binary) = (folder + "/data", folder + "/mailward")
            launcher = [try #require(ProcessRunner.which("setpriv")), "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        }
        let demo = try DemoProcess.start(data: data, launcher: launcher, binary: binary)
        defer { if demo.process.isRunning { demo.process.terminate() } }
        let password = try #require(demo.banner.components(separatedBy: "alice@demo.test  password: ").dropFirst().first?
            .prefix { !$0.isWhitespace })

        let smtp = try await LineClient.connect(port: try #require(demo.port(after: "inbound SMTP (MX) ")))
        #expect(try await smtp.readLine().hasPrefix("220 "))
        try await smtp.send("HELO client.example\r\n")
        #expect(try await smtp.readLine().hasPrefix("250 "))
        try await smtp.send("MAIL FROM:<someone@example.org>\r\n")
        #expect(try await smtp.readLine().hasPrefix("250 "))
        try await smtp.send("RCPT TO:<alice@demo.test>\r\n")
        #expect(try await smtp.readLine().hasPrefix("250 "))
        try await smtp.send("DATA\r\n")
        #expect(try await smtp.readLine().hasPrefix("354 "))
        try await smtp.send("Subject: unprivileged\r\n\r\nhello\r\n.\r\n")
        #expect(try await smtp.readLine().hasPrefix("250 "))
        await smtp.close()

        let imap = try await LineClient.connect(port: try #require(demo.port(after: "IMAP ")))
        #expect(try await imap.readLine().hasPrefix("* OK"))
        try await imap.send("a LOGIN alice@demo.test \(password)\r\nb EXAMINE INBOX\r\nc SEARCH SUBJECT unprivileged\r\n")
        var found = false
        while let line = try? await imap.readLine(), !line.hasPrefix("c ") {
            if line.hasPrefix("* SEARCH "), line.count > "* SEARCH ".count { found = true }
        }
        #expect(found)
        await imap.close()

        let pop3 = try await LineClient.connect(port: try #require(demo.port(after: "POP3 ")))
        #expect(try await pop3.readLine().hasPrefix("+OK"))
        await pop3.close()
        let http = try #require(demo.port(after: "Webmail: http://127.0.0.1:"))
        #expect(try await httpGet("http://127.0.0.1:\(http)/healthz").status == 200)

        demo.process.terminate()
        demo.process.waitUntilExit()
        #expect(demo.process.terminationStatus == 0)
    }
    /// A second server on a data folder that one already serves refuses to start, naming it
    /// (it would clear the first one's POP3 leases and miss its mail in IDLE); the command line
    /// still works beside the server.
    @Test func aSecondServerOnTheSameDataFolderRefuses() async throws {
        let data = try temporaryFolder()
        let demo = try DemoProcess.start(data: data)
        defer { if demo.process.isRunning { demo.process.terminate() } }
        #expect(demo.banner.contains("alice@demo.test"))
        let second = try await runMailward(["serve", "--data", data], environment: MailwardConfiguration.ephemeralPortEnvironment)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another Mailward server is running on the data folder"), "\(second.stderr)")
        #expect(try await runMailward(["user", "list", "--data", data]).stdout.contains("alice@demo.test"))
        #expect(demo.process.isRunning)
    }

    /// An administrator's certificate renewed on disk (Let's Encrypt, every 60–90 days) is
    /// served to new connections after SIGHUP — which no longer ends the server; files that
    /// cannot be used leave the old pair in service.
    @Test func sighupReadsTheCertificateAgain() async throws {
        let data = try temporaryFolder()
        let first = try SelfSignedCertificate.ensure(in: try temporaryFolder(), hostname: "first.example")
        let second = try SelfSignedCertificate.ensure(in: try temporaryFolder(), hostname: "second.example")
        let live = try temporaryFolder()
        let (certificate, key) = (live + "/mail.crt", live + "/mail.key")
        func install(_ files: SelfSignedCertificate.Files) throws {
            for (from, to) in [(files.certificatePath, certificate), (files.keyPath, key)] {
                try? FileManager.default.removeItem(atPath: to)
                try FileManager.default.copyItem(atPath: from, toPath: to)
            }
        }
        try install(first)
        let demo = try DemoProcess.start(data: data, environment: ["MAILWARD_TLS_CERTIFICATE": certificate, "MAILWARD_TLS_KEY": key])
        defer { if demo.process.isRunning { demo.process.terminate() } }
        let port = try #require(demo.port(after: "STARTTLS, "))  // IMAP's implicit-TLS port
        func served() async throws -> String {
            let shell = "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -subject"
            return try await ProcessRunner.run("/bin/sh", ["-c", shell]).stdout
        }
        func hangUpAndWait(until expected: String) async throws -> Bool {
            kill(demo.process.processIdentifier, SIGHUP)
            for _ in 0..<50 {
                if try await served().contains(expected) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await served().contains("first.example"))
        try install(second)
        #expect(try await hangUpAndWait(until: "second.example"))
        #expect(demo.process.isRunning)
        try Data("not a key".utf8).write(to: URL(fileURLWithPath: key))
        kill(demo.process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        #expect(demo.process.isRunning)
        #expect(try await served().contains("second.example"))
        demo.process.terminate()
        demo.process.waitUntilExit()
        #expect(demo.process.terminationStatus == 0)
        let log = String(decoding: demo.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("TLS certificate read again"))
        #expect(log.contains("TLS certificate not changed"))
    }
}

/// `mailward serve --demo` as a process of its own (ephemeral ports), its banner read up to
/// the last demo account.
struct DemoProcess {
    let process: Process
    let stderr: Pipe
    let banner: String

    /// `launcher`: a command the server runs under (`setpriv …`), or none; `environment`: more
    /// settings (`MAILWARD_…`).
    static func start(data: String, launcher: [String] = [], binary: String = Binary.mailward.path,
                      environment extra: [String: String] = [:]) throws -> DemoProcess {
        let process = Process()
        let command = launcher + [binary, "serve", "--demo", "--data", data]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.merge(MailwardConfiguration.ephemeralPortEnvironment) { $1 }
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var banner = ""
        let handle = out.fileHandleForReading
        while !banner.contains("office@demo.test") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        return DemoProcess(process: process, stderr: err, banner: banner)
    }

    /// The port printed right after `label` in the banner (`IMAP 1143`, `…127.0.0.1:8080/`).
    func port(after label: String) -> Int? {
        banner.components(separatedBy: label).dropFirst().first.flatMap { Int(String($0.prefix { $0.isNumber })) }
    }
}
