import Foundation
import MailwardCore
import MailwardTesting
import Synchronization
import Testing

/// SPEC A1 and A10's limits hold for requests that arrive at once (the multi-node audit sent
/// them in parallel: 29 guesses against a limit of 10 were all checked, 20 codes went to one
/// number against a cap of 10, 10–20 tries at one code against 5). The store's reads take a
/// moment here, as a database's do, so requests overlap between a check and its counting.
@Suite struct ParallelLimitTests {
    @Test func parallelPasswordGuessesAreCheckedNoMoreThanTheLimit() async throws {
        let h = Harness(storeLatency: .milliseconds(2)) { $0.failuresPerAccount = 10; $0.failuresPerIP = 1000; $0.failureWindow = 900 }
        let account = try await h.user()
        let auth = h.authenticator
        await withTaskGroup(of: Void.self) { group in
            for guess in 0..<29 {
                group.addTask {
                    _ = await auth.authenticate(username: "zhang.san@example.edu.cn", password: "guess-\(guess)", door: .imap,
                                                remoteIP: "203.0.113.\(guess)", clientID: nil)
                }
            }
        }
        let events = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 100)
        #expect(events.filter { $0.method == "password" && !$0.success }.count == 10, "guesses checked against the password")
        #expect(events.filter { $0.method == "throttled" }.count == 19)
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: "198.51.100.1", clientID: nil) == .invalid, "still throttled")
    }

    /// The security audit's F2: guesses at many names from one IP, all at once, had every
    /// password checked; the IP's limit now holds for them as the account's does.
    @Test func parallelGuessesAtManyNamesFromOneIPAreCheckedNoMoreThanItsLimit() async throws {
        let h = Harness(storeLatency: .milliseconds(2)) { $0.failuresPerAccount = 1000; $0.failuresPerIP = 10; $0.failureWindow = 900 }
        _ = try await h.user()
        let auth = h.authenticator
        let ip = "203.0.113.77"
        let outcomes = await withTaskGroup(of: CredentialResult.self) { group in
            for guess in 0..<30 {
                group.addTask {
                    // Existing and unknown names alike: both are verified (the unknown against a dummy hash).
                    let name = guess % 2 == 0 ? "zhang.san@example.edu.cn" : "nobody\(guess)@example.edu.cn"
                    return await auth.authenticate(username: name, password: "guess-\(guess)", door: .imap,
                                                   remoteIP: ip, clientID: nil)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0 == .invalid })
        let counted = await h.store.rateEvents(key: "auth-fail:ip:\(ip)", since: Date(timeIntervalSince1970: 0))
        #expect(counted.count == 10, "passwords checked and found wrong from one IP")
        #expect(await h.env.passwordChecks.count("auth-fail:ip:\(ip)") == 0, "every check gave its place back")
    }

    /// Behind one address (a campus NAT) near its limit, correct sign-ins arriving together wait
    /// for room instead of being refused for guesses that have not failed.
    @Test func correctSignInsFromOneAddressNearItsLimitAllGetIn() async throws {
        let h = Harness(storeLatency: .milliseconds(2)) { $0.failuresPerIP = 3; $0.failureWindow = 900 }
        var accounts: [Account] = []
        for i in 0..<8 { accounts.append(try await h.user("user\(i)@example.edu.cn")) }
        let auth = h.authenticator
        let ip = "198.51.100.20"
        for attempt in 0..<2 {
            #expect(await auth.authenticate(username: "user0@example.edu.cn", password: "typo-\(attempt)", door: .imap,
                                            remoteIP: ip, clientID: nil) == .invalid)
        }
        let results = await withTaskGroup(of: Bool.self) { group in
            for account in accounts {
                group.addTask {
                    await auth.authenticate(username: account.address.description, password: Harness.password, door: .imap,
                                            remoteIP: ip, clientID: nil) == .valid(account, .accountPassword)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
        // One place left and twenty sign-ins at once (the regression audit: woken all together,
        // each counted the others, none fitted and they spun until the failure window passed).
        let crowd = try await h.users(count: 20, prefix: "crowd")
        let crowdIP = "198.51.100.21"
        for attempt in 0..<2 {
            _ = await auth.authenticate(username: "crowd0@example.edu.cn", password: "typo-\(attempt)", door: .imap,
                                        remoteIP: crowdIP, clientID: nil)
        }
        let readsBefore = await h.store.rateReads
        let admitted = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                await withTaskGroup(of: Bool.self) { signIns in
                    for account in crowd {
                        signIns.addTask {
                            await auth.authenticate(username: account.address.description, password: Harness.password, door: .imap,
                                                    remoteIP: crowdIP, clientID: nil) == .valid(account, .accountPassword)
                        }
                    }
                    return await signIns.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(admitted == 20, "every correct sign-in got in (nil: they did not finish)")
        // Each waits its turn rather than looking again and again: a handful of reads each.
        let reads = await h.store.rateReads - readsBefore
        #expect(reads < 20 * 8, "\(reads) reads of the failure counts for 20 sign-ins")
        // The third failure still locks the address out.
        #expect(await auth.authenticate(username: "user1@example.edu.cn", password: "typo", door: .imap,
                                        remoteIP: ip, clientID: nil) == .invalid)
        #expect(await auth.authenticate(username: "user2@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: ip, clientID: nil) == .invalid, "throttled")
    }

    /// The audit's race: 19 wrong codes at once, the right one a moment later while they are
    /// still being checked. It must not get in — the five tries were used up before it.
    @Test func theRightCodeAfterParallelWrongOnesIsRefused() async throws {
        let h = Harness(storeLatency: .milliseconds(20))
        let (_, challenge) = try await h.atCodeStep()
        try await h.signIn.sendCode(challenge: challenge, context: h.web)
        let right = try #require(h.lastCode())
        let wrong = right == "000000" ? "111111" : "000000"
        let signIn = h.signIn, web = h.web
        @Sendable func attempt(_ code: String) async -> TwoStepError? {
            do {
                _ = try await signIn.verify(challenge: challenge, code: code, trustDevice: false, oldSessionToken: nil, context: web)
                return nil
            } catch {
                return error as? TwoStepError
            }
        }
        let (wrongOutcomes, rightOutcome) = await withTaskGroup(of: (Bool, TwoStepError?).self) { group in
            for _ in 0..<19 { group.addTask { (false, await attempt(wrong)) } }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(10))
                return (true, await attempt(right))
            }
            var wrongOutcomes: [TwoStepError?] = [], rightOutcome: TwoStepError?? = nil
            for await (isRight, outcome) in group {
                if isRight { rightOutcome = outcome } else { wrongOutcomes.append(outcome) }
            }
            return (wrongOutcomes, rightOutcome)
        }
        #expect(rightOutcome == .some(.tooManyAttempts), "the right code came after five tries")
        #expect(wrongOutcomes.filter { if case .invalidCode = $0 { true } else { false } }.count == 4)
        #expect(wrongOutcomes.filter { $0 == .tooManyAttempts }.count == 15)
    }

    @Test func parallelCodeRequestsKeepTheResendIntervalAndTheNumbersCap() async throws {
        let h = Harness(smsLatency: .milliseconds(20), storeLatency: .milliseconds(2)) { $0.dailyCodesPerNumber = 10 }
        let first = try await h.user()
        let twoStep = h.twoStep, web = h.web
        // One account asking ten times at once: one code (a new one only after 60 s).
        let sent = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask { (try? await twoStep.startBinding(first, phone: "13800138000", context: web)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(sent == 1)
        #expect(h.sms.messages.count == 1)
        // Twenty accounts binding one number at once: its daily cap of ten holds (the first
        // account's code counts).
        var others: [Account] = []
        for i in 0..<20 { others.append(try await h.user("user\(i)@example.edu.cn")) }
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for account in others {
                group.addTask { (try? await twoStep.startBinding(account, phone: "13800138000", context: web)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 9)
        #expect(h.sms.messages.count == 10)
    }

    /// Users behind one address (a campus NAT) asking for codes at once do not wait for each
    /// other's provider calls, and the address's hourly cap still holds exactly.
    @Test func codeRequestsFromOneAddressShareItsCapButNotTheProvidersWait() async throws {
        let h = Harness(smsLatency: .milliseconds(200), storeLatency: .milliseconds(2)) { $0.hourlyCodesPerIP = 8 }
        var accounts: [Account] = []
        for i in 0..<12 { accounts.append(try await h.user("user\(i)@example.edu.cn")) }
        let twoStep = h.twoStep, web = h.web
        let accepted = await withTaskGroup(of: Bool.self) { group in
            for (i, account) in accounts.enumerated() {
                group.addTask { (try? await twoStep.startBinding(account, phone: "1380013\(String(format: "%04d", i))", context: web)) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 8)
        #expect(h.sms.messages.count == 8)
        #expect(h.sms.mostAtOnce > 1, "the provider was called for one request at a time")
    }

    @Test func keyedLocksRunOneBodyAtATimePerKey() async throws {
        let locks = KeyedLocks()
        let inside = InsideCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask {
                    try await locks.withLocks(i % 2 == 0 ? ["a", "b"] : ["b", "a"]) {
                        #expect(inside.enter() == 1, "one body at a time for overlapping keys")
                        try await Task.sleep(for: .milliseconds(1))
                        inside.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        // A body that throws still gives its keys back.
        await #expect(throws: CancellationError.self) { try await locks.withLocks(["a"]) { throw CancellationError() } }
        try await locks.withLocks(["a"]) {}
    }
}

final class InsideCounter: Sendable {
    private let count = Mutex(0)
    func enter() -> Int { count.withLock { $0 += 1; return $0 } }
    func leave() { count.withLock { $0 -= 1 } }
}
