import Foundation
import MailwardCore
import MailwardTesting
import Testing

@Suite struct SignInServiceTests {
    @Test func passwordOnlyUntilAPhoneIsBound() async throws {
        let h = Harness()
        let account = try await h.user()
        let step = try await h.signIn.begin(username: "Zhang.San@example.edu.cn", password: Harness.password, deviceToken: nil,
                                            oldSessionToken: nil, context: h.web)
        guard case .signedIn(let grant) = step else { Issue.record("expected a session, got \(step)"); return }
        #expect(grant.account.id == account.id)
        #expect(try await h.sessions.resolve(token: grant.token)?.account.id == account.id)
        await #expect(throws: TwoStepError.invalidCredentials) {
            _ = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: "wrong", deviceToken: nil,
                                         oldSessionToken: nil, context: h.web)
        }
        await #expect(throws: TwoStepError.invalidCredentials) {
            _ = try await h.signIn.begin(username: "nobody@example.edu.cn", password: Harness.password, deviceToken: nil,
                                         oldSessionToken: nil, context: h.web)
        }
    }

    @Test func codeThenTrustedDeviceForSevenDaysExactly() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let sent = h.sms.messages.count
        let step = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil,
                                            oldSessionToken: nil, context: h.web)
        guard case .secondFactorRequired(let challenge, let hint, _) = step else { Issue.record("\(step)"); return }
        #expect(hint == "+86 138****8000")
        #expect(h.sms.messages.count == sent, "POST /session never sends a code")
        #expect(try await h.signIn.sendCode(challenge: challenge, context: h.web) == 60)
        #expect(h.sms.messages.last?.text.contains("登录") == true)
        let code = try #require(h.lastCode())
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4)) {
            _ = try await h.signIn.verify(challenge: challenge, code: code == "000000" ? "111111" : "000000", trustDevice: true,
                                          oldSessionToken: nil, context: h.web)
        }
        let verified = try await h.signIn.verify(challenge: challenge, code: code, trustDevice: true, oldSessionToken: nil, context: h.web)
        let device = try #require(verified.device)
        #expect(device.expiresAt == h.clock.now.addingTimeInterval(7 * 86_400))
        // Replaying the challenge (or the code) gets nothing.
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h.signIn.verify(challenge: challenge, code: code, trustDevice: false, oldSessionToken: nil, context: h.web)
        }
        let devices = try await h.twoStep.devices(account)
        #expect(devices.count == 1)
        #expect(devices.first?.name == "Chrome 120 · Linux")

        func again(_ token: String?) async throws -> SignInStep {
            try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: token,
                                     oldSessionToken: nil, context: h.web)
        }
        h.clock.advance(by: 7 * 86_400 - 62)
        guard case .signedIn = try await again(device.token) else { Issue.record("trusted device within 7 days"); return }
        guard case .secondFactorRequired = try await again(nil) else { Issue.record("other browsers still need a code"); return }
        h.clock.advance(by: 62)
        guard case .secondFactorRequired = try await again(device.token) else { Issue.record("trust ends after 7 days"); return }
        let signIns = try await h.twoStep.recentSignIns(account)
        #expect(signIns.contains { $0.method == "password+trusted-device" && $0.success })
        #expect(signIns.contains { $0.method == "password+sms" && !$0.success })
    }

    @Test func cancellingTrustAsksForACodeAgain() async throws {
        let h = Harness()
        let (account, challenge) = try await h.atCodeStep()
        try await h.signIn.sendCode(challenge: challenge, context: h.web)
        let verified = try await h.signIn.verify(challenge: challenge, code: try #require(h.lastCode()), trustDevice: true,
                                                 oldSessionToken: nil, context: h.web)
        let device = try #require(try await h.twoStep.devices(account).first)
        try await h.twoStep.removeDevice(account, id: device.id, context: h.web)
        await #expect(throws: TwoStepError.notFound) { try await h.twoStep.removeDevice(account, id: device.id, context: h.web) }
        guard case .secondFactorRequired = try await h.signIn.begin(
            username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: verified.device?.token,
            oldSessionToken: nil, context: h.web)
        else { Issue.record("a cancelled device must ask for a code"); return }
    }

    @Test func challengesLiveTenMinutes() async throws {
        let h = Harness()
        let (_, challenge) = try await h.atCodeStep()
        h.clock.advance(by: 600)
        await #expect(throws: TwoStepError.invalidChallenge) { try await h.signIn.sendCode(challenge: challenge, context: h.web) }
        await #expect(throws: TwoStepError.invalidChallenge) { try await h.signIn.sendCode(challenge: "not-a-token", context: h.web) }
    }

    @Test func enforcementForcesEnrollmentAndForbidsUnbinding() async throws {
        let h = Harness()
        let account = try await h.user()
        #expect(try await h.twoStep.enforce(.domain("example.edu.cn")))
        #expect(try await !h.twoStep.enforce(.domain("example.edu.cn")))
        let step = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil,
                                            oldSessionToken: nil, context: h.web)
        guard case .enrollmentRequired(let challenge) = step else { Issue.record("\(step)"); return }
        // The sign-in code route does not work on an enrollment challenge.
        await #expect(throws: TwoStepError.invalidChallenge) { try await h.signIn.sendCode(challenge: challenge, context: h.web) }
        await #expect(throws: TwoStepError.invalidPhone) {
            try await h.signIn.sendEnrollmentCode(challenge: challenge, phone: "12345", context: h.web)
        }
        try await h.signIn.sendEnrollmentCode(challenge: challenge, phone: "13900139000", context: h.web)
        let code = try #require(h.lastCode("+8613900139000"))
        await #expect(throws: TwoStepError.codeMissing) {
            _ = try await h.signIn.confirmEnrollment(challenge: challenge, phone: "13800138000", code: code, trustDevice: false,
                                                     oldSessionToken: nil, context: h.web)
        }
        let verified = try await h.signIn.confirmEnrollment(challenge: challenge, phone: "139 0013 9000", code: code,
                                                            trustDevice: false, oldSessionToken: nil, context: h.web)
        #expect(verified.session.account.id == account.id)
        let status = try await h.twoStep.status(account)
        #expect(status == TwoStepStatus(enabled: true, methods: ["sms"], phoneHint: "+86 139****9000", enforced: true))
        h.clock.advance(by: 61)
        await #expect(throws: TwoStepError.enforced) { _ = try await h.twoStep.startUnbind(account, context: h.web) }
        await #expect(throws: TwoStepError.enforced) {
            try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)
        }
        #expect(try await h.twoStep.relax(.domain("example.edu.cn")))
        try await h.twoStep.startUnbind(account, context: h.web)
        #expect(h.sms.messages.last?.to == "+8613900139000")
        try await h.twoStep.unbind(account, code: h.lastCode("+8613900139000"), password: nil, context: h.web)
        #expect(try await h.twoStep.status(account).enabled == false)
    }

    /// A6 for a browser that was signed in before the administrator enforced two-step
    /// verification: without a phone its session ends (it could otherwise read mail and make
    /// client-specific passwords without ever binding one); with a phone it goes on.
    @Test func enforcementEndsOpenSessionsOfAccountsWithoutAPhone() async throws {
        let h = Harness()
        let unbound = try await h.user("zhang@example.edu.cn")
        let bound = try await h.user("li@example.edu.cn")
        try await h.bind(bound)
        let unboundSession = try await h.sessions.open(account: unbound, context: h.web, trustedDeviceID: nil)
        let boundSession = try await h.sessions.open(account: bound, context: h.web, trustedDeviceID: nil)
        #expect(try await h.sessions.resolve(token: unboundSession.token) != nil)
        try await h.twoStep.enforce(.domain("example.edu.cn"))
        #expect(try await h.sessions.resolve(token: unboundSession.token) == nil)
        #expect(try await h.sessions.resolve(token: boundSession.token)?.account.id == bound.id)
        // Ended, not suspended: relaxing the policy does not bring it back.
        try await h.twoStep.relax(.domain("example.edu.cn"))
        #expect(try await h.sessions.resolve(token: unboundSession.token) == nil)

        // A lost phone reset by the administrator while enforced: the same.
        try await h.twoStep.enforce(.account(bound.id))
        #expect(try await h.sessions.resolve(token: boundSession.token) != nil)
        try await h.twoStep.reset(bound)
        #expect(try await h.sessions.resolve(token: boundSession.token) == nil)
    }

    /// Typing the account password inside a session (password change, unbinding with it) counts
    /// against the sign-in's failure limit: a stolen session cannot try passwords without end,
    /// and the lockout it reaches holds for the sign-in too.
    @Test func passwordsTypedInASessionAreThrottledLikeSignIns() async throws {
        let h = Harness { $0.failuresPerAccount = 3; $0.failureWindow = 900 }
        let account = try await h.user()
        try await h.bind(account)
        let change = PasswordChangeService(h.env)
        await #expect(throws: TwoStepError.wrongPassword) {
            try await change.change(account, current: "guess-1", new: "New-Garden-43", keepingSession: nil, context: h.web)
        }
        for guess in ["guess-2", "guess-3"] {
            await #expect(throws: TwoStepError.wrongPassword) {
                try await h.twoStep.unbind(account, code: nil, password: guess, context: h.web)
            }
        }
        // Locked out now, the right password included, here and at the sign-in.
        await #expect(throws: TwoStepError.rateLimited(retryAfter: 900)) {
            try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)
        }
        await #expect(throws: TwoStepError.rateLimited(retryAfter: 900)) {
            _ = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil,
                                         oldSessionToken: nil, context: h.web)
        }
        h.clock.advance(by: 901)
        try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)
        #expect(try await h.twoStep.status(account).enabled == false)
    }

    @Test func enforcementScopes() async throws {
        let h = Harness()
        let zhang = try await h.user("zhang@a.test")
        let li = try await h.user("li@b.test")
        #expect(try await !h.twoStep.isEnforced(zhang))
        try await h.twoStep.enforce(.account(li.id))
        #expect(try await !h.twoStep.isEnforced(zhang))
        #expect(try await h.twoStep.isEnforced(li))
        try await h.twoStep.enforce(.all)
        #expect(try await h.twoStep.isEnforced(zhang))
        try await h.twoStep.relax(.all)
        #expect(try await !h.twoStep.isEnforced(zhang))
    }

    @Test func sessionsTimeOutWhenIdleAndAbsolutely() async throws {
        let h = Harness { $0.sessionIdleTimeout = 1800; $0.sessionAbsoluteTimeout = 3 * 3600 }
        let account = try await h.user()
        let grant = try await h.sessions.open(account: account, context: h.web, trustedDeviceID: nil)
        h.clock.advance(by: 1799)
        #expect(try await h.sessions.resolve(token: grant.token) != nil)
        h.clock.advance(by: 1799)
        #expect(try await h.sessions.resolve(token: grant.token) != nil)
        h.clock.advance(by: 1800)
        #expect(try await h.sessions.resolve(token: grant.token) == nil)
        let long = try await h.sessions.open(account: account, context: h.web, trustedDeviceID: nil)
        for _ in 0..<7 {
            h.clock.advance(by: 1700)
            _ = try await h.sessions.resolve(token: long.token)
        }
        #expect(try await h.sessions.resolve(token: long.token) == nil, "absolute timeout")
        #expect(h.sessions.checkCSRF(sessionToken: long.token, presented: long.csrfToken))
        #expect(!h.sessions.checkCSRF(sessionToken: long.token, presented: nil))
        #expect(!h.sessions.checkCSRF(sessionToken: long.token, presented: grant.csrfToken))
    }

    /// At the shortest idle timeout (a minute), a session used every ten seconds stays open: its
    /// idle timer is refreshed often enough (it was written once a minute at most, so the session
    /// ended a minute after sign-in however busy it was).
    @Test func aBusySessionOutlivesTheShortestIdleTimeout() async throws {
        let h = Harness { $0.sessionIdleTimeout = 60 }
        let grant = try await h.sessions.open(account: try await h.user(), context: h.web, trustedDeviceID: nil)
        for second in stride(from: 10, through: 300, by: 10) {
            h.clock.advance(by: 10)
            #expect(try await h.sessions.resolve(token: grant.token) != nil, "at \(second) s")
        }
        h.clock.advance(by: 60)
        #expect(try await h.sessions.resolve(token: grant.token) == nil)
    }

    /// One wrong password tried again and again counts every time (only the account's own former
    /// password does not: PasswordVerdictCacheTests).
    @Test func signInIsThrottledPerAccount() async throws {
        let h = Harness { $0.failuresPerAccount = 3; $0.failureWindow = 900 }
        _ = try await h.user()
        for _ in 0..<3 {
            await #expect(throws: TwoStepError.invalidCredentials) { try await h.begin("zhang.san@example.edu.cn", "nope") }
        }
        await #expect(throws: TwoStepError.rateLimited(retryAfter: 900)) { try await h.begin("zhang.san@example.edu.cn") }
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password,
                                                   door: .imap, remoteIP: "198.51.100.1", clientID: nil) == .invalid)
        h.clock.advance(by: 901)
        guard case .signedIn = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password,
                                                        deviceToken: nil, oldSessionToken: nil, context: h.web)
        else { Issue.record("the window has passed"); return }
    }

    /// An account's aliases share its failure count: guessing through each alias in turn gets no
    /// more tries than through the address (audit F1).
    @Test func aliasesShareTheAccountsFailureLimit() async throws {
        let h = Harness { $0.failuresPerAccount = 3; $0.failureWindow = 900 }
        _ = try await h.user()
        for alias in ["zs", "san", "office"] { try await h.accounts.addAlias("\(alias)@example.edu.cn", for: "zhang.san@example.edu.cn") }
        for name in ["zs", "san", "zhang.san"] {
            await #expect(throws: TwoStepError.invalidCredentials) { try await h.begin("\(name)@example.edu.cn", "nope") }
        }
        await #expect(throws: TwoStepError.rateLimited(retryAfter: 900)) { try await h.begin("office@example.edu.cn") }
    }
}

