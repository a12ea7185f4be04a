import Foundation

/// Sends and checks SMS codes under the rules of A10: 6 digits, 5 minutes, single use, at most
/// 5 wrong tries, a new code only after 60 s while the last one is unused (per sign-in attempt
/// for sign-in codes), daily caps
/// per number (see ``phoneKey(_:)``) and per account, an hourly cap per client IP. Codes are stored as keyed hashes bound to account, purpose and number.
///
/// A code is stored only after the provider accepted the message, so a provider failure leaves
/// nothing behind (no stored code, no cooldown, no cap used up).
public struct SMSCodeIssuer: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// Sends a code; returns the seconds until another may be requested.
    ///
    /// The checks, the provider's call and the counting are one step per account, number and
    /// client IP (``KeyedLocks``): parallel requests wait for each other instead of all passing
    /// the checks before any is counted (the audit sent 20 codes to one number at once against
    /// a cap of 10).
    @discardableResult
    public func send(account: AccountID, to phone: PhoneNumber, purpose: CodePurpose, challenge: String?,
                     context: ClientContext) async throws -> Int {
        // Per account and per number the whole step is one — check, send, count —: their
        // cooldown and caps count codes the provider took. Per client IP only the check and the
        // count are (`RateLimiter.take`): a campus NAT's users asking for codes at once would
        // otherwise wait for each other's provider calls.
        try await env.locks.withLocks([Self.accountKey(account), Self.phoneKey(phone)]) {
            try await sendNow(account: account, to: phone, purpose: purpose, challenge: challenge, context: context)
        }
    }

    private func sendNow(account: AccountID, to phone: PhoneNumber, purpose: CodePurpose, challenge: String?,
                         context: ClientContext) async throws -> Int {
        let settings = env.settings
        let now = env.clock.now
        // SMS pumping (B8): binding codes go to a number nobody has proven yet — the way to make
        // the server text premium numbers abroad. Sign-in and unbinding codes go to a number
        // proven before, so a restriction made later never locks its owner out.
        if !purpose.goesToTheAccountsOwnNumber, !phone.isIn(countries: settings.smsCountryCodes) {
            throw TwoStepError.phoneCountryNotAllowed
        }
        // The resend interval is per sign-in attempt for sign-in codes (a new attempt may ask at
        // once; the daily caps bound abuse), per account and purpose otherwise. It holds while
        // the last code waits to be typed: once it was used the step is done, and the next one
        // (changing the number just bound) may ask at once; once its tries are used up ("too many
        // wrong codes, request a new one") the user may do just that.
        if let latest = try await env.store.latestCode(accountID: account, purpose: purpose, challenge: challenge),
           !latest.consumed, latest.failedAttempts < settings.maxCodeAttempts {
            let next = latest.createdAt.addingTimeInterval(settings.resendInterval)
            if next > now { throw TwoStepError.cooldown(retryAfter: max(1, Int(next.timeIntervalSince(now).rounded(.up)))) }
        }
        let limiter = env.limiter
        var caps: [(String, Int, TimeInterval)] = [
            (Self.phoneKey(phone, account: account), settings.dailyCodesPerNumber, 86_400),
            (Self.accountKey(account), settings.dailyCodesPerAccount, 86_400),
        ]
        if !purpose.goesToTheAccountsOwnNumber {
            caps.append((Self.phoneKey(phone), settings.dailyCodesPerNumber, 86_400))
        }
        for (key, limit, window) in caps {
            if let wait = try await limiter.retryAfter(key: key, limit: limit, window: window) {
                throw TwoStepError.codeLimit(retryAfter: wait)
            }
        }
        // Counted before the provider is asked, so a provider failure still counts here (not
        // against the number's or the account's daily caps).
        if let wait = try await limiter.take(key: Self.ipKey(context.ip), limit: settings.hourlyCodesPerIP, window: 3_600) {
            throw TwoStepError.codeLimit(retryAfter: wait)
        }
        // The month's texts, counted before the provider is asked and given back when it fails —
        // one atomic step in the store, shared by every node —, and refused past the budget.
        // Counted without a budget too: the metrics show the month's use before one is set.
        let month = Self.period(of: now)
        let budget = settings.monthlySMSLimit > 0 ? settings.monthlySMSLimit : Int(Int32.max)
        if try await !env.store.takeFromPeriodCounter(name: Self.budgetName, period: month, limit: budget) {
            await env.audit.record(.codeSendFailed, account: account, success: false, ip: context.ip,
                                   detail: "\(purpose.rawValue) to \(phone.hint): the monthly SMS limit (\(settings.monthlySMSLimit)) is reached")
            throw TwoStepError.smsBudgetExhausted
        }
        let code = VerificationCode.generate(env.random)
        let minutes = max(1, Int(settings.codeLifetime / 60))
        let text = SMSTexts.text(purpose: purpose, code: code, minutes: minutes, systemName: settings.systemName,
                                 language: context.language)
        do {
            try await env.sms.send(SMSMessage(to: phone.e164, text: text, purpose: purpose.smsPurpose, code: code))
        } catch {
            try? await env.store.giveBackToPeriodCounter(name: Self.budgetName, period: month)
            // SMSDeliveryError descriptions never contain the message text (the code).
            await env.audit.record(.codeSendFailed, account: account, success: false, ip: context.ip,
                                   detail: "\(purpose.rawValue) to \(phone.hint): \(phone.masking(in: String(describing: error)).prefix(300))")
            throw TwoStepError.smsFailed
        }
        _ = try await env.store.insertCode(NewSMSCode(
            accountID: account, phone: phone.e164, purpose: purpose,
            codeHash: hash(code, account: account, purpose: purpose, phone: phone.e164),
            challenge: challenge, createdAt: now, expiresAt: now.addingTimeInterval(settings.codeLifetime)))
        for (key, _, _) in caps { try await limiter.hit(key) }
        await env.audit.record(.codeSent, account: account, ip: context.ip, detail: "\(purpose.rawValue) to \(phone.hint)")
        return Int(settings.resendInterval)
    }

    /// Checks a typed code against the latest one sent for this account and purpose (for this
    /// sign-in attempt, when a challenge is given; to this number, when given). Succeeds at most
    /// once per code.
    public func verify(account: AccountID, purpose: CodePurpose, phone: PhoneNumber?, challenge: String?,
                       typed: String) async throws {
        guard let code = try await env.store.latestCode(accountID: account, purpose: purpose, challenge: challenge),
              !code.consumed,
              phone == nil || code.phone == phone?.e164 else { throw TwoStepError.codeMissing }
        if env.clock.now >= code.expiresAt { throw TwoStepError.codeExpired }
        let limit = env.settings.maxCodeAttempts
        if code.failedAttempts >= limit { throw TwoStepError.tooManyAttempts }
        // The try is counted before the code is compared (one atomic increment in the store):
        // parallel guesses each get a number of their own, and those past the limit are refused
        // unchecked. A right code consumes the code, so its count no longer matters.
        let tries = try await env.store.recordFailedCodeAttempt(id: code.id)
        guard tries <= limit else { throw TwoStepError.tooManyAttempts }
        if let digits = VerificationCode.normalize(typed),
           env.key.matches(.smsCode, Self.material(digits, account: account, purpose: purpose, phone: code.phone),
                           hash: code.codeHash) {
            guard try await env.store.consumeCode(id: code.id) else { throw TwoStepError.codeMissing }
            return
        }
        let left = limit - tries
        throw left > 0 ? TwoStepError.invalidCode(triesLeft: left) : TwoStepError.tooManyAttempts
    }

    func hash(_ code: String, account: AccountID, purpose: CodePurpose, phone: String) -> String {
        env.key.hash(.smsCode, Self.material(code, account: account, purpose: purpose, phone: phone))
    }

    static func material(_ code: String, account: AccountID, purpose: CodePurpose, phone: String) -> String {
        "\(account)|\(purpose.rawValue)|\(phone)|\(code)"
    }

    /// The per-number cap is kept in two counts, so that nobody but a number's owner can use up
    /// the owner's codes. Every code an account has sent to a number counts for that account and
    /// number (``phoneKey(_:account:)``); codes to a number the account has not proven yet —
    /// binding, changing to it — also count for the number across all accounts (this key). A
    /// sign-in or unbinding code goes to the number the account bound, so only the first count
    /// applies: another account asking for binding codes to that number again and again (the
    /// audit did, once a minute) used to exhaust the number's day and lock its owner out of the
    /// webmail for 24 hours; and several mailboxes bound to one phone, as the guide allows, each
    /// have their own day of codes.
    static func phoneKey(_ phone: PhoneNumber) -> String { "sms:phone:\(phone.e164)" }
    static func phoneKey(_ phone: PhoneNumber, account: AccountID) -> String { "sms:phone:\(phone.e164):account:\(account)" }
    static func accountKey(_ account: AccountID) -> String { "sms:account:\(account)" }
    static func ipKey(_ ip: String) -> String { "sms:ip:\(ip)" }

    /// The period counter of texts sent (`two-step.monthly-sms-limit`).
    static let budgetName = "sms-sent"

    /// Texts sent in the calendar month of `date`, every node together.
    public func sentInMonth(of date: Date) async throws -> Int {
        try await env.store.periodCounter(name: Self.budgetName, period: Self.period(of: date))
    }

    /// The calendar month of `date` in the server's time zone (`2026-12`), as providers bill.
    static func period(of date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }
}

extension CodePurpose {
    /// Sign-in and unbinding codes go to the number the account bound — proven by a code
    /// before —; binding and enrolment codes to a number being proven.
    var goesToTheAccountsOwnNumber: Bool {
        switch self {
        case .signIn, .unbind: true
        case .bind, .enroll: false
        }
    }

    /// The purpose as the SMS port names it (enrollment is a binding for the gateway's template).
    var smsPurpose: SMSCodePurpose {
        switch self {
        case .signIn: .signIn
        case .bind, .enroll: .bind
        case .unbind: .unbind
        }
    }
}
