import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// `MailStore`'s automatic replies on every store: the settings round trip, which accounts have
/// one on, and one reply per sender and period (taken in one step).
@Suite struct AutoReplyConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func setUp(_ kind: StoreKind) async throws -> (any MailStore, AccountID, AccountID) {
        let (directory, mail, _) = try await kind.makeStores()
        let ids = try await directory.insertDemoAccounts(["li", "wang"], at: t0)
        return (mail, ids[0], ids[1])
    }

    @Test(arguments: StoreKind.allCases)
    func settingsRoundTripAndRepliesAreTakenOncePerPeriod(_ kind: StoreKind) async throws {
        let (store, li, wang) = try await setUp(kind)
        #expect(try await store.autoReply(accountID: li) == nil)
        #expect(try await store.accountsWithAutoReply().isEmpty)
        let away = AutoReply(enabled: true, subject: "休假中", text: "我在休假，\n12 月 20 日回来。", endsAt: t0 + 86_400)
        try await store.setAutoReply(accountID: li, away)
        try await store.setAutoReply(accountID: wang, AutoReply(enabled: false, text: "draft"))
        #expect(try await store.autoReply(accountID: li) == away)
        #expect(try await store.autoReply(accountID: wang) == AutoReply(enabled: false, text: "draft", endsAt: nil))
        #expect(try await store.accountsWithAutoReply() == [li])

        let week: TimeInterval = 7 * 86_400
        #expect(try await store.takeAutoReplyTurn(accountID: li, sender: "a@far.test", now: t0, interval: week))
        #expect(try await !store.takeAutoReplyTurn(accountID: li, sender: "a@far.test", now: t0 + 60, interval: week))
        #expect(try await store.takeAutoReplyTurn(accountID: li, sender: "b@far.test", now: t0 + 60, interval: week))
        #expect(try await store.takeAutoReplyTurn(accountID: wang, sender: "a@far.test", now: t0 + 60, interval: week))
        #expect(try await store.takeAutoReplyTurn(accountID: li, sender: "a@far.test", now: t0 + week, interval: week), "a period later")
        // Two at once: one turn.
        async let first = store.takeAutoReplyTurn(accountID: li, sender: "c@far.test", now: t0, interval: week)
        async let second = store.takeAutoReplyTurn(accountID: li, sender: "c@far.test", now: t0, interval: week)
        #expect([try await first, try await second].filter { $0 }.count == 1)
        // A new text forgets whom the old one answered; removing it removes it.
        try await store.setAutoReply(accountID: li, AutoReply(enabled: true, text: "new"))
        #expect(try await store.takeAutoReplyTurn(accountID: li, sender: "b@far.test", now: t0 + 120, interval: week))
        try await store.setAutoReply(accountID: li, nil)
        #expect(try await store.autoReply(accountID: li) == nil)
        #expect(try await store.accountsWithAutoReply().isEmpty)
    }
}
