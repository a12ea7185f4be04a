import Foundation

/// Starts the helper script `Tests/e2e/<name>` as `python3 <script> FOLDER args…` and waits for
/// it to write the port it listens on to FOLDER/port (a relay, a DNS server, an SMTP peer).
public func launchScript(_ name: String, _ arguments: [String]) async throws -> (Process, URL, Int) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/e2e/\(name)").path
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-peer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, folder.path] + arguments
    try process.run()
    let portFile = folder.appendingPathComponent("port")
    for _ in 0..<1200 {
        if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
            return (process, folder, port)
        }
        guard process.isRunning else { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    stopScript(process, folder: folder)
    throw ScriptPeerError(description: "\(name) did not start (for smtp_sink.py: is `pip install aiosmtpd` done?)")
}

/// Stops a child started by ``launchScript(_:_:)``. SIGKILL, because the test process ignores
/// SIGTERM (signal handling for graceful shutdown) and children inherit that; and no
/// `waitUntilExit()`, which spins a run loop and can hang on the concurrency pool. Stopping one
/// that has ended already does no harm.
public func stopScript(_ process: Process, folder: URL) {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    for _ in 0..<50 where process.isRunning { usleep(20_000) }
    try? FileManager.default.removeItem(at: folder)
}

public struct ScriptPeerError: Error, CustomStringConvertible {
    public var description: String
}

/// `Tests/e2e/tcp_relay.py` as a child process: forwards a loopback port to `target`. Stopping it
/// closes every relayed connection and refuses new ones — a database server gone, as seen from
/// Mailward. Stopping twice is harmless.
public struct TCPRelay: Sendable {
    public let process: Process
    public let folder: URL
    public let port: Int

    /// `listenPort` 0 picks a free port; a relay started again on its old port stands for the
    /// server coming back.
    public static func start(listenPort: Int, to target: (host: String, port: Int)) async throws -> TCPRelay {
        let (process, folder, port) = try await launchScript("tcp_relay.py", [String(listenPort), target.host, String(target.port)])
        return TCPRelay(process: process, folder: folder, port: port)
    }

    public func stop() {
        stopScript(process, folder: folder)
    }
}
