import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Synchronization

/// One SMTP reply as a client sees it.
struct Reply: CustomStringConvertible {
    var code: Int
    var lines: [String]
    var text: String { lines.joined(separator: "\n") }
    var description: String { text }
}

extension LineClient {
    /// Reads one (possibly multi-line) reply.
    func reply() async throws -> Reply {
        let lines = try await readLines { line in line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] != "-" }
        return Reply(code: Int(lines.last!.prefix(3)) ?? 0, lines: lines)
    }

    /// Sends one command line (CRLF added) and reads its reply.
    func command(_ line: String) async throws -> Reply {
        try await send(line + "\r\n")
        return try await reply()
    }
}

/// An outbound queue that remembers what it was given (tests only).
final class RecordingOutboundQueue: OutboundQueue {
    let messages = Mutex<[OutboundMessage]>([])
    /// The "delivered" reports asked for: the message's id and the recipients named.
    let reports = Mutex<[(id: String, recipients: [String])]>([])
    func enqueue(_ message: OutboundMessage) async throws {
        messages.withLock { $0.append(message) }
    }
    func reportDelivered(_ message: OutboundMessage, reportingMTA: String) async throws {
        reports.withLock { $0.append((message.id, message.recipients)) }
    }
    var recorded: [OutboundMessage] { messages.withLock { $0 } }
}

extension TestServer {
    /// The raw messages in an account's folder (INBOX by default), in UID order.
    func messages(of address: String, in folder: String = Mailbox.inbox) async throws -> [String] {
        let account = try await runtime.accounts.account(address)
        guard let mailbox = try await runtime.mail.store.mailbox(accountID: account.id, name: folder) else { return [] }
        var result: [String] = []
        for record in try await runtime.mail.store.messages(mailboxID: mailbox.id) {
            result.append(String(decoding: try await runtime.mail.raw(record), as: UTF8.self))
        }
        return result
    }

    /// One message to `recipient` through the MX door (EHLO, MAIL, RCPT, DATA, QUIT); the
    /// reply to its DATA. `message` is the header and body, CRLF line ends, without the dot.
    func sendMX(from sender: String, to recipient: String, helo: String, _ message: String) async throws -> Reply {
        let client = try await LineClient.connect(port: await port(.smtp))
        defer { Task { await client.close() } }
        _ = try await client.reply()
        _ = try await client.command("EHLO \(helo)")
        _ = try await client.command("MAIL FROM:<\(sender)>")
        _ = try await client.command("RCPT TO:<\(recipient)>")
        _ = try await client.command("DATA")
        try await client.send(message + ".\r\n")
        let reply = try await client.reply()
        _ = try await client.command("QUIT")
        return reply
    }

    func rawMessages(of address: String) async throws -> [[UInt8]] {
        let account = try await runtime.accounts.account(address)
        let inbox = try await runtime.mail.inbox(accountID: account.id)
        var result: [[UInt8]] = []
        for record in try await runtime.mail.store.messages(mailboxID: inbox.id) { result.append(try await runtime.mail.raw(record)) }
        return result
    }

    /// Starts a server with short SMTP timeouts and the usual test users.
    /// Timeouts are generous unless a test is about them: under a loaded test run the client
    /// task may be scheduled seconds late, while the server's timers (on its event loops) are not.
    static func smtp(maxMessageSize: Int = 1 << 20, dataTimeout: Int = 60, commandTimeout: Int = 120,
                     outbound: RecordingOutboundQueue? = nil, postmaster: String = "", mxDSN: Bool = true) async throws -> TestServer {
        let server = try await TestServer.start(configure: { configuration in
            configuration.smtp.postmaster = postmaster
            configuration.smtp.mxDSN = mxDSN
            configuration.smtp.maxMessageSize = maxMessageSize
            configuration.smtp.dataTimeout = dataTimeout
            configuration.smtp.commandTimeout = commandTimeout
        }, prepare: { runtime in
            runtime.outbound = outbound
        })
        try await server.addUser("alice@example.test")
        try await server.addUser("bob@example.test")
        try await server.runtime.accounts.addAlias("info@example.test", for: "bob@example.test")
        return server
    }
}

let password = "Tea-Garden-42"

func plainCredentials(_ user: String, _ password: String) -> String {
    Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
}

/// Runs a program to completion; returns status and combined output.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
         stdin: String? = nil) async throws -> (status: Int32, output: String) {
    let outcome = try await ProcessRunner.run(executable, arguments, environment: environment, stdin: stdin)
    return (outcome.status, outcome.output)
}

/// Finds a program on PATH.
func which(_ name: String) -> String? {
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A free TCP port on loopback (bound then released).
func freePort() throws -> Int {
    try freePorts(1)[0]
}

/// `count` different free TCP ports on loopback. All stay bound until the last is chosen: one
/// `freePort()` after another may hand out the same port twice.
func freePorts(_ count: Int) throws -> [Int] {
    let descriptors = (0..<count).map { _ in socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
    defer { descriptors.forEach { close($0) } }
    return try descriptors.map { fd in
        guard fd >= 0, LoopbackAddress.bind(fd, port: 0) == 0 else { throw POSIXError(.EADDRINUSE) }
        return LoopbackAddress.boundPort(of: fd)
    }
}
