import Foundation
import Logging
import MailwardCore
import ServiceLifecycle

/// Forgets expired codes, challenges, sessions and trusted devices, and old rate-limit events,
/// every ten minutes (DESIGN principle 7: long-running work is a `Service`).
struct SecuritySweeper: Service {
    let store: any SecurityStore
    let clock: any WallClock
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let now = clock.now
                do {
                    // Rate windows are at most a day long.
                    try await store.pruneExpired(now: now, rateEventsBefore: now.addingTimeInterval(-2 * 86_400))
                } catch is CancellationError {
                    break  // the server is stopping
                } catch {
                    logger.warning("expiry sweep failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
