import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// SPEC A10 with a fixed clock: 5 minutes, single use, 5 tries, 60 s resend, caps; A11 failures.
@Suite struct CodeRulesTests {
    @Test func codesExpireAtFiveMinutes() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        let code = try #require(h.lastCode())
        h.clock.advance(by: 299)
        // A wrong try just before expiry does not extend anything.
        await #expect(throws: TwoStepError.self) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: code == "999999" ? "888888" : "999999", context: h.web)
        }
        h.clock.advance(by: 1)
        await #expect(throws: TwoStepError.codeExpired) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: code, context: h.web)
        }
        #expect(try await h.twoStep.status(account).enabled == false)
    }

    @Test func aCodeWorksJustBeforeExpiryAndOnlyOnce() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.startBinding(account, phone: "+86 138 0013 8000", context: h.web)
        let code = try #require(h.lastCode())
        h.clock.advance(by: 299)
        try await h.twoStep.confirmBinding(account, phone: "13800138000", code: code, context: h.web)
        await #expect(throws: TwoStepError.codeMissing) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: code, context: h.web)
        }
    }

    @Test func aCodeConfirmsOnlyTheNumberItWasSentTo() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        let code = try #require(h.lastCode())
        await #expect(throws: TwoStepError.codeMissing) {
            try await h.twoStep.confirmBinding(account, phone: "13900139000", code: code, context: h.web)
        }
    }

    @Test func fiveWrongTriesKillTheCode() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        let code = try #require(h.lastCode())
        let wrong = code == "000000" ? "000001" : "000000"
        for left in [4, 3, 2, 1] {
            await #expect(throws: TwoStepError.invalidCode(triesLeft: left)) {
                try await h.twoStep.confirmBinding(account, phone: "13800138000", code: wrong, context: h.web)
            }
        }
        await #expect(throws: TwoStepError.tooManyAttempts) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: wrong, context: h.web)
        }
        await #expect(throws: TwoStepError.tooManyAttempts) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: code, context: h.web)
        }
        // "Too many wrong codes, request a new one": at once, no minute's wait (the webmail audit
        // found the button disabled for the rest of the minute); the new code works.
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        try await h.twoStep.confirmBinding(account, phone: "13800138000", code: try #require(h.lastCode()), context: h.web)
    }

    /// The wait is for a resend: once the code was used, the next step asks at once — changing
    /// the number just bound (A5) needs no minute's wait.
    @Test func aUsedCodeLeavesNoWait() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        try await h.twoStep.confirmBinding(account, phone: "13800138000", code: try #require(h.lastCode()), context: h.web)
        #expect(try await h.twoStep.startBinding(account, phone: "13900139000", context: h.web) == 60)
        await #expect(throws: TwoStepError.cooldown(retryAfter: 60)) {
            _ = try await h.twoStep.startBinding(account, phone: "13900139000", context: h.web)
        }
        try await h.twoStep.confirmBinding(account, phone: "13900139000", code: try #require(h.lastCode("+8613900139000")), context: h.web)
        #expect(h.sms.messages.count == 2)
    }

    @Test func resendOnlyAfterSixtySeconds() async throws {
        let h = Harness()
        let account = try await h.user()
        #expect(try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web) == 60)
        await #expect(throws: TwoStepError.cooldown(retryAfter: 60)) {
            _ = try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        }
        h.clock.advance(by: 59)
        await #expect(throws: TwoStepError.cooldown(retryAfter: 1)) {
            _ = try await h.twoStep.startBinding(account, phone: "13900139000", context: h.web)
        }
        h.clock.advance(by: 1)
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        #expect(h.sms.messages.count == 2)
    }

    @Test func dailyCapsPerNumberAndAccountAndHourlyPerIP() async throws {
        let h = Harness { $0.dailyCodesPerNumber = 3; $0.dailyCodesPerAccount = 4; $0.hourlyCodesPerIP = 6 }
        let zhang = try await h.user("zhang@a.test")
        let li = try await h.user("li@a.test")
        for _ in 0..<3 {
            try await h.twoStep.startBinding(zhang, phone: "13800138000", context: h.web)
            h.clock.advance(by: 60)
        }
        // Per number: several accounts share the number, and its cap.
        await #expect(throws: TwoStepError.self) { _ = try await h.twoStep.startBinding(li, phone: "13800138000", context: h.web) }
        try await h.twoStep.startBinding(zhang, phone: "13900139000", context: h.web)
        h.clock.advance(by: 60)
        // Per account: 4 a day.
        do {
            _ = try await h.twoStep.startBinding(zhang, phone: "13700137000", context: h.web)
            Issue.record("the account cap should refuse a 5th code")
        } catch let error as TwoStepError {
            guard case .codeLimit(let wait) = error else { Issue.record("\(error)"); return }
            #expect(wait > 3600 && wait <= 86_400)
        }
        // Per IP: 6 an hour (4 sent from this IP so far).
        try await h.twoStep.startBinding(li, phone: "13600136000", context: h.web)
        h.clock.advance(by: 60)
        try await h.twoStep.startBinding(li, phone: "13500135000", context: h.web)
        h.clock.advance(by: 60)
        await #expect(throws: TwoStepError.self) { _ = try await h.twoStep.startBinding(li, phone: "13300133000", context: h.web) }
        let other = ClientContext(ip: "198.51.100.7")
        try await h.twoStep.startBinding(li, phone: "13300133000", context: other)
    }

    /// Another account asking for binding codes to a number cannot use up its owner's sign-in
    /// codes (the audit locked an owner out of the webmail for 24 hours so); one account still
    /// gets at most the number's cap of codes to it a day, whatever their purpose.
    @Test func othersBindingRequestsLeaveTheOwnersSignInCodes() async throws {
        let h = Harness { $0.dailyCodesPerNumber = 3 }
        let owner = try await h.user("zhang@a.test")
        try await h.bind(owner)
        let intruder = try await h.user("li@a.test")
        for _ in 0..<2 {
            try await h.twoStep.startBinding(intruder, phone: "13800138000", context: h.web)
            h.clock.advance(by: 61)
        }
        // The number's binding codes of the day are used up, by everyone together.
        await #expect(throws: TwoStepError.self) { _ = try await h.twoStep.startBinding(intruder, phone: "13800138000", context: h.web) }
        func askForSignInCode() async throws -> Int {
            let step = try await h.signIn.begin(username: owner.address.description, password: Harness.password, deviceToken: nil,
                                                oldSessionToken: nil, context: h.web)
            guard case .secondFactorRequired(let challenge, _, _) = step else { throw Harness.HarnessError.unexpected("\(step)") }
            return try await h.signIn.sendCode(challenge: challenge, context: h.web)
        }
        // The owner's sign-in codes still go out: two more make three to this number today.
        for _ in 0..<2 {
            _ = try await askForSignInCode()
            h.clock.advance(by: 61)
        }
        #expect(h.sms.messages.filter { $0.to == "+8613800138000" }.count == 5)
        await #expect(throws: TwoStepError.self) { _ = try await askForSignInCode() }
    }

    /// SMS pumping (B8): binding codes only to the allowed countries; a number bound before the
    /// rule keeps getting its sign-in codes.
    @Test func bindingCodesGoOnlyToTheAllowedCountries() async throws {
        let h = Harness { $0.smsCountryCodes = ["86", "852"] }
        let abroad = try await h.user("abroad@a.test")
        for number in ["+44 7700 900123", "+1 202 555 0143", "+853 6612 3456", "+8869 1234 5678"] {
            await #expect(throws: TwoStepError.phoneCountryNotAllowed, "\(number)") {
                _ = try await h.twoStep.startBinding(abroad, phone: number, context: h.web)
            }
        }
        #expect(h.sms.messages.isEmpty)
        try await h.twoStep.startBinding(abroad, phone: "+852 6123 4567", context: h.web)
        h.clock.advance(by: 61)
        try await h.twoStep.startBinding(abroad, phone: "13800138000", context: h.web)
        #expect(h.sms.messages.map(\.to) == ["+85261234567", "+8613800138000"])
        #expect(PhoneNumber(storedE164: "+447700900123").isIn(countries: []) && PhoneNumber(storedE164: "+447700900123").isIn(countries: ["+44"]))
        // Whole calling codes only: `85` is none, and matches neither +852 nor +853.
        #expect(!PhoneNumber(storedE164: "+85261234567").isIn(countries: ["85"]) && !PhoneNumber(storedE164: "+447700900123").isIn(countries: ["4"]))
        #expect(PhoneNumber.isCallingCode("86") && PhoneNumber.isCallingCode("+852") && PhoneNumber.isCallingCode("1"))
        #expect(!PhoneNumber.isCallingCode("85") && !PhoneNumber.isCallingCode("4") && !PhoneNumber.isCallingCode("8612"))

        // Bound before the rule: the owner's sign-in codes still go to that number.
        let before = Harness()
        let owner = try await before.user("owner@a.test")
        try await before.twoStep.startBinding(owner, phone: "+44 7700 900123", context: before.web)
        try await before.twoStep.confirmBinding(owner, phone: "+44 7700 900123", code: try #require(before.lastCode("+447700900123")), context: before.web)
        var rules = before.env.settings
        rules.smsCountryCodes = ["86"]
        let restricted = SignInService(SecurityEnvironment(
            accounts: before.accounts, store: before.store, key: before.env.key, settings: rules, clock: before.clock,
            random: SeededRandomSource(seed: 3), sms: before.sms))
        let step = try await restricted.begin(username: owner.address.description, password: Harness.password, deviceToken: nil,
                                                     oldSessionToken: nil, context: before.web)
        guard case .secondFactorRequired(let challenge, _, _) = step else { Issue.record("\(step)"); return }
        _ = try await restricted.sendCode(challenge: challenge, context: before.web)
        #expect(before.sms.messages.last?.to == "+447700900123")
    }

    /// B8's monthly cap: every purpose counts; past it nothing is sent (nor stored) until the
    /// month turns; a text the provider refused is given back.
    @Test func theMonthlySMSBudgetStopsSendingUntilTheNextMonth() async throws {
        let h = Harness { $0.monthlySMSLimit = 3; $0.dailyCodesPerAccount = 100 }
        let zhang = try await h.user("zhang@a.test")
        h.sms.setFailing(true)
        await #expect(throws: TwoStepError.smsFailed) { _ = try await h.twoStep.startBinding(zhang, phone: "13800138000", context: h.web) }
        h.sms.setFailing(false)
        for number in ["13800138000", "13900139000", "13700137000"] {
            try await h.twoStep.startBinding(zhang, phone: number, context: h.web)
            h.clock.advance(by: 61)
        }
        await #expect(throws: TwoStepError.smsBudgetExhausted) {
            _ = try await h.twoStep.startBinding(zhang, phone: "13600136000", context: h.web)
        }
        #expect(h.sms.messages.count == 3)
        #expect(try await h.store.latestCode(accountID: zhang.id, purpose: .bind)?.phone == "+8613700137000")
        let refused = await h.store.auditEvents(accountID: zhang.id, kinds: [.codeSendFailed], limit: 10)
        #expect(refused.first?.detail.contains("monthly SMS limit (3)") == true)
        // The next month (the fixed clock starts mid-month): codes go out again.
        h.clock.advance(by: 32 * 86_400)
        try await h.twoStep.startBinding(zhang, phone: "13600136000", context: h.web)
        #expect(h.sms.messages.count == 4)
    }

    @Test func providerFailureLeavesNothingHalfIssued() async throws {
        let h = Harness()
        let account = try await h.user()
        h.sms.setFailing(true)
        await #expect(throws: TwoStepError.smsFailed) {
            _ = try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        }
        #expect(try await h.store.latestCode(accountID: account.id, purpose: .bind) == nil)
        await #expect(throws: TwoStepError.codeMissing) {
            try await h.twoStep.confirmBinding(account, phone: "13800138000", code: "123456", context: h.web)
        }
        h.sms.setFailing(false)
        // No cooldown was started by the failed attempt.
        try await h.twoStep.startBinding(account, phone: "13800138000", context: h.web)
        let events = await h.store.auditEvents(accountID: account.id, kinds: [.codeSendFailed], limit: 10)
        #expect(events.count == 1)
    }

    @Test func changingThePhoneEndsDeviceTrust() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        _ = try await h.store.insertTrustedDevice(NewTrustedDevice(accountID: account.id, tokenHash: "x", name: "n", ip: "i",
                                                                    trustedAt: h.clock.now, expiresAt: h.clock.now.addingTimeInterval(100)))
        try await h.bind(account, "13900139000")
        #expect(try await h.twoStep.devices(account).isEmpty)
        #expect(try await h.twoStep.status(account).phoneHint == "+86 139****9000")
    }
}
