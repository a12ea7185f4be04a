import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting

/// A tiny IMAP client over `LineClient`: tags commands and collects the lines up to the tagged answer.
final class IMAPTestClient: Sendable {
    let line: LineClient
    private let counter = Counter()

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    init(_ line: LineClient) {
        self.line = line
    }

    static func connect(_ server: TestServer, tls: Bool = false) async throws -> (IMAPTestClient, String) {
        let port = await server.port(tls ? .imaps : .imap)
        let client = IMAPTestClient(try await LineClient.connect(port: port, tls: tls))
        let greeting = try await client.line.readLine()
        return (client, greeting)
    }

    /// Sends `tag command` and returns every line through the tagged one (last element).
    @discardableResult
    func run(_ command: String) async throws -> [String] {
        let tag = "a\(counter.next())"
        try await line.send("\(tag) \(command)\r\n")
        return try await line.readLines(until: { $0.hasPrefix(tag + " ") })
    }

    /// A connected client signed in as `user`.
    static func signedIn(_ server: TestServer, as user: String = "li@example.com") async throws -> IMAPTestClient {
        let (client, _) = try await connect(server)
        try await client.login(user)
        return client
    }

    func login(_ user: String, _ password: String = "Tea-Garden-42") async throws {
        let lines = try await run("LOGIN \(user) \(password)")
        precondition(lines.last?.contains("OK") == true, "login failed: \(lines)")
    }

    func close() async {
        await line.close()
    }
}

extension Array where Element == String {
    var tagged: String { last ?? "" }
}

/// A started server whose `user` holds `messages` in its INBOX.
func serverWithInbox(_ messages: [String], user: String = "li@example.com") async throws -> (TestServer, Account) {
    let server = try await TestServer.start()
    let account = try await server.addUser(user)
    for message in messages { _ = try await server.runtime.mail.deliver(Array(message.utf8), to: [account.id]) }
    return (server, account)
}

/// A small RFC 5322 message.
func sampleMessage(subject: String = "Hello", body: String = "Tea at four?", from: String = "wang@example.org",
                   to: String = "li@example.com") -> String {
    "From: Wang <\(from)>\r\nTo: \(to)\r\nSubject: \(subject)\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\nMessage-ID: <\(UUID().uuidString)@example.org>\r\n\r\n\(body)\r\n"
}

/// Runs an executable to completion with a time limit; returns status and combined output.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                timeout: TimeInterval = 120) async throws -> (status: Int32, output: String) {
    let outcome = try await ProcessRunner.run(executable, arguments, environment: environment, timeout: timeout)
    return (outcome.status, outcome.output)
}

/// Finds an executable on PATH.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// The folder of the Python client scripts.
let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path
