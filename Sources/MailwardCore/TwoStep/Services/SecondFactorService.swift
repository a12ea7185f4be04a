import Foundation

/// What the settings page shows to set up an authenticator app: the secret as typed by hand
/// (groups of four), the `otpauth:` link a phone opens in its app, and the token that carries
/// the secret, sealed, until a first code confirms it (nothing is stored before).
public struct AuthenticatorOffer: Sendable, Equatable {
    public let secret: String
    public let uri: String
    public let setupToken: String
}

/// What an account has set up beside SMS (B1), and so the ways its sign-in takes.
public struct SecondFactors: Sendable, Equatable {
    public let hasAuthenticator: Bool
    public let recoveryCodes: RecoveryCodeStatus
    /// The RP IDs (host names) the account's security keys were registered on.
    public let securityKeySites: [String]

    /// SMS first, then what is set up; security keys when one was made for a site `usable` takes
    /// (a key answers only on its own host name).
    public func methods(securityKeysUsable usable: (String) -> Bool) -> [SecondFactorMethod] {
        var methods: [SecondFactorMethod] = [.sms]
        if hasAuthenticator { methods.append(.totp) }
        if recoveryCodes.remaining > 0 { methods.append(.recoveryCode) }
        if securityKeySites.contains(where: usable) { methods.append(.securityKey) }
        return methods
    }
}

