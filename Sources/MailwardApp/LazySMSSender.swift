import Foundation
import Logging
import MailwardCore
import Synchronization

/// The configured SMS provider, built at its first use: the command line never sends SMS and
/// must not log provider start-up lines, and the server builds it only after logging is set up
/// (`MailwardServer` calls `prepare()` at start so a bad configuration still fails early).
final class LazySMSSender: SMSSender {
    private let make: @Sendable () throws -> any SMSSender
    private let sender = Mutex<(any SMSSender)?>(nil)

    init(_ make: @escaping @Sendable () throws -> any SMSSender) {
        self.make = make
    }

    @discardableResult
    func prepare() throws -> any SMSSender {
        if let existing = sender.withLock({ $0 }) { return existing }
        let made = try make()
        return sender.withLock { current in
            if let current { return current }
            current = made
            return made
        }
    }

    func send(_ message: SMSMessage) async throws {
        let sender: any SMSSender
        do {
            sender = try prepare()
        } catch {
            throw SMSDeliveryError(provider: "configuration", detail: "\(error)")
        }
        try await sender.send(message)
    }
}
