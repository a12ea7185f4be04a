import Foundation
import MailwardCore
import Synchronization
import Testing

@Suite struct PasswordVerdictCacheTests {
    static let cheap = ScryptParameters(logN: 4, r: 8, p: 1)

    @Test func answersAreRememberedForTheirStoredHash() async throws {
        let hasher = PasswordHasher(parameters: Self.cheap)
        let stored = try await hasher.hash("a long passphrase")
        #expect(await hasher.judge("another passphrase", against: stored) == .wrong)
        #expect(await hasher.judge("another passphrase", against: stored) == .repeatedWrong)
        #expect(await hasher.judge("a third passphrase", against: stored) == .wrong)
        #expect(await hasher.judge("a long passphrase", against: stored) == .right(needsRehash: false))
        #expect(await hasher.judge("a long passphrase", against: stored) == .right(needsRehash: false))
        #expect(hasher.recent.rightHits == 1 && hasher.recent.wrongHits == 1)
        // Another stored hash (a new password, even the same one again) is checked afresh.
        let changed = try await hasher.hash("a long passphrase")
        #expect(await hasher.judge("a long passphrase", against: changed) == .right(needsRehash: false))
        #expect(await hasher.judge("another passphrase", against: changed) == .wrong)
        #expect(hasher.recent.rightHits == 1 && hasher.recent.wrongHits == 1)
        #expect(await !hasher.verify("a long passphrase", against: "$scrypt$ln=4,r=8,p=1$AAAA$AAAA").isValid)
    }

    @Test func aHashDueForAnUpgradeIsNotRemembered() async {
        let hasher = PasswordHasher(parameters: Self.cheap)
        let imported = "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"
        #expect(await hasher.verify("Hello world!", against: imported) == .valid(needsRehash: true))
        #expect(await hasher.verify("Hello world!", against: imported) == .valid(needsRehash: true))
        #expect(hasher.recent.rightHits == 0 && hasher.recent.count == 0)
    }

    @Test func answersExpire() async throws {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        let cache = PasswordVerdictCache(rightLifetime: .seconds(60), wrongLifetime: .seconds(30),
                                         now: { start.advanced(by: offset.withLock { $0 }) })
        let hasher = PasswordHasher(parameters: Self.cheap, recent: cache)
        let stored = try await hasher.hash("a long passphrase")
        _ = await hasher.verify("a long passphrase", against: stored)
        #expect(await hasher.judge("a stale passphrase", against: stored) == .wrong)
        offset.withLock { $0 = .seconds(29) }
        #expect(await hasher.judge("a stale passphrase", against: stored) == .repeatedWrong)
        _ = await hasher.verify("a long passphrase", against: stored)
        #expect(cache.rightHits == 1)
        offset.withLock { $0 = .seconds(31) }
        #expect(await hasher.judge("a stale passphrase", against: stored) == .wrong)  // counted once more
        offset.withLock { $0 = .seconds(61) }
        #expect(await hasher.verify("a long passphrase", against: stored).isValid)  // verified again
        #expect(cache.rightHits == 1)
    }

    @Test func memoryIsBoundedAndRecentlyUsedAnswersSurvive() async throws {
        let cache = PasswordVerdictCache(capacity: 8)
        let hasher = PasswordHasher(parameters: Self.cheap, recent: cache)
        let stored = try await hasher.hash("a long passphrase")
        _ = await hasher.verify("a long passphrase", against: stored)
        for n in 0..<50 {
            let other = try await hasher.hash("passphrase \(n)")
            _ = await hasher.verify("passphrase \(n)", against: other)
            // The first account signs in again every few others and stays remembered.
            if n % 3 == 0 { #expect(await hasher.verify("a long passphrase", against: stored).isValid) }
            #expect(cache.count <= 8)
        }
        #expect(cache.rightHits == 17)
    }

    /// Thunderbird opens its connections together: they wait for each other's check of the
    /// account password (the failure limits count exactly), and only the first one runs scrypt.
    @Test func parallelSignInsOfOneAccountVerifyOnce() async throws {
        let h = Harness()
        let account = try await h.user()
        let results = await withTaskGroup(of: CredentialResult.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    await h.authenticator.authenticate(username: account.address.description, password: Harness.password,
                                                       door: .imap, remoteIP: "192.0.2.20", clientID: nil)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { if case .valid = $0 { true } else { false } })
        #expect(h.accounts.hasher.recent.rightHits == 4)
    }

    /// A changed password: the old one, remembered as right a moment ago, is refused at once.
    @Test func aChangedPasswordIsNotAnsweredFromMemory() async throws {
        let h = Harness()
        let account = try await h.user()
        func imap(_ password: String) async -> CredentialResult {
            await h.authenticator.authenticate(username: account.address.description, password: password,
                                               door: .imap, remoteIP: "192.0.2.20", clientID: nil)
        }
        guard case .valid = await imap(Harness.password) else { Issue.record("first sign-in refused"); return }
        guard case .valid = await imap(Harness.password) else { Issue.record("second sign-in refused"); return }
        #expect(h.accounts.hasher.recent.rightHits == 1)
        try await h.accounts.setPassword(account.address.description, to: "Another-Garden-43")
        #expect(await imap(Harness.password) == .invalid)
        guard case .valid = await imap("Another-Garden-43") else { Issue.record("new password refused"); return }
    }

    /// A phone still trying the password its owner changed: refused every time, never counted —
    /// it does not lock the owner (nor, behind a NAT, everybody else) out.
    @Test func theFormerPasswordTriedAgainIsNotCounted() async throws {
        let h = Harness { $0.failuresPerAccount = 3; $0.failuresPerIP = 5 }
        let account = try await h.user()
        func imap(_ password: String, as name: String = "zhang.san@example.edu.cn") async -> CredentialResult {
            await h.authenticator.authenticate(username: name, password: password, door: .imap, remoteIP: "192.0.2.20", clientID: nil)
        }
        guard case .valid = await imap(Harness.password) else { Issue.record("first sign-in refused"); return }
        try await h.accounts.setPassword(account.address.description, to: "Another-Garden-43")
        for _ in 0..<20 { #expect(await imap(Harness.password) == .invalid) }
        guard case .valid = await imap("Another-Garden-43") else { Issue.record("the owner was locked out"); return }
        // Passwords the account never had are guesses, repeated or not: the limit holds at three.
        for _ in 0..<3 { #expect(await imap("guess-1") == .invalid) }
        #expect(await imap("Another-Garden-43") == .invalid)
        #expect(h.accounts.hasher.recent.wrongHits >= 19)
    }

    @Test func usedPasswordsAreRememberedPerAccountForTheirLifetime() {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        let cache = PasswordVerdictCache(usedLifetime: .seconds(100), now: { start.advanced(by: offset.withLock { $0 }) })
        cache.rememberUsed("Old-Garden-41", account: "7")
        #expect(cache.wasUsed("Old-Garden-41", account: "7"))
        #expect(!cache.wasUsed("Old-Garden-41", account: "8"))
        #expect(!cache.wasUsed("old-garden-41", account: "7"))
        offset.withLock { $0 = .seconds(101) }
        #expect(!cache.wasUsed("Old-Garden-41", account: "7"))
    }
}
