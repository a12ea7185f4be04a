import Foundation
import MailwardCore
import MailwardSMS
import MailwardTesting
import Testing

@Suite struct OutboxSMSSenderTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-sms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func appendsLinesAndCreatesPrivateFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sms-outbox.jsonl")
        let logs = LogRecorder()
        let sender = OutboxSMSSender(
            fileURL: file,
            clock: { Date(timeIntervalSince1970: 1_795_931_228) },
            logger: logs.logger()
        )

        try await sender.send(SMSMessage(to: "+8613800138000", text: "【Mailward】登录验证码 123456"))
        try await sender.send(SMSMessage(to: "+8613900139000", text: "【Mailward】绑定验证码 654321"))

        let content = try String(contentsOf: file, encoding: .utf8)
        #expect(
            content == """
                {"at":"2026-11-29T05:47:08Z","to":"+8613800138000","text":"【Mailward】登录验证码 123456"}
                {"at":"2026-11-29T05:47:08Z","to":"+8613900139000","text":"【Mailward】绑定验证码 654321"}

                """
        )
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        // Logged with the number masked, never with the text (it carries the code).
        #expect(logs.all.count == 2)
        #expect(logs.all.allSatisfy { $0.contains("SMS queued to outbox") })
        #expect(logs.all[0].contains("+86138****8000"))
        #expect(!logs.all.joined().contains("123456"))
        #expect(!logs.all.joined().contains("+8613800138000"))
    }

    @Test func concurrentSendsProduceWholeLines() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sms-outbox.jsonl")
        let logger = LogRecorder().logger()
        // Two senders on the same file as well, as if two services shared the data folder.
        let senders = [
            OutboxSMSSender(fileURL: file, logger: logger),
            OutboxSMSSender(fileURL: file, logger: logger),
        ]
        let count = 200
        let longText = String(repeating: "验证码", count: 300)  // ~2.7 KB per line
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await senders[index % 2].send(SMSMessage(to: "+86138\(index)", text: "\(index) \(longText)"))
                }
            }
            try await group.waitForAll()
        }

        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == count + 1)
        #expect(lines.last == "")
        var seen = Set<String>()
        for line in lines.dropLast() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            let text = try #require(object["text"])
            #expect(text.hasSuffix(longText))
            seen.insert(try #require(object["to"]))
        }
        #expect(seen.count == count)
    }

    @Test func unwritableLocationIsADeliveryError() async throws {
        let sender = OutboxSMSSender(
            fileURL: URL(fileURLWithPath: "/nonexistent-mailward-dir/sms-outbox.jsonl"),
            logger: LogRecorder().logger()
        )
        let error = await #expect(throws: SMSDeliveryError.self) {
            try await sender.send(SMSMessage(to: "+8613800138000", text: "code 123456"))
        }
        #expect(error?.provider == "outbox")
        #expect(error?.detail.contains("123456") == false)
    }
}
