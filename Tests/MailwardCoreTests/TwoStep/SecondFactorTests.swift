import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// B1: an authenticator app and recovery codes beside the SMS code, through Core's use cases.
@Suite struct SecondFactorTests {
    /// A user with a bound phone and an authenticator app set up; returns the app's secret.
    func userWithApp(_ h: Harness) async throws -> (Account, [UInt8]) {
        let account = try await h.user()
        try await h.bind(account)
        let offer = try await SecondFactorService(h.env).offerAuthenticator(account)
        #expect(offer.uri.hasPrefix("otpauth://totp/Mailward:zhang.san@example.edu.cn?secret="))
        let secret = try #require(Base32.decode(offer.secret))
        #expect(secret.count == 20)
        let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        try await SecondFactorService(h.env).confirmAuthenticator(account, setupToken: offer.setupToken, code: code,
                                                                  password: Harness.password, context: h.web)
        return (account, secret)
    }

    func challenge(_ h: Harness) async throws -> (String, [SecondFactorMethod]) {
        guard case .secondFactorRequired(let challenge, _, let methods) = try await h.begin("zhang.san@example.edu.cn") else {
            throw Harness.HarnessError.unexpected("no second factor asked")
        }
        return (challenge, methods)
    }

    @Test func signInWithTheAppsCodeOnceAndWithoutAnySMS() async throws {
        let h = Harness()
        let (account, secret) = try await userWithApp(h)
        #expect(try await h.twoStep.status(account).methods == ["sms", "totp"])
        let sent = h.sms.messages.count
        h.clock.advance(by: 30)
        let (first, methods) = try await challenge(h)
        #expect(methods == [.sms, .totp])
        let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        let verified = try await h.signIn.verify(challenge: first, code: code, method: .totp, trustDevice: false,
                                                 oldSessionToken: nil, context: h.web)
        #expect(verified.session.account.id == account.id)
        #expect(h.sms.messages.count == sent, "no text message for a sign-in with the app")
        // The same code again (someone watched it typed) opens nothing, even within its 30 s.
        let (second, _) = try await challenge(h)
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4)) {
            _ = try await h.signIn.verify(challenge: second, code: code, method: .totp, trustDevice: false, oldSessionToken: nil, context: h.web)
        }
        h.clock.advance(by: 30)
        let next = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        _ = try await h.signIn.verify(challenge: second, code: next, method: .totp, trustDevice: false, oldSessionToken: nil, context: h.web)
        let methodsLogged = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 5).compactMap(\.method)
        #expect(methodsLogged.first == "password+totp")
    }

    @Test func fiveWrongCodesCloseTheSignInAndTheAccountLimitHolds() async throws {
        let h = Harness()
        let (_, secret) = try await userWithApp(h)
        let (attempt, _) = try await challenge(h)
        let right = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now) + 1)
        for left in (1...4).reversed() {
            await #expect(throws: TwoStepError.invalidCode(triesLeft: left)) {
                _ = try await h.signIn.verify(challenge: attempt, code: "000000", method: .totp, trustDevice: false,
                                              oldSessionToken: nil, context: h.web)
            }
        }
        await #expect(throws: TwoStepError.tooManyWrongCodes) {
            _ = try await h.signIn.verify(challenge: attempt, code: "000001", method: .totp, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        await #expect(throws: TwoStepError.invalidChallenge, "closed: the password is needed again") {
            _ = try await h.signIn.verify(challenge: attempt, code: right, method: .totp, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        // Another five on a new sign-in reach the account's limit (10 in 15 minutes).
        let (again, _) = try await challenge(h)
        for _ in 0..<5 {
            _ = try? await h.signIn.verify(challenge: again, code: "000000", method: .totp, trustDevice: false,
                                           oldSessionToken: nil, context: h.web)
        }
        // Ten wrong answers in the window: the next attempt is refused before its code is looked at,
        // even a right one.
        let (third, _) = try await challenge(h)
        do {
            _ = try await h.signIn.verify(challenge: third, code: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now) + 1),
                                          method: .totp, trustDevice: false, oldSessionToken: nil, context: h.web)
            Issue.record("a sign-in passed the account's failure limit")
        } catch TwoStepError.rateLimited(let wait) {
            #expect(wait > 0 && wait <= 15 * 60)
        }
    }

    @Test func recoveryCodesWorkOnceEachAndANewSetEndsTheOld() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let service = SecondFactorService(h.env)
        await #expect(throws: TwoStepError.wrongPassword) {
            _ = try await service.makeRecoveryCodes(account, password: "wrong", context: h.web)
        }
        let codes = try await service.makeRecoveryCodes(account, password: Harness.password, context: h.web)
        #expect(codes.count == 10)
        let (first, methods) = try await challenge(h)
        #expect(methods == [.sms, .recoveryCode])
        _ = try await h.signIn.verify(challenge: first, code: codes[3].uppercased(), method: .recoveryCode, trustDevice: false,
                                      oldSessionToken: nil, context: h.web)
        #expect(try await h.twoStep.status(account).recoveryCodes?.remaining == 9)
        let (second, _) = try await challenge(h)
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4), "used") {
            _ = try await h.signIn.verify(challenge: second, code: codes[3], method: .recoveryCode, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        await #expect(throws: TwoStepError.methodNotAvailable, "no app set up: refused, not counted") {
            _ = try await h.signIn.verify(challenge: second, code: codes[4], method: .totp, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        let fresh = try await service.makeRecoveryCodes(account, password: Harness.password, context: h.web)
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 3), "the old set ended") {
            _ = try await h.signIn.verify(challenge: second, code: codes[5], method: .recoveryCode, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        _ = try await h.signIn.verify(challenge: second, code: fresh[0], method: .recoveryCode, trustDevice: false,
                                      oldSessionToken: nil, context: h.web)
    }

    @Test func theAppNeedsAPhoneItsFirstCodeAndThePassword() async throws {
        let h = Harness()
        let account = try await h.user()
        let service = SecondFactorService(h.env)
        await #expect(throws: TwoStepError.notEnabled) { _ = try await service.offerAuthenticator(account) }
        try await h.bind(account)
        let offer = try await service.offerAuthenticator(account)
        let secret = try #require(Base32.decode(offer.secret))
        let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        await #expect(throws: TwoStepError.wrongPassword) {
            try await service.confirmAuthenticator(account, setupToken: offer.setupToken, code: code, password: "nope", context: h.web)
        }
        await #expect(throws: TwoStepError.wrongAuthenticatorCode) {
            try await service.confirmAuthenticator(account, setupToken: offer.setupToken,
                                                   code: code == "123456" ? "654321" : "123456", password: Harness.password, context: h.web)
        }
        // Another account's setup token does not open for this one.
        let other = try await h.user("li.si@example.edu.cn")
        try await h.bind(other, "13900139000")
        let othersOffer = try await service.offerAuthenticator(other)
        await #expect(throws: TwoStepError.setupExpired) {
            try await service.confirmAuthenticator(account, setupToken: othersOffer.setupToken, code: code,
                                                   password: Harness.password, context: h.web)
        }
        h.clock.advance(by: 16 * 60)
        await #expect(throws: TwoStepError.setupExpired) {
            try await service.confirmAuthenticator(account, setupToken: offer.setupToken,
                                                   code: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)),
                                                   password: Harness.password, context: h.web)
        }
        #expect(await h.store.authenticatorApp(accountID: account.id) == nil)
    }

    /// A setup token confirms one app once: replayed, even after the app was removed, it is refused.
    @Test func aSetupTokenIsTakenOnce() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let service = SecondFactorService(h.env)
        let offer = try await service.offerAuthenticator(account)
        let secret = try #require(Base32.decode(offer.secret))
        let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        try await service.confirmAuthenticator(account, setupToken: offer.setupToken, code: code, password: Harness.password, context: h.web)
        try await service.removeAuthenticator(account, password: Harness.password, context: h.web)
        h.clock.advance(by: 60)
        await #expect(throws: TwoStepError.setupExpired) {
            try await service.confirmAuthenticator(account, setupToken: offer.setupToken,
                                                   code: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)),
                                                   password: Harness.password, context: h.web)
        }
        #expect(await h.store.authenticatorApp(accountID: account.id) == nil)
        // A fresh offer still works.
        let again = try await service.offerAuthenticator(account)
        let newSecret = try #require(Base32.decode(again.secret))
        try await service.confirmAuthenticator(account, setupToken: again.setupToken,
                                               code: TOTP.code(secret: newSecret, step: TOTP.step(at: h.clock.now)),
                                               password: Harness.password, context: h.web)
        #expect(await h.store.authenticatorApp(accountID: account.id) != nil)
    }

    @Test func unbindingThePhoneOrAResetRemovesBoth() async throws {
        let h = Harness()
        let (account, _) = try await userWithApp(h)
        _ = try await SecondFactorService(h.env).makeRecoveryCodes(account, password: Harness.password, context: h.web)
        try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)
        #expect(await h.store.authenticatorApp(accountID: account.id) == nil)
        #expect(await h.store.recoveryCodeStatus(accountID: account.id).total == 0)
        #expect(try await h.twoStep.status(account).methods.isEmpty)
        try await h.bind(account)
        let offer = try await SecondFactorService(h.env).offerAuthenticator(account)
        let secret = try #require(Base32.decode(offer.secret))
        try await SecondFactorService(h.env).confirmAuthenticator(
            account, setupToken: offer.setupToken, code: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)),
            password: Harness.password, context: h.web)
        _ = try await SecondFactorService(h.env).makeRecoveryCodes(account, password: Harness.password, context: h.web)
        try await h.twoStep.reset(account)
        #expect(await h.store.authenticatorApp(accountID: account.id) == nil)
        #expect(await h.store.recoveryCodeStatus(accountID: account.id).total == 0)
        let stored = await h.store.auditEvents(accountID: account.id, kinds: [.authenticatorAdded, .recoveryCodesMade], limit: 10)
        #expect(stored.count == 4)
    }

    @Test func removingTheAppNeedsThePassword() async throws {
        let h = Harness()
        let (account, secret) = try await userWithApp(h)
        let service = SecondFactorService(h.env)
        await #expect(throws: TwoStepError.wrongPassword) { try await service.removeAuthenticator(account, password: "x", context: h.web) }
        try await service.removeAuthenticator(account, password: Harness.password, context: h.web)
        await #expect(throws: TwoStepError.notFound) {
            try await service.removeAuthenticator(account, password: Harness.password, context: h.web)
        }
        h.clock.advance(by: 30)
        let (attempt, methods) = try await challenge(h)
        #expect(methods == [.sms])
        await #expect(throws: TwoStepError.methodNotAvailable) {
            _ = try await h.signIn.verify(challenge: attempt, code: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)),
                                          method: .totp, trustDevice: false, oldSessionToken: nil, context: h.web)
        }
    }
}
