import Foundation
import MailwardTesting
import MailwardApp
import MailwardConfig
import MailwardCore
import Testing

/// `mailward serve` as a real process, killed with SIGKILL in the middle of delivering a full
/// queue, then restarted: no message is lost; duplicates are limited to the few in flight.
@Suite(.serialized) struct CrashRecoveryTests {
    static var mailward: URL { Binary.mailward }

    static func serve(data: String, sinkPort: Int) throws -> Process {
        let process = Process()
        process.executableURL = mailward
        process.arguments = ["serve", "--data", data]
        var environment = ProcessInfo.processInfo.environment
        for key in ["HTTP_PORT", "SMTP_PORT", "SMTP_SUBMISSION_PORT", "SMTP_SUBMISSION_TLS_PORT", "IMAP_PORT", "IMAP_TLS_PORT",
                    "POP3_PORT", "POP3_TLS_PORT"] {
            environment["MAILWARD_\(key)"] = "0"
        }
        environment["MAILWARD_DELIVERY_ROUTES"] = "remote.test=127.0.0.1:\(sinkPort)"
        environment["MAILWARD_DELIVERY_CONCURRENCY"] = "3"
        environment["MAILWARD_DELIVERY_POLL_INTERVAL"] = "200ms"
        environment["MAILWARD_LOG_LEVEL"] = "warning"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<100 where process.isRunning { usleep(20_000) }
    }

    @Test func killDuringDeliveryLosesNothing() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.mailward.path) else {
            Issue.record("mailward binary not found at \(Self.mailward.path)")
            return
        }
        // A slow peer (3 deliveries at a time, 0.2 s each) keeps the queue in flight for seconds,
        // whatever the machine's speed, so the kill lands in the middle of it.
        let sink = try await SinkPeer.start(delay: 0.2)
        defer { sink.stop() }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-crash-\(UUID().uuidString)").path
        let count = 120
        do {
            let runtime = try Runtime(folder: try DataFolder.prepare(data), configuration: MailwardConfiguration())
            for index in 0..<count {
                try await runtime.deliveryQueue.enqueue(OutboundMessage(
                    id: "crash-\(index)", sender: "alice@demo.test", recipients: ["user\(index)@remote.test"],
                    raw: Array("Subject: crash-\(index)\r\nMessage-ID: <crash-\(index)@demo.test>\r\n\r\nbody \(index)\r\n".utf8),
                    createdAt: Date()))
            }
        }
        let first = try Self.serve(data: data, sinkPort: sink.port)
        _ = try await sink.waitForMessages(10, seconds: 60)
        Self.kill9(first)
        let beforeCrash = sink.received.count
        #expect(beforeCrash < count, "the queue was delivered before the kill; the test proves nothing")

        // The killed process's claims are released when the server starts again on its folder
        // (one server per folder): nothing waits for their 15-minute lease, nobody runs `retry`.
        let second = try Self.serve(data: data, sinkPort: sink.port)
        defer { Self.kill9(second) }
        try await eventually("every message delivered after the restart", seconds: 90) {
            Set(sink.received.compactMap { subject(of: $0.bytes) }).count == count
        }
        let subjects = sink.received.compactMap { subject(of: $0.bytes) }
        #expect(Set(subjects) == Set((0..<count).map { "crash-\($0)" }))
        // At most the messages in flight at the kill (concurrency 3) may arrive twice.
        #expect(subjects.count - count <= 3, "duplicates: \(subjects.count - count)")
    }
}

private func subject(of bytes: [UInt8]) -> String? {
    String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }
        .map { String($0.dropFirst("Subject: ".count)) }
}
