import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import MailwardTesting
import Synchronization
import Testing

/// `kill -9` of a real `mailward serve` during 200 concurrent deliveries loses no message that
/// got a 250 (SPEC M1: acknowledged only once durably stored).
@Suite(.serialized) struct CrashDurabilityTests {
    final class Acknowledged: Sendable {
        let numbers = Mutex<Set<Int>>([])
        let killed = Mutex(false)
        /// True exactly once: the caller sends the kill.
        func claimKill() -> Bool { killed.withLock { done in defer { done = true }; return !done } }
        func add(_ number: Int) -> Int { numbers.withLock { $0.insert(number); return $0.count } }
        var all: Set<Int> { numbers.withLock { $0 } }
    }

    func startServer(data: String, environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = Binary.mailward
        process.arguments = ["serve", "--data", data]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitForGreeting(port: Int) async throws -> LineClient {
        for _ in 0..<300 {
            if let client = try? await LineClient.connect(port: port, timeout: .seconds(20)) {
                if let greeting = try? await client.reply(), greeting.code == 220 { return client }
                await client.close()
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }

    /// The stores to crash: SQLite, and PostgreSQL when `POSTGRES_URL` names a server.
    static var stores: [String] {
        ProcessInfo.processInfo.environment["POSTGRES_URL"].map { $0.isEmpty ? ["sqlite"] : ["sqlite", "postgres"] } ?? ["sqlite"]
    }

    @Test(arguments: stores)
    func killNineDuringConcurrentDeliveriesLosesNoAcknowledgedMessage(_ store: String) async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-crash-\(UUID().uuidString)").path
        // The folder exists (as systemd's StateDirectory makes it): commands set it up there.
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let binary = Binary.mailward.path
        var configuration = MailwardConfiguration()
        var environment: [String: String] = ["MAILWARD_LOG_LEVEL": "error"]
        if store == "postgres", let url = ProcessInfo.processInfo.environment["POSTGRES_URL"] {
            let schema = "crash_" + UUID().uuidString.prefix(8).lowercased()
            configuration.storage.postgresURL = url + (url.contains("?") ? "&" : "?") + "schema=" + schema
            environment["MAILWARD_STORAGE_POSTGRES_URL"] = configuration.storage.postgresURL
        }
        #expect(try await run(binary, ["domain", "add", "example.test", "--data", data], environment: environment).status == 0)
        #expect(try await run(binary, ["user", "add", "alice@example.test", "--password", password, "--data", data],
                              environment: environment).status == 0)
        let keys = ["SMTP_PORT", "HTTP_PORT", "SMTP_SUBMISSION_PORT", "SMTP_SUBMISSION_TLS_PORT", "IMAP_PORT",
                    "IMAP_TLS_PORT", "POP3_PORT", "POP3_TLS_PORT"]
        let ports = try freePorts(keys.count)
        for (key, port) in zip(keys, ports) { environment["MAILWARD_\(key)"] = "\(port)" }
        let smtpPort = ports[0]
        let server = try startServer(data: data, environment: environment)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try await waitForGreeting(port: smtpPort).close()

        let acknowledged = Acknowledged()
        let pid = server.processIdentifier
        // 40 connections × 5 messages; kill -9 once 60 messages were acknowledged.
        await withTaskGroup(of: Void.self) { group in
            for connection in 0..<40 {
                group.addTask {
                    guard let client = try? await LineClient.connect(port: smtpPort, timeout: .seconds(30)) else { return }
                    defer { Task { await client.close() } }
                    do {
                        _ = try await client.reply()
                        _ = try await client.command("EHLO crash-test")
                        for index in 0..<5 {
                            let number = connection * 5 + index
                            try await client.send("MAIL FROM:<load@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
                            guard try await client.reply().code == 250, try await client.reply().code == 250,
                                  try await client.reply().code == 354 else { return }
                            try await client.send("Subject: durability-\(number)\r\n\r\n"
                                + String(repeating: "payload line for durability\r\n", count: 100) + ".\r\n")
                            guard try await client.reply().code == 250 else { return }
                            if acknowledged.add(number) >= 60 {
                                if acknowledged.claimKill() { kill(pid, SIGKILL) }
                            }
                        }
                    } catch {
                        // The server died under us: whatever was not acknowledged may be lost.
                    }
                }
            }
        }
        if acknowledged.claimKill() { kill(pid, SIGKILL) }
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)
        let acked = acknowledged.all
        #expect(acked.count >= 60)

        // Read the store directly: every acknowledged message is there, whole.
        let runtime = try await Runtime.make(folder: try DataFolder.prepare(data), configuration: configuration)
        let account = try await runtime.accounts.account("alice@example.test")
        let inbox = try await runtime.mail.inbox(accountID: account.id)
        var stored: Set<Int> = []
        for record in try await runtime.mail.store.messages(mailboxID: inbox.id) {
            let text = String(decoding: try await runtime.mail.raw(record), as: UTF8.self)
            guard let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix("Subject: durability-") }),
                  let number = Int(line.dropFirst("Subject: durability-".count)) else { continue }
            #expect(text.hasSuffix(String(repeating: "payload line for durability\r\n", count: 100)))
            stored.insert(number)
        }
        let lost = acked.subtracting(stored)
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.sorted())")

        // The server starts again on the same folder and takes mail.
        let restarted = try startServer(data: data, environment: environment)
        defer { if restarted.isRunning { kill(restarted.processIdentifier, SIGKILL) } }
        let client = try await waitForGreeting(port: smtpPort)
        #expect(try await client.command("EHLO after-crash").code == 250)
        #expect(try await client.command("QUIT").code == 221)
        restarted.terminate()
        restarted.waitUntilExit()
        #expect(restarted.terminationStatus == 0)
    }
}
