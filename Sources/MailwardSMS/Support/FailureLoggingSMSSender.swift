import Logging
import MailwardCore

/// Puts a provider's failure in the server log with its reason — the gateway's error code, an
/// HTTP status, a timeout — so an operator sees a wrong key or a used-up quota without reading
/// each account's audit log. The number is masked; the text (the code) is never in a reason.
public struct FailureLoggingSMSSender: SMSSender, CustomReflectable {
    /// The provider's own sender.
    public let sender: any SMSSender
    let logger: Logger

    init(_ sender: any SMSSender, logger: Logger) {
        self.sender = sender
        self.logger = logger
    }

    public var customMirror: Mirror { Mirror(self, children: ["sender": sender], displayStyle: .struct) }

    public func send(_ message: SMSMessage) async throws {
        do {
            try await sender.send(message)
        } catch {
            let phone = try? PhoneNumber(parsing: message.to)
            let reason = String(describing: error)
            logger.warning("SMS could not be sent", metadata: [
                "to": "\(phone?.hint ?? "(not a phone number)")",
                "reason": "\(phone.map { $0.masking(in: reason) } ?? reason)",
            ])
            throw error
        }
    }
}
