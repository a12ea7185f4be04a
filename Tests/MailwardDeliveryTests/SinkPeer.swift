import Foundation
import MailwardTesting

/// The aiosmtpd receiving peer (`Tests/e2e/smtp_sink.py`) as a child process on loopback.
final class SinkPeer: @unchecked Sendable {
    struct Received: Decodable {
        var from: String
        var to: [String]
        var options: [String]
        var tls: Bool
        /// The login the message came with, at a peer that asks for one (`startRelay`).
        var login: String?
        var data: String
        var bytes: [UInt8] { Array(Data(base64Encoded: data) ?? Data()) }
    }

    let process: Process
    let folder: URL
    let port: Int

    /// `delay`: seconds the peer waits before answering each DATA (a slow receiving server);
    /// `maxRecipients`: recipients it takes per transaction (452 4.5.3 for the rest; 0: no limit).
    static func start(mode: String = "accept", startTLS: Bool = false, delay: Double = 0, maxRecipients: Int = 0) async throws -> SinkPeer {
        let (process, folder, port) = try await launchScript(
            "smtp_sink.py", ["--mode", mode, "--delay", String(delay), "--max-rcpt", String(maxRecipients)]
                + (startTLS ? ["--starttls"] : []))
        return SinkPeer(process: process, folder: folder, port: port)
    }

    /// aiosmtpd as a relay that wants `login`/`password` (with `mechanisms` only) over TLS with
    /// this certificate: STARTTLS, or TLS from the first byte when `implicitTLS`.
    static func startRelay(login: String, password: String, mechanisms: [String], certificate: String, key: String,
                           implicitTLS: Bool) async throws -> SinkPeer {
        let (process, folder, port) = try await launchScript("smtp_sink.py", [
            "--auth", "\(login):\(password)", "--mechanisms", mechanisms.joined(separator: ","),
            "--cert", certificate, "--key", key, implicitTLS ? "--implicit-tls" : "--starttls",
        ])
        return SinkPeer(process: process, folder: folder, port: port)
    }

    /// The scripted peer that only answers once MAIL, every RCPT and DATA arrived (pipelining);
    /// optionally without 8BITMIME, with SMTPUTF8, closing the connection in the message text or
    /// no longer reading it, sending its greeting a byte at a time (`dripGreeting` seconds apart),
    /// or greeting with another reply (`greeting`, then one command is read, kept in the folder's
    /// `after-greeting-N.txt`, and the connection closed), or offering STARTTLS and closing the
    /// connection when the client sends it (`startTLSCloses`, counted in ``startTLSRequests``), or
    /// offering DSN (`dsn`).
    static func startPipelining(sizeLimit: Int = 0, eightBitMIME: Bool = true, smtpUTF8: Bool = false,
                                dropInData: Bool = false, stallInData: Bool = false,
                                dripGreeting: Double? = nil, greeting: String? = nil, startTLSCloses: Bool = false,
                                dsn: Bool = false) async throws -> SinkPeer {
        var arguments = ["--size", String(sizeLimit)]
        if !eightBitMIME { arguments.append("--no-8bitmime") }
        if smtpUTF8 { arguments.append("--smtputf8") }
        if dropInData { arguments.append("--drop-in-data") }
        if stallInData { arguments.append("--stall-in-data") }
        if let dripGreeting { arguments += ["--drip-greeting", String(dripGreeting)] }
        if let greeting { arguments += ["--greeting", greeting] }
        if startTLSCloses { arguments.append("--starttls-closes") }
        if dsn { arguments.append("--dsn") }
        let (process, folder, port) = try await launchScript("smtp_script.py", arguments)
        return SinkPeer(process: process, folder: folder, port: port)
    }

    private init(process: Process, folder: URL, port: Int) {
        self.process = process
        self.folder = folder
        self.port = port
    }

    var received: [Received] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("msg-") && $0.hasSuffix(".json") }
            .sorted { Int($0.dropFirst(4).dropLast(5)) ?? 0 < Int($1.dropFirst(4).dropLast(5)) ?? 0 }
        return names.compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).flatMap { try? JSONDecoder().decode(Received.self, from: $0) }
        }
    }

    /// Waits until `count` messages arrived (or fails after `seconds`).
    func waitForMessages(_ count: Int, seconds: Double = 60) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SinkError("expected \(count) messages at the sink, got \(received.count)")
    }

    /// What the client sent after a `greeting` other than 220, one entry per connection.
    var commandsAfterGreeting: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix("after-greeting-") }.sorted()
            .compactMap { try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    /// How many STARTTLS commands a `startTLSCloses` peer was sent (and closed the connection on).
    var startTLSRequests: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix("starttls-") }.count
    }

    func stop() {
        stopScript(process, folder: folder)
    }
}

struct SinkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds (or fails after `seconds`).
func eventually(_ what: String, seconds: Double = 60, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw SinkError("timed out waiting for: \(what)")
}
