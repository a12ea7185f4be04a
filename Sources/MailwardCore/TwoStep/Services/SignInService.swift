import Foundation

/// Where a web sign-in goes after the password.
public enum SignInStep: Sendable, Equatable {
    case signedIn(SessionGrant)
    /// `methods`: what the account can answer with (SMS always; an authenticator app, recovery
    /// codes and security keys when set up, B1).
    case secondFactorRequired(challenge: String, phoneHint: String, methods: [SecondFactorMethod])
    case enrollmentRequired(challenge: String)
}

/// A trusted-device cookie to set (A4): shown once, stored hashed.
public struct DeviceGrant: Sendable, Equatable {
    public let token: String
    /// When the trust began: the cookie's lifetime is `expiresAt - trustedAt`, exactly.
    public let trustedAt: Date
    public let expiresAt: Date
}

public struct VerifiedSignIn: Sendable, Equatable {
    public let session: SessionGrant
    public let device: DeviceGrant?
}

/// The web sign-in use cases behind `POST /session`, `/session/sms`, `/session/verify` and
/// `/session/enroll/*`. Each request loads the challenge, feeds the `SignInStateMachine` one
/// event and performs the action it answers.
public struct SignInService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    var codes: SMSCodeIssuer { SMSCodeIssuer(env) }
    var sessions: WebSessionService { WebSessionService(env) }

    /// ``begin(username:password:deviceTokens:oldSessionToken:context:)`` with at most one
    /// trusted-device token.
    public func begin(username: String, password: String, deviceToken: String?, oldSessionToken: String?,
                      securityKeySite: String? = nil, context: ClientContext) async throws -> SignInStep {
        try await begin(username: username, password: password, deviceTokens: { _ in deviceToken.map { [$0] } ?? [] },
                        oldSessionToken: oldSessionToken, securityKeySite: securityKeySite, context: context)
    }

    /// Checks address and password. Never sends a code (the code page asks with `sendCode`).
    /// - Parameter deviceTokens: the browser's trusted-device cookies for the account the
    ///   password opened (a browser keeps one per account trusted in it: family members sharing
    ///   a computer each keep theirs); one of them, still valid, skips the code.
    /// - Parameter securityKeySite: the WebAuthn RP ID (host name) the browser is on; security keys
    ///   are offered only when one was registered there (nil: nowhere, e.g. at an IP address).
    public func begin(username: String, password: String, deviceTokens: @Sendable (AccountID) -> [String],
                      oldSessionToken: String?, securityKeySite: String? = nil, context: ClientContext) async throws -> SignInStep {
        let outcome = await ProtocolAuthenticator(env).check(username: username, password: password, door: .web,
                                                             remoteIP: context.ip, clientID: nil)
        guard case .result(let result) = outcome else {
            if case .throttled(let wait) = outcome { throw TwoStepError.rateLimited(retryAfter: wait) }
            throw TwoStepError.invalidCredentials
        }
        if case .unavailable = result { throw StoreError.unavailable("the credential check could not read the store") }
        guard case .valid(let account, _) = result else { throw TwoStepError.invalidCredentials }
        let binding = try await env.store.phoneBinding(accountID: account.id)
        let device = binding == nil ? nil : try await trustedDevice(tokens: deviceTokens(account.id), account: account)
        let decision = try await TwoStepService(env).decision(for: account)
        var machine = SignInStateMachine()
        switch machine.event(.passwordAccepted(.init(hasPhone: binding != nil, enforced: decision.isEnforced,
                                                     trustedDevice: device != nil))) {
        case .openSession:
            if let device { try await env.store.touchTrustedDevice(id: device.id, at: env.clock.now, ip: context.ip) }
            await env.audit.record(.signIn, account: account.id, method: device != nil ? "password+trusted-device" : "password",
                                   ip: context.ip, detail: UserAgentSummary.summarize(context.userAgent))
            // In a grace period without a phone (B8): the session ends with the grace.
            return .signedIn(try await sessions.open(account: account, context: context, trustedDeviceID: device?.id,
                                                     replacing: oldSessionToken,
                                                     endingBy: binding == nil ? decision.graceUntil : nil))
        case .askForSecondFactor:
            let token = try await newChallenge(account: account, binding: binding, state: machine.state, context: context)
            let methods = try await SecondFactorService(env).factors(accountID: account.id)
                .methods(securityKeysUsable: { $0 == securityKeySite })
            return .secondFactorRequired(challenge: token, phoneHint: binding?.phone.hint ?? "", methods: methods)
        case .askForEnrollment:
            let token = try await newChallenge(account: account, binding: binding, state: machine.state, context: context)
            return .enrollmentRequired(challenge: token)
        default:
            throw TwoStepError.invalidCredentials
        }
    }

    /// Sends the sign-in code for a challenge waiting for one; returns seconds until a resend.
    @discardableResult
    public func sendCode(challenge token: String, context: ClientContext) async throws -> Int {
        let (challenge, account, binding) = try await load(token)
        var machine = SignInStateMachine(state: challenge.state)
        guard challenge.state == .awaitingCode, machine.event(.codeRequested) == .sendCode, let binding else {
            throw TwoStepError.invalidChallenge
        }
        return try await codes.send(account: account.id, to: binding.phone, purpose: .signIn,
                                    challenge: challenge.tokenHash, context: context)
    }

    /// Checks the second factor of a sign-in waiting for one: the SMS code (A3), or, when set up,
    /// the authenticator app's code or a recovery code (B1); opens the session when right.
    public func verify(challenge token: String, code: String, method: SecondFactorMethod = .sms, trustDevice: Bool,
                       oldSessionToken: String?, context: ClientContext) async throws -> VerifiedSignIn {
        try await secondFactor(challenge: token, method: method, trustDevice: trustDevice, oldSessionToken: oldSessionToken,
                               context: context) { challenge, account, binding in
            switch method {
            case .sms:
                // Only a code sent to the phone bound now (not one sent before the number changed).
                try await codes.verify(account: account.id, purpose: .signIn, phone: binding.phone, challenge: challenge.tokenHash,
                                       typed: code)
            case .totp, .recoveryCode:
                try await SecondFactorService(env).verify(method, typed: code, account: account, challenge: challenge.tokenHash)
            case .securityKey:
                throw TwoStepError.methodNotAvailable
            }
        }
    }

    /// What the browser's `navigator.credentials.get` needs for a sign-in waiting for its second
    /// factor: the challenge to sign and the account's keys for `rpID` (B1).
    public func securityKeyRequest(challenge token: String, rpID: String) async throws -> (challenge: [UInt8], credentials: [[UInt8]]) {
        let (challenge, account, _) = try await load(token)
        guard challenge.state == .awaitingCode else { throw TwoStepError.invalidChallenge }
        let service = SecondFactorService(env)
        let credentials = try await service.credentials(of: account, rpID: rpID)
        guard !credentials.isEmpty else { throw TwoStepError.methodNotAvailable }
        return (service.assertionChallenge(attempt: challenge.tokenHash), credentials)
    }

    /// The security key's answer as the second factor (B1).
    public func verify(challenge token: String, securityKey assertion: SecurityKeyAssertion, origin: String, trustDevice: Bool,
                       oldSessionToken: String?, context: ClientContext) async throws -> VerifiedSignIn {
        try await secondFactor(challenge: token, method: .securityKey, trustDevice: trustDevice, oldSessionToken: oldSessionToken,
                               context: context) { challenge, account, _ in
            try await SecondFactorService(env).verify(assertion, account: account, attempt: challenge.tokenHash, origin: origin)
        }
    }

    /// Loads a sign-in waiting for its second factor, runs `check` (which throws when the proof is
    /// wrong), audits, and opens the session.
    private func secondFactor(challenge token: String, method: SecondFactorMethod, trustDevice: Bool, oldSessionToken: String?,
                              context: ClientContext,
                              check: (SignInChallenge, Account, PhoneBinding) async throws -> Void) async throws -> VerifiedSignIn {
        let (challenge, account, binding) = try await load(token)
        guard challenge.state == .awaitingCode, let binding else { throw TwoStepError.invalidChallenge }
        var machine = SignInStateMachine(state: challenge.state)
        do {
            try await check(challenge, account, binding)
        } catch let error as TwoStepError {
            _ = machine.event(.codeRejected)
            await env.audit.record(.signIn, account: account.id, method: method.auditMethod, success: false, ip: context.ip,
                                   detail: error == .methodNotAvailable ? "method not set up" : "wrong or expired code")
            if error == .tooManyWrongCodes {
                // Closed: the next try needs the password again.
                _ = try await env.store.transitionChallenge(tokenHash: challenge.tokenHash, from: .awaitingCode, to: .failed)
            }
            throw error
        }
        guard case .openSession(let trust) = machine.event(.codeAccepted(trustDevice: trustDevice)),
              try await env.store.transitionChallenge(tokenHash: challenge.tokenHash, from: .awaitingCode, to: machine.state)
        else { throw TwoStepError.invalidChallenge }
        return try await finish(account: account, method: method.auditMethod, trust: trust, oldSessionToken: oldSessionToken,
                                context: context)
    }

    /// Enrollment (A6): sends a binding code to the phone the user typed on the mandatory page.
    @discardableResult
    public func sendEnrollmentCode(challenge token: String, phone raw: String, context: ClientContext) async throws -> Int {
        let (challenge, account, _) = try await load(token)
        var machine = SignInStateMachine(state: challenge.state)
        guard challenge.state == .awaitingEnrollment, machine.event(.codeRequested) == .sendCode else {
            throw TwoStepError.invalidChallenge
        }
        let phone = try PhoneNumber(parsing: raw)
        return try await codes.send(account: account.id, to: phone, purpose: .enroll, challenge: challenge.tokenHash,
                                    context: context)
    }

    public func confirmEnrollment(challenge token: String, phone raw: String, code: String, trustDevice: Bool,
                                  oldSessionToken: String?, context: ClientContext) async throws -> VerifiedSignIn {
        let (challenge, account, binding) = try await load(token)
        // An enrollment is for an account without a phone: one bound meanwhile (its owner
        // enrolled elsewhere) is not replaced by whoever else knew the password (the stamp
        // already says so; the binding `load` read says it again at no cost).
        guard challenge.state == .awaitingEnrollment, binding == nil else { throw TwoStepError.invalidChallenge }
        let phone = try PhoneNumber(parsing: raw)
        try await codes.verify(account: account.id, purpose: .enroll, phone: phone, challenge: challenge.tokenHash, typed: code)
        var machine = SignInStateMachine(state: challenge.state)
        guard case .openSession(let trust) = machine.event(.phoneBound(trustDevice: trustDevice)),
              try await env.store.transitionChallenge(tokenHash: challenge.tokenHash, from: .awaitingEnrollment, to: machine.state)
        else { throw TwoStepError.invalidChallenge }
        try await env.store.savePhoneBinding(PhoneBinding(accountID: account.id, phone: phone, boundAt: env.clock.now))
        // Other sign-ins in progress were begun without a phone: they must start over and meet it.
        try await env.store.deleteChallenges(accountID: account.id)
        await env.audit.record(.phoneBound, account: account.id, ip: context.ip, detail: "\(phone.hint) (enrollment)")
        return try await finish(account: account, method: "password+sms", trust: trust, oldSessionToken: oldSessionToken,
                                context: context)
    }

    public func signOut(sessionToken: String, context: ClientContext) async {
        if let session = try? await sessions.resolve(token: sessionToken) {
            await env.audit.record(.signOut, account: session.account.id, ip: context.ip)
        }
        await sessions.close(token: sessionToken)
    }

    /// The first of `tokens` (the account's own trusted-device cookie, then the legacy one) that
    /// is this account's trust, still valid.
    public func trustedDevice(tokens: [String], account: Account) async throws -> TrustedDevice? {
        for token in tokens where SecretToken.isWellFormed(token) {
            if let device = try await env.store.trustedDevice(tokenHash: env.key.hash(.trustedDevice, token)),
               device.accountID == account.id, env.clock.now < device.expiresAt {
                return device
            }
        }
        return nil
    }

    /// The part of the trusted-device cookie's name that tells the accounts of one browser apart:
    /// a keyed hash of the account, so the names do not say who signed in there.
    public func deviceCookieTag(for account: AccountID) -> String {
        String(env.key.hash(.trustedDevice, "cookie-name:\(account)").prefix(16))
    }

    // MARK: Steps

    private func finish(account: Account, method: String, trust: Bool, oldSessionToken: String?,
                        context: ClientContext) async throws -> VerifiedSignIn {
        var device: DeviceGrant?
        var deviceID: Int64?
        if trust {
            let now = env.clock.now
            let token = SecretToken.generate(env.random)
            let expires = now.addingTimeInterval(env.settings.trustedDeviceLifetime)
            let name = UserAgentSummary.summarize(context.userAgent)
            let stored = try await env.store.insertTrustedDevice(NewTrustedDevice(
                accountID: account.id, tokenHash: env.key.hash(.trustedDevice, token), name: name, ip: context.ip,
                trustedAt: now, expiresAt: expires))
            device = DeviceGrant(token: token, trustedAt: now, expiresAt: expires)
            deviceID = stored.id
            await env.audit.record(.deviceTrusted, account: account.id, ip: context.ip, detail: name)
        }
        await env.audit.record(.signIn, account: account.id, method: method, ip: context.ip,
                               detail: UserAgentSummary.summarize(context.userAgent))
        let session = try await sessions.open(account: account, context: context, trustedDeviceID: deviceID,
                                              replacing: oldSessionToken)
        return VerifiedSignIn(session: session, device: device)
    }

    private func newChallenge(account: Account, binding: PhoneBinding?, state: SignInStateMachine.State,
                              context: ClientContext) async throws -> String {
        let now = env.clock.now
        let token = SecretToken.generate(env.random)
        try await env.store.insertChallenge(SignInChallenge(
            tokenHash: env.key.hash(.challenge, token), accountID: account.id, state: state, remoteIP: context.ip,
            createdAt: now, expiresAt: now.addingTimeInterval(env.settings.challengeLifetime),
            securityStamp: securityStamp(of: account, binding: binding)))
        return token
    }

    /// What a sign-in in progress depends on, as one keyed hash: the password (its hash), the
    /// account being enabled, and the phone binding (number and when it was bound). The places
    /// that change these also delete the account's challenges; this check holds whatever way a
    /// change is made — a new command, another server node, a future feature.
    private func securityStamp(of account: Account, binding: PhoneBinding?) -> String {
        let phone = binding.map { "\($0.phone.e164)@\($0.boundAt.timeIntervalSince1970)" } ?? "-"
        return env.key.hash(.challenge, "stamp\u{0}\(account.id)\u{0}\(account.passwordHash)\u{0}\(account.disabled)\u{0}\(phone)")
    }

    /// A live challenge, its account and the account's phone binding (read once, for the stamp
    /// and the step); an expired one is closed on the way.
    private func load(_ token: String) async throws -> (SignInChallenge, Account, PhoneBinding?) {
        guard SecretToken.isWellFormed(token),
              let challenge = try await env.store.challenge(tokenHash: env.key.hash(.challenge, token)),
              !challenge.state.isTerminal else { throw TwoStepError.invalidChallenge }
        if env.clock.now >= challenge.expiresAt {
            var machine = SignInStateMachine(state: challenge.state)
            _ = machine.event(.expired)
            _ = try await env.store.transitionChallenge(tokenHash: challenge.tokenHash, from: challenge.state, to: machine.state)
            throw TwoStepError.invalidChallenge
        }
        guard let account = try await env.accounts.store.account(id: challenge.accountID), !account.disabled else {
            throw TwoStepError.invalidChallenge
        }
        let binding = try await env.store.phoneBinding(accountID: account.id)
        guard ConstantTime.equals(Array(challenge.securityStamp.utf8), Array(securityStamp(of: account, binding: binding).utf8)) else {
            throw TwoStepError.invalidChallenge
        }
        return (challenge, account, binding)
    }
}