@Suite struct SignInCooldownTests {
    /// Two sign-ins at once (two browsers) each wait for their own resend and check their own
    /// code: one attempt's code does not open the other.
    @Test func resendWaitsSixtySecondsWithinOneSignInButANewSignInMayAskAtOnce() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        func challenge() async throws -> String {
            guard case .secondFactorRequired(let token, _, _) = try await h.signIn.begin(
                username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil, oldSessionToken: nil,
                context: h.web) else { throw TwoStepError.invalidChallenge }
            return token
        }
        let first = try await challenge()
        try await h.signIn.sendCode(challenge: first, context: h.web)
        await #expect(throws: TwoStepError.cooldown(retryAfter: 60)) { try await h.signIn.sendCode(challenge: first, context: h.web) }
        let firstCode = try #require(h.lastCode())
        let second = try await challenge()
        try await h.signIn.sendCode(challenge: second, context: h.web)
        await #expect(throws: TwoStepError.cooldown(retryAfter: 60)) { try await h.signIn.sendCode(challenge: second, context: h.web) }
        let secondCode = try #require(h.lastCode())
        try #require(firstCode != secondCode)
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4)) {
            _ = try await h.signIn.verify(challenge: first, code: secondCode, trustDevice: false, oldSessionToken: nil, context: h.web)
        }
        _ = try await h.signIn.verify(challenge: first, code: firstCode, trustDevice: false, oldSessionToken: nil, context: h.web)
        _ = try await h.signIn.verify(challenge: second, code: secondCode, trustDevice: false, oldSessionToken: nil, context: h.web)
    }

    // MARK: A sign-in in progress dies with the state it was begun in (audit F8)

    /// Someone who knew the old password began a sign-in: once the owner changes it, the code
    /// step is closed (A13: whoever knew the old password keeps no door open).
    @Test func aPasswordChangeEndsSignInsInProgress() async throws {
        let h = Harness()
        let (account, challenge) = try await h.atCodeStep()
        try await h.signIn.sendCode(challenge: challenge, context: h.web)
        let code = try #require(h.lastCode())
        try await PasswordChangeService(h.env).change(account, current: Harness.password, new: "Moon-River-77",
                                                      keepingSession: nil, context: h.web)
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h.signIn.verify(challenge: challenge, code: code, trustDevice: true, oldSessionToken: nil, context: h.web)
        }
    }

    /// An enrollment begun with the password (enforced, no phone) is void once the owner binds her
    /// own phone: it neither replaces her phone nor opens a session.
    @Test func anEnrollmentInProgressCannotReplaceAPhoneBoundMeanwhile() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.enforce(.domain("example.edu.cn"))
        func enrollmentChallenge() async throws -> String {
            let step = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil,
                                                oldSessionToken: nil, context: h.web)
            guard case .enrollmentRequired(let challenge) = step else { throw Harness.HarnessError.unexpected("\(step)") }
            return challenge
        }
        let intruder = try await enrollmentChallenge()
        try await h.signIn.sendEnrollmentCode(challenge: intruder, phone: "13900139000", context: h.web)
        let intruderCode = try #require(h.lastCode("+8613900139000"))
        // The owner enrolls her phone in her own sign-in.
        let own = try await enrollmentChallenge()
        try await h.signIn.sendEnrollmentCode(challenge: own, phone: "13800138000", context: h.web)
        _ = try await h.signIn.confirmEnrollment(challenge: own, phone: "13800138000", code: try #require(h.lastCode()),
                                                 trustDevice: false, oldSessionToken: nil, context: h.web)
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h.signIn.confirmEnrollment(challenge: intruder, phone: "13900139000", code: intruderCode,
                                                     trustDevice: true, oldSessionToken: nil, context: h.web)
        }
        #expect(try await h.twoStep.status(account).phoneHint == "+86 138****8000")
    }

    /// A sign-in code sent to the old number does not open a session once the number changed.
    @Test func aCodeSentToTheOldNumberIsVoidAfterAPhoneChange() async throws {
        let h = Harness()
        let (account, challenge) = try await h.atCodeStep()
        try await h.signIn.sendCode(challenge: challenge, context: h.web)
        let oldCode = try #require(h.lastCode())
        try await h.bind(account, "13900139000")
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h.signIn.verify(challenge: challenge, code: oldCode, trustDevice: false, oldSessionToken: nil, context: h.web)
        }
    }

    /// The same holds for a change made past the services that delete challenges — another
    /// node, an administrator's tool, a future feature: the challenge carries what it began
    /// with (`securityStamp`) and is compared at every step.
    @Test func changesMadeDirectlyInTheStoresEndSignInsInProgress() async throws {
        let h = Harness()
        let (account, challenge) = try await h.atCodeStep()
        try await h.signIn.sendCode(challenge: challenge, context: h.web)
        let code = try #require(h.lastCode())
        var changed = account
        changed.passwordHash = try await PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)).hash("Moon-River-77")
        try await h.directory.updateAccount(changed)
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h.signIn.verify(challenge: challenge, code: code, trustDevice: false, oldSessionToken: nil, context: h.web)
        }

        let h2 = Harness()
        let (account2, challenge2) = try await h2.atCodeStep()
        try await h2.signIn.sendCode(challenge: challenge2, context: h2.web)
        let code2 = try #require(h2.lastCode())
        let other = try PhoneNumber(parsing: "13900139000")
        await h2.store.savePhoneBinding(PhoneBinding(accountID: account2.id, phone: other, boundAt: h2.clock.now))
        await #expect(throws: TwoStepError.invalidChallenge) {
            _ = try await h2.signIn.verify(challenge: challenge2, code: code2, trustDevice: false, oldSessionToken: nil, context: h2.web)
        }
    }

    /// Disabling an account ends its web sessions for good: enabled again, a browser left signed
    /// in must sign in again (audit F5).
    @Test func disablingEndsWebSessions() async throws {
        let h = Harness()
        let account = try await h.user()
        let step = try await h.signIn.begin(username: account.address.description, password: Harness.password, deviceToken: nil,
                                            oldSessionToken: nil, context: h.web)
        guard case .signedIn(let grant) = step else { Issue.record("\(step)"); return }
        let admin = AccountAdministration(h.env)
        try await admin.setDisabled(account.address.description, true)
        try await admin.setDisabled(account.address.description, false)
        #expect(try await h.sessions.resolve(token: grant.token) == nil)
    }
}
