@testable import MailwardDelivery
import Synchronization
import Testing

/// The worker's wait for new mail ends on a signal, on cancellation or when its time is up —
/// without polling. Each wait here is ten minutes long: returning at all proves the wake-up, and
/// a wake-up that never comes fails the test at its time limit instead of holding up the run.
@Suite(.timeLimit(.minutes(1))) struct DeliveryWakeUpTests {
    @Test func aSignalWakesTheWaitingWorker() async throws {
        let wakeUp = DeliveryWakeUp()
        let woken = Mutex(false)
        let waiting = Task {
            await wakeUp.wait(for: .seconds(600))
            woken.withLock { $0 = true }
        }
        // Signalled again until the waiter is gone: the first signal may come before it waits
        // (it then returns at once) or while it arrives. Ten seconds at most.
        for _ in 0..<500 where !woken.withLock({ $0 }) {
            wakeUp.signal()
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(woken.withLock { $0 })
        waiting.cancel()
    }

    @Test func aSignalWithNobodyWaitingEndsTheNextWaitAtOnce() async {
        let wakeUp = DeliveryWakeUp()
        wakeUp.signal()
        await wakeUp.wait(for: .seconds(600))
        // Consumed: the one after that waits its time.
        let start = ContinuousClock.now
        await wakeUp.wait(for: .milliseconds(50))
        #expect(ContinuousClock.now - start >= .milliseconds(50))
    }

    @Test func cancellationEndsTheWait() async {
        let wakeUp = DeliveryWakeUp()
        let waiting = Task { await wakeUp.wait(for: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        await waiting.value
    }

    @Test func cancelledBeforeWaitingReturnsAtOnce() async {
        let wakeUp = DeliveryWakeUp()
        let waiting = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            await wakeUp.wait(for: .seconds(600))
        }
        await waiting.value
    }

}
