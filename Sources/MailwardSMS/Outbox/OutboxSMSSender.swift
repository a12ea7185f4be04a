import Foundation
import Logging
import MailwardCore

/// The default, development provider (SPEC A11, O1): instead of sending, appends one JSON line
/// per message to `<data>/sms-outbox.jsonl`, where developers, tests and the demo read the codes.
public struct OutboxSMSSender: SMSSender {
    public static let providerName = "outbox"
    public static let defaultFileName = "sms-outbox.jsonl"

    public let fileURL: URL
    private let file: AppendOnlyFile
    private let clock: @Sendable () -> Date
    private let logger: Logger

    public init(fileURL: URL, clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) {
        self.fileURL = fileURL
        self.file = AppendOnlyFile(path: fileURL.path)
        self.clock = clock
        self.logger = logger
    }

    public func send(_ message: SMSMessage) async throws {
        let line = OutboxLine.encode(message, at: clock())
        do {
            try await file.append(Array(line.utf8))
        } catch {
            throw SMSDeliveryError(provider: Self.providerName, detail: "could not append to \(fileURL.path): \(error)")
        }
        // Never log the text: it holds the code.
        logger.info(
            "SMS queued to outbox",
            metadata: ["sms.to": "\(maskedPhoneNumber(message.to))", "sms.outbox": "\(fileURL.path)"]
        )
    }
}
