import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// A running server with one account whose INBOX holds some messages.
struct POP3Fixture {
    static let address = "ann@pop.test"
    static let password = "Tea-Garden-42"

    let server: TestServer
    let account: Account

    static func start(messages: [String] = POP3Fixture.sampleMessages) async throws -> POP3Fixture {
        let server = try await TestServer.start()
        let account = try await server.addUser(address, password: password)
        let fixture = POP3Fixture(server: server, account: account)
        for message in messages { try await fixture.deliver(message) }
        return fixture
    }

    func deliver(_ message: String) async throws {
        _ = try await server.runtime.mail.deliver(Array(message.utf8), to: [account.id])
    }

    func inbox() async throws -> [MessageRecord] {
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        return try await server.runtime.store.messages(mailboxID: inbox.id)
    }

    func uidValidity() async throws -> UInt32 {
        try await server.runtime.mail.inbox(accountID: account.id).uidValidity
    }

    func port(tls: Bool = false) async -> Int {
        await server.port(tls ? .pop3s : .pop3)
    }

    /// Connects, checks the greeting, logs in with USER/PASS.
    func loggedInClient(tls: Bool = false) async throws -> LineClient {
        let client = try await LineClient.connect(port: await port(tls: tls), tls: tls)
        #expect(try await client.readLine().hasPrefix("+OK"))
        try await client.send("USER \(Self.address)\r\n")
        #expect(try await client.readLine().hasPrefix("+OK"))
        try await client.send("PASS \(Self.password)\r\n")
        let answer = try await client.readLine()
        #expect(answer.hasPrefix("+OK"), "login: \(answer)")
        return client
    }

    func stop() async throws {
        try await server.stop()
    }

    static let sampleMessages: [String] = [
        message(subject: "First", body: "Hello Ann,\r\n.line that starts with a dot\r\nBye\r\n"),
        message(subject: "Second", body: "Line one\r\nLine two\r\nLine three\r\n"),
        message(subject: "第三封", body: "中文内容\r\n"),
    ]

    static func message(subject: String, body: String) -> String {
        "From: Bob <bob@example.test>\r\nTo: ann@pop.test\r\nSubject: \(subject)\r\n"
            + "Date: Sat, 28 Nov 2026 10:00:00 +0800\r\nMessage-ID: <\(UUID().uuidString)@example.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
    }
}

extension LineClient {
    /// Sends a command, returns its one-line answer.
    func command(_ line: String) async throws -> String {
        try await send(line + "\r\n")
        return try await readLine()
    }

    /// Reads a multi-line answer after its status line: the lines before ".", un-dot-stuffed.
    func multiline() async throws -> [String] {
        let lines = try await readLines(until: { $0 == "." })
        return lines.dropLast().map { $0.hasPrefix("..") ? String($0.dropFirst()) : $0 }
    }
}

/// Runs a program off the cooperative thread pool (the in-process server needs it) and
/// returns its exit status and output.
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                input: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    return await withCheckedContinuation { continuation in
        Thread {
            if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
            try? stdin.fileHandleForWriting.close()
            // Read both pipes at once so a chatty program cannot block on a full pipe.
            let group = DispatchGroup()
            let errBox = DataBox()
            DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
            let outData = out.fileHandleForReading.readDataToEndOfFile()
            group.wait()
            process.waitUntilExit()
            continuation.resume(returning: (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                                            String(decoding: errBox.data, as: UTF8.self)))
        }.start()
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

func isInstalled(_ program: String) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(program)") }
}

func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("pop3-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
