import MailwardCore
import Synchronization

/// An `SMSSender` for tests: keeps every message, and fails on demand (to test that a provider
/// failure leaves nothing half-issued). `latency` stands for a gateway's round trip (requests
/// arriving together then overlap, as they do against a real provider).
public final class RecordingSMSSender: SMSSender {
    private let state = Mutex<(messages: [SMSMessage], failing: Bool)>(([], false))
    private let latency: Duration
    private let inFlight = Mutex<(now: Int, most: Int)>((0, 0))

    /// The most sends that were in progress at one time.
    public var mostAtOnce: Int { inFlight.withLock { $0.most } }

    public init(latency: Duration = .zero) {
        self.latency = latency
    }

    public func send(_ message: SMSMessage) async throws {
        inFlight.withLock {
            $0.now += 1
            $0.most = max($0.most, $0.now)
        }
        defer { inFlight.withLock { $0.now -= 1 } }
        if latency > .zero { try await Task.sleep(for: latency) }
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
