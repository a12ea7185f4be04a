import MailwardCore
import Synchronization

/// An `SMSSender` for tests: keeps every message, and fails on demand (to test that a provider
/// failure leaves nothing half-issued).
public final class RecordingSMSSender: SMSSender {
    private let state = Mutex<(messages: [SMSMessage], failing: Bool)>(([], false))

    public init() {}

    public func send(_ message: SMSMessage) async throws {
        let failing = state.withLock { state -> Bool in
            if !state.failing { state.messages.append(message) }
            return state.failing
        }
        if failing { throw SMSDeliveryError(provider: "recording", detail: "failing on purpose") }
    }

    public var messages: [SMSMessage] { state.withLock { $0.messages } }

    public func setFailing(_ failing: Bool) {
        state.withLock { $0.failing = failing }
    }

    /// The 6-digit code at the end of the latest message to `phone`.
    public func lastCode(to phone: String) -> String? {
        guard let text = messages.last(where: { $0.to == phone })?.text else { return nil }
        let digits = text.reversed().prefix { $0.isNumber }
        return digits.count == 6 ? String(digits.reversed()) : nil
    }
}
