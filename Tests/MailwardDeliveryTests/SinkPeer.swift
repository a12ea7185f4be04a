import Foundation

/// The aiosmtpd receiving peer (`Tests/e2e/smtp_sink.py`) as a child process on loopback.
final class SinkPeer: @unchecked Sendable {
    struct Received: Decodable {
        var from: String
        var to: [String]
        var options: [String]
        var tls: Bool
        var data: String
        var bytes: [UInt8] { Array(Data(base64Encoded: data) ?? Data()) }
    }

    let process: Process
    let folder: URL
    let port: Int

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/smtp_sink.py").path
    }

    static func start(mode: String = "accept", startTLS: Bool = false) async throws -> SinkPeer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, folder.path, "--mode", mode] + (startTLS ? ["--starttls"] : [])
        try process.run()
        let portFile = folder.appendingPathComponent("port")
        for _ in 0..<300 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return SinkPeer(process: process, folder: folder, port: port)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw SinkError("the aiosmtpd sink did not start (is `pip install aiosmtpd` done?)")
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
    func waitForMessages(_ count: Int, seconds: Double = 20) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SinkError("expected \(count) messages at the sink, got \(received.count)")
    }

    func stop() {
        // Not `waitUntilExit()`: it spins a run loop, which can hang on the concurrency pool.
        if process.isRunning { process.terminate() }
        for _ in 0..<100 where process.isRunning { usleep(20_000) }
        try? FileManager.default.removeItem(at: folder)
    }
}

struct SinkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds (or fails after `seconds`).
func eventually(_ what: String, seconds: Double = 20, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw SinkError("timed out waiting for: \(what)")
}
