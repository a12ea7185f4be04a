import Foundation
import MailwardCore
import MailwardTesting
import Synchronization
import Testing

/// `DeliveryQueueStore.takeSending` / `sendingCounts` (``SendingLimits``' counts) on every store:
/// the verdict sees the last day's counts, only an allowed take is counted, older minutes go.
@Suite struct SendingCountConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_020)

    func setUp(_ kind: StoreKind) async throws -> (any DeliveryQueueStore, AccountID, AccountID) {
        guard let store = try await kind.makeSharedStore() else { return (InMemoryDeliveryQueueStore(), 1, 2) }
        let ids = try await store.insertDemoAccounts(["bob", "eve"], at: t0)
        return (store, ids[0], ids[1])
    }

    @Test(arguments: StoreKind.allCases)
    func onlyAllowedTakesAreCountedPerAccountAndMinute(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        let minute = SendingCount.minute(of: t0)
        let seen = Mutex<[[SendingCount]]>([])
        func take(_ n: Int, _ account: AccountID, at date: Date, allow: Bool) async throws -> SendingVerdict {
            try await store.takeSending(accountID: account, recipients: n, now: date) { counts in
                seen.withLock { $0.append(counts) }
                return allow ? .allowed : .limitReached(limit: 1, windowMinutes: 60, retryAfter: 30)
            }
        }
        #expect(try await take(3, bob, at: t0, allow: true) == .allowed)
        #expect(try await take(2, bob, at: t0 + 10, allow: true) == .allowed)
        #expect(try await take(7, bob, at: t0 + 61, allow: true) == .allowed)
        #expect(try await take(50, bob, at: t0 + 62, allow: false) == .limitReached(limit: 1, windowMinutes: 60, retryAfter: 30))
        #expect(try await take(4, eve, at: t0, allow: true) == .allowed)
        #expect(seen.withLock { $0 }.map { $0.map(\.recipients) } == [[], [3], [5], [5, 7], []])
        #expect(try await store.sendingCounts(accountID: bob, since: minute) == [SendingCount(minute: minute, recipients: 5),
                                                                                 SendingCount(minute: minute + 1, recipients: 7)])
        #expect(try await store.sendingCounts(accountID: bob, since: minute + 1) == [SendingCount(minute: minute + 1, recipients: 7)])
        #expect(try await store.sendingCounts(accountID: eve, since: 0) == [SendingCount(minute: minute, recipients: 4)])

        // A day later the first minute is no longer seen, and is gone.
        let dayLater = t0 + 86_400
        #expect(try await take(1, bob, at: dayLater, allow: true) == .allowed)
        #expect(seen.withLock { $0.last } == [SendingCount(minute: minute + 1, recipients: 7)])
        #expect(try await store.sendingCounts(accountID: bob, since: 0).map(\.minute) == [minute + 1, minute + 1_440])
    }
}
