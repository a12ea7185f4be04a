import Foundation
import Synchronization

/// Wakes the delivery worker when a message was queued in this process. (Messages queued by
/// another process, and `mailward queue retry`, are seen at the next poll.)
public final class DeliveryWakeUp: Sendable {
    private let signalled = Mutex(false)

    public init() {}

    public func signal() {
        signalled.withLock { $0 = true }
    }

    /// Returns after `seconds`, or earlier when signalled or `stop()` says so. Checks every
    /// 50 ms: cheap, and needs no continuation bookkeeping.
    func wait(seconds: TimeInterval, stop: () -> Bool) async {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline && !stop() {
            if signalled.withLock({ flag in defer { flag = false }; return flag }) { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