/// The second factors beside SMS (B1): an authenticator app (TOTP), one-time recovery codes and
/// security keys (WebAuthn, in ``SecondFactorService+SecurityKeys``).
/// All need two-step verification on (a bound phone, A2); unbinding the phone removes them.
/// Setting up, removing and making new codes need the account password again: a stolen session
/// alone must not be able to plant a second factor of its own.
///
/// Wrong codes count per sign-in attempt (five, then it is closed) and per account (the sign-in
/// failure limit, `sign-in.failures-per-account` in its window), checked and counted as one step
/// per account (``KeyedLocks``), so parallel guesses cannot pass the check together.
public struct SecondFactorService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// How long a setup may wait for its first code.
    static let setupLifetime: TimeInterval = 15 * 60

    /// What the account has set up beside SMS, read once (for the settings and the sign-in).
    public func factors(accountID: AccountID) async throws -> SecondFactors {
        SecondFactors(hasAuthenticator: try await env.store.authenticatorApp(accountID: accountID) != nil,
                      recoveryCodes: try await env.store.recoveryCodeStatus(accountID: accountID),
                      securityKeySites: try await env.store.securityKeys(accountID: accountID).map(\.rpID))
    }

    // MARK: Authenticator app

    /// A new secret for the account's authenticator app, not stored until confirmed.
    public func offerAuthenticator(_ account: Account) async throws -> AuthenticatorOffer {
        try await requirePhone(account)
        let secret = env.random.bytes(TOTP.secretByteCount)
        let token = try env.key.sealExpiring(.authenticatorSetup, secret, expiresAt: env.clock.now.addingTimeInterval(Self.setupLifetime),
                                             context: Self.context(account.id))
        return AuthenticatorOffer(secret: AppPasswordFormat.grouped(Base32.encode(secret)),
                                  uri: TOTP.uri(secret: secret, issuer: env.settings.systemName, account: account.address.description),
                                  setupToken: token)
    }

    /// Stores the offered secret once the app's first code and the account password are right;
    /// replaces an app set up before (a new phone). A setup token is taken once: confirmed
    /// again (a replayed request, or after the app was removed) it is refused as expired.
    public func confirmAuthenticator(_ account: Account, setupToken: String, code: String, password: String,
                                     context: ClientContext) async throws {
        try await requirePhone(account)
        guard let secret = env.key.openUnexpired(.authenticatorSetup, setupToken, context: Self.context(account.id), now: env.clock.now),
              secret.count == TOTP.secretByteCount else { throw TwoStepError.setupExpired }
        // Kept for the token's whole life, so a used token is known until it would expire anyway.
        let usedKey = "authenticator-setup:used:\(env.key.hash(.authenticatorSetup, setupToken))"
        try await env.locks.withLocks(["second-factor:account:\(account.id)"]) {
            guard try await env.limiter.count(key: usedKey, window: Self.setupLifetime) == 0 else { throw TwoStepError.setupExpired }
            try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
            guard let step = TOTP.matchingStep(secret: secret, typed: code, at: env.clock.now) else {
                throw TwoStepError.wrongAuthenticatorCode
            }
            try await env.store.saveAuthenticatorApp(AuthenticatorApp(
                accountID: account.id, sealedSecret: try env.key.seal(.authenticatorSecret, secret, context: Self.context(account.id)),
                createdAt: env.clock.now, lastStep: step, lastUsedAt: env.clock.now))
            try await env.limiter.hit(usedKey)
        }
        await env.audit.record(.authenticatorAdded, account: account.id, ip: context.ip)
    }

    public func removeAuthenticator(_ account: Account, password: String, context: ClientContext) async throws {
        try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
        guard try await env.store.deleteAuthenticatorApp(accountID: account.id) else { throw TwoStepError.notFound }
        await env.audit.record(.authenticatorRemoved, account: account.id, ip: context.ip)
    }

    // MARK: Recovery codes

    /// Ten new recovery codes, shown once; the earlier ones stop working.
    public func makeRecoveryCodes(_ account: Account, password: String, context: ClientContext) async throws -> [String] {
        try await requirePhone(account)
        try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
        let codes = RecoveryCodeFormat.generate(env.random)
        let hashes = codes.compactMap(RecoveryCodeFormat.normalize).map { env.key.hash(.recoveryCode, "\(account.id):\($0)") }
        try await env.store.replaceRecoveryCodes(accountID: account.id, hashes: hashes, at: env.clock.now)
        await env.audit.record(.recoveryCodesMade, account: account.id, ip: context.ip, detail: "\(codes.count)")
        return codes
    }

    // MARK: Sign-in

    /// Checks an authenticator or recovery code typed at sign-in (`challenge`: the attempt's
    /// token hash). A right code is used up (a TOTP step once, a recovery code for good).
    func verify(_ method: SecondFactorMethod, typed: String, account: Account, challenge: String) async throws {
        try await underLimits(account: account, challenge: challenge) { try await check(method, typed: typed, account: account) }
    }

    /// Runs `check` (true: the proof was right) under the wrong-code limits: five per sign-in
    /// attempt, then it is closed; the account's failure limit across attempts.
    func underLimits(account: Account, challenge: String, check: () async throws -> Bool) async throws {
        let settings = env.settings
        let limiter = env.limiter
        let attemptKey = "second-factor:attempt:\(challenge)"
        let accountKey = "second-factor:account:\(account.id)"
        try await env.locks.withLocks([accountKey]) {
            if try await limiter.count(key: attemptKey, window: settings.challengeLifetime) >= settings.maxCodeAttempts {
                throw TwoStepError.tooManyWrongCodes
            }
            if let wait = try await limiter.retryAfter(key: accountKey, limit: settings.failuresPerAccount, window: settings.failureWindow) {
                throw TwoStepError.rateLimited(retryAfter: wait)
            }
            if try await check() { return }
            try await limiter.hit(attemptKey)
            try await limiter.hit(accountKey)
            let left = settings.maxCodeAttempts - (try await limiter.count(key: attemptKey, window: settings.challengeLifetime))
            throw left > 0 ? TwoStepError.invalidCode(triesLeft: left) : TwoStepError.tooManyWrongCodes
        }
    }

    private func check(_ method: SecondFactorMethod, typed: String, account: Account) async throws -> Bool {
        let now = env.clock.now
        switch method {
        case .totp:
            guard let app = try await env.store.authenticatorApp(accountID: account.id) else { throw TwoStepError.methodNotAvailable }
            guard let secret = env.key.open(.authenticatorSecret, app.sealedSecret, context: Self.context(account.id)),
                  let step = TOTP.matchingStep(secret: secret, typed: typed, at: now) else { return false }
            // A code seen once (or an earlier one) is not taken again: someone who watched it typed.
            return try await env.store.advanceAuthenticatorStep(accountID: account.id, to: step, at: now)
        case .recoveryCode:
            if let normalized = RecoveryCodeFormat.normalize(typed),
               try await env.store.consumeRecoveryCode(accountID: account.id,
                                                       hash: env.key.hash(.recoveryCode, "\(account.id):\(normalized)"), at: now) {
                return true
            }
            // None left (or none made): not a guess, as for an app that is not set up.
            guard try await env.store.recoveryCodeStatus(accountID: account.id).remaining > 0 else { throw TwoStepError.methodNotAvailable }
            return false
        case .sms, .securityKey:
            return false
        }
    }

    /// Removes them all (two-step verification is off, or an administrator reset it).
    func removeAll(accountID: AccountID) async throws {
        _ = try await env.store.deleteAuthenticatorApp(accountID: accountID)
        try await env.store.replaceRecoveryCodes(accountID: accountID, hashes: [], at: env.clock.now)
        _ = try await env.store.deleteSecurityKeys(accountID: accountID)
    }

    func requirePhone(_ account: Account) async throws {
        guard try await env.store.phoneBinding(accountID: account.id) != nil else { throw TwoStepError.notEnabled }
    }

    /// What sealed secrets are bound to: a secret copied into another account's row does not open.
    static func context(_ accountID: AccountID) -> String { "account:\(accountID)" }
}
