import Foundation

/// What `GET /security/two-step` answers.
public struct TwoStepStatus: Sendable, Equatable {
    public var enabled: Bool
    public var methods: [String]
    public var phoneHint: String?
    public var enforced: Bool
    /// The end of the grace period while the account is in one (B8): required from then on.
    public var enforcedFrom: Date?
    /// The recovery codes (B1), when some were made (two-step verification on).
    public var recoveryCodes: RecoveryCodeStatus?

    public init(enabled: Bool, methods: [String], phoneHint: String?, enforced: Bool, enforcedFrom: Date? = nil,
                recoveryCodes: RecoveryCodeStatus? = nil) {
        self.recoveryCodes = recoveryCodes
        self.enabled = enabled
        self.methods = methods
        self.phoneHint = phoneHint
        self.enforced = enforced
        self.enforcedFrom = enforcedFrom
    }
}

/// The signed-in user's two-step settings (SPEC A2, A5, A9) and the administrator's enforcement
/// and lost-phone reset (A6, O3).
public struct TwoStepService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    var codes: SMSCodeIssuer { SMSCodeIssuer(env) }

    public func status(_ account: Account) async throws -> TwoStepStatus {
        let binding = try await env.store.phoneBinding(accountID: account.id)
        let decision = try await decision(for: account)
        // The settings list every factor set up, security keys of any site.
        let factors = binding == nil ? nil : try await SecondFactorService(env).factors(accountID: account.id)
        return TwoStepStatus(enabled: binding != nil, methods: factors?.methods(securityKeysUsable: { _ in true }).map(\.rawValue) ?? [],
                             phoneHint: binding?.phone.hint, enforced: decision.isEnforced, enforcedFrom: decision.graceUntil,
                             recoveryCodes: factors.flatMap { $0.recoveryCodes.total > 0 ? $0.recoveryCodes : nil })
    }

    /// What the administrator's rules and exemptions say for the account now (B8).
    public func decision(for account: Account) async throws -> EnforcementDecision {
        EnforcementDecision.decide(rules: try await env.store.enforcements(), exemptions: try await env.store.exemptions(),
                                   account: account, now: env.clock.now)
    }

    /// ``decision(for:)`` from the rules as the mail doors last read them (at most
    /// ``EnforcementRulesCache/maximumAge`` old): for the check at every command of an open session.
    func openSessionDecision(for account: Account) async throws -> EnforcementDecision {
        let (rules, exemptions) = try await env.enforcementRules.current(from: env.store)
        return EnforcementDecision.decide(rules: rules, exemptions: exemptions, account: account, now: env.clock.now)
    }

    /// Forced now (not in a grace period, not exempt).
    public func isEnforced(_ account: Account) async throws -> Bool {
        try await decision(for: account).isEnforced
    }

    /// The end of the grace period of an account that has no phone yet and is in one: what the
    /// webmail's banner announces. `nil` for everyone else.
    public func graceDeadline(_ account: Account) async throws -> Date? {
        guard let until = try await decision(for: account).graceUntil,
              try await env.store.phoneBinding(accountID: account.id) == nil else { return nil }
        return until
    }

    // MARK: Binding and changing the phone (一.1–3, 一.5)

    /// Sends a binding code to the new number; returns seconds until a resend.
    @discardableResult
    public func startBinding(_ account: Account, phone raw: String, context: ClientContext) async throws -> Int {
        let phone = try PhoneNumber(parsing: raw)
        return try await codes.send(account: account.id, to: phone, purpose: .bind, challenge: nil, context: context)
    }

    /// Binds (or changes to) the number the code was sent to. Changing the number ends the trust
    /// of every device (A4).
    public func confirmBinding(_ account: Account, phone raw: String, code: String, context: ClientContext) async throws {
        let phone = try PhoneNumber(parsing: raw)
        try await codes.verify(account: account.id, purpose: .bind, phone: phone, challenge: nil, typed: code)
        let previous = try await env.store.phoneBinding(accountID: account.id)
        try await env.store.savePhoneBinding(PhoneBinding(accountID: account.id, phone: phone, boundAt: env.clock.now))
        // Sign-ins in progress were decided for the old state (an enrollment, a code to the old number).
        try await env.store.deleteChallenges(accountID: account.id)
        if let previous, previous.phone != phone {
            _ = try await env.store.deleteTrustedDevices(accountID: account.id)
            await env.audit.record(.phoneBound, account: account.id, ip: context.ip,
                                   detail: "changed from \(previous.phone.hint) to \(phone.hint); trusted devices removed")
        } else {
            await env.audit.record(.phoneBound, account: account.id, ip: context.ip, detail: phone.hint)
        }
    }

    // MARK: Unbinding (一.5)

    /// Sends an unbinding code to the current number. Refused while enforced.
    @discardableResult
    public func startUnbind(_ account: Account, context: ClientContext) async throws -> Int {
        guard let binding = try await env.store.phoneBinding(accountID: account.id) else { throw TwoStepError.notEnabled }
        if try await isEnforced(account) { throw TwoStepError.enforced }
        return try await codes.send(account: account.id, to: binding.phone, purpose: .unbind, challenge: nil, context: context)
    }

    /// Unbinds with the code sent to the current number, or with the account password (A5).
    /// Removes trusted devices: without a phone there is no second factor for them to skip.
    public func unbind(_ account: Account, code: String?, password: String?, context: ClientContext) async throws {
        guard let binding = try await env.store.phoneBinding(accountID: account.id) else { throw TwoStepError.notEnabled }
        if try await isEnforced(account) { throw TwoStepError.enforced }
        if let code, !code.isEmpty {
            try await codes.verify(account: account.id, purpose: .unbind, phone: binding.phone, challenge: nil, typed: code)
        } else if let password, !password.isEmpty {
            try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
        } else {
            throw TwoStepError.proofMissing
        }
        _ = try await env.store.deletePhoneBinding(accountID: account.id)
        _ = try await env.store.deleteTrustedDevices(accountID: account.id)
        // Two-step verification is off: the second factors beside SMS go with it (B1).
        try await SecondFactorService(env).removeAll(accountID: account.id)
        try await env.store.deleteChallenges(accountID: account.id)
        await env.audit.record(.phoneUnbound, account: account.id, ip: context.ip, detail: binding.phone.hint)
    }

    // MARK: Trusted devices (三)

    public func devices(_ account: Account) async throws -> [TrustedDevice] {
        let now = env.clock.now
        return try await env.store.trustedDevices(accountID: account.id).filter { $0.expiresAt > now }
    }

    /// 取消可信任: the next sign-in on that browser asks for a code again.
    public func removeDevice(_ account: Account, id: Int64, context: ClientContext) async throws {
        guard let device = try await env.store.trustedDevices(accountID: account.id).first(where: { $0.id == id }),
              try await env.store.deleteTrustedDevice(id: id, accountID: account.id) else { throw TwoStepError.notFound }
        await env.audit.record(.deviceRemoved, account: account.id, ip: context.ip, detail: device.name)
    }

    /// Recent sign-ins at every door, newest first (A12, shown on 登录设备查询).
    public func recentSignIns(_ account: Account, limit: Int = 20) async throws -> [AuditEvent] {
        try await env.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: max(1, min(limit, 200)))
    }

    // MARK: Administrator

    /// `mailward policy two-step enforce` without a grace period: `false` when it was already
    /// enforced so for that scope.
    @discardableResult
    public func enforce(_ scope: EnforcementScope, by actor: String = "cli") async throws -> Bool {
        try await enforce(scope, graceUntil: nil, by: actor) != .unchanged
    }

    /// `mailward policy two-step enforce [--grace-days N | --grace-until DAY]` (A6, B8): forces
    /// the scope from `graceUntil` on (`nil`, or a moment past: at once). Enforcing a scope
    /// again replaces its grace.
    @discardableResult
    public func enforce(_ scope: EnforcementScope, graceUntil: Date?, by actor: String = "cli") async throws -> EnforcementChange {
        let now = env.clock.now
        let grace = graceUntil.flatMap { $0 > now ? $0 : nil }
        let change = try await env.store.saveEnforcement(EnforcementRule(scope: scope, createdAt: now, graceUntil: grace))
        if change != .unchanged {
            env.enforcementRules.invalidate()
            let what = change == .added ? "enforced" : "enforcement changed"
            let when = grace.map { " from \(Self.rfc3339($0)) (grace period)" } ?? ""
            await env.audit.record(.enforcementChanged, account: Self.accountOf(scope), door: actor,
                                   detail: "\(what) for \(scope.description(namingTheAccount: "this account"))\(when)")
            try await endSessionsWithoutPhone(try await accounts(in: scope))
        }
        return change
    }

    /// `mailward policy two-step relax`: `false` when that scope was not enforced.
    @discardableResult
    public func relax(_ scope: EnforcementScope, by actor: String = "cli") async throws -> Bool {
        let removed = try await env.store.deleteEnforcement(scope)
        if removed {
            env.enforcementRules.invalidate()
            await env.audit.record(.enforcementChanged, account: Self.accountOf(scope), door: actor, detail: "relaxed for \(scope.description(namingTheAccount: "this account"))")
        }
        return removed
    }

    public func enforcements() async throws -> [EnforcementRule] {
        try await env.store.enforcements()
    }

    /// `mailward policy two-step exempt add` (B8): rules wider than `scope` (a domain or an
    /// account) no longer force its accounts. `false` when it was exempt already.
    @discardableResult
    public func exempt(_ scope: EnforcementScope, by actor: String = "cli") async throws -> Bool {
        let added = try await env.store.insertExemption(EnforcementExemption(scope: scope, createdAt: env.clock.now))
        if added {
            env.enforcementRules.invalidate()
            await env.audit.record(.enforcementChanged, account: Self.accountOf(scope), door: actor,
                                   detail: "exempted \(scope.description(namingTheAccount: "this account")) from wider enforcement")
        }
        return added
    }

    /// `mailward policy two-step exempt remove`: the wider rules force the scope's accounts again
    /// (at once, or after their grace). `false` when it was not exempt.
    @discardableResult
    public func removeExemption(_ scope: EnforcementScope, by actor: String = "cli") async throws -> Bool {
        let removed = try await env.store.deleteExemption(scope)
        if removed {
            env.enforcementRules.invalidate()
            await env.audit.record(.enforcementChanged, account: Self.accountOf(scope), door: actor,
                                   detail: "exemption of \(scope.description(namingTheAccount: "this account")) removed")
            try await endSessionsWithoutPhone(try await accounts(in: scope))
        }
        return removed
    }

    public func exemptions() async throws -> [EnforcementExemption] {
        try await env.store.exemptions()
    }

    /// `mailward user reset-two-step` (lost phone): unbinds, forgets codes and trusted devices.
    /// Client-specific passwords stay: the mail clients keep working.
    public func reset(_ account: Account, by actor: String = "cli") async throws {
        let binding = try await env.store.phoneBinding(accountID: account.id)
        _ = try await env.store.deletePhoneBinding(accountID: account.id)
        try await env.store.deleteCodes(accountID: account.id)
        try await env.store.deleteChallenges(accountID: account.id)
        let devices = try await env.store.deleteTrustedDevices(accountID: account.id)
        // A lost phone is often lost with the authenticator app on it (B1).
        try await SecondFactorService(env).removeAll(accountID: account.id)
        await env.audit.record(.twoStepReset, account: account.id, door: actor,
                               detail: "phone \(binding?.phone.hint ?? "none") unbound, authenticator app and recovery codes removed, \(devices) trusted device(s) removed")
        if try await isEnforced(account) { try await endSessionsWithoutPhone([account]) }
    }

    /// A6 for browsers already signed in: an account that must now bind a phone (newly enforced,
    /// or its phone taken away while enforced) loses its web sessions — it could otherwise read
    /// mail and make client-specific passwords without ever binding one; its next sign-in leads
    /// to the binding page. Done when the rule changes, not at every web request (the sign-in
    /// checks enforcement; ``ProtocolAuthenticator/revocation(of:account:)`` for the same reason).
    ///
    /// In a grace period (B8) nobody is forced yet, but a session opened now must not outlive the
    /// grace: sessions opened during one end with it (``SignInService`` caps them), and those
    /// open already are ended here when the grace ends before their absolute timeout would.
    private func endSessionsWithoutPhone(_ accounts: [Account]) async throws {
        let rules = try await env.store.enforcements()
        let exemptions = try await env.store.exemptions()
        let now = env.clock.now
        for account in accounts where try await env.store.phoneBinding(accountID: account.id) == nil {
            switch EnforcementDecision.decide(rules: rules, exemptions: exemptions, account: account, now: now) {
            case .enforced:
                _ = try await env.store.deleteSessions(accountID: account.id, keeping: nil)
            case .grace(let until) where until.timeIntervalSince(now) < env.settings.sessionAbsoluteTimeout:
                _ = try await env.store.deleteSessions(accountID: account.id, keeping: nil)
            default:
                break
            }
        }
    }

    /// `2026-12-20T16:00:00Z`, for the audit log.
    static func rfc3339(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    private func accounts(in scope: EnforcementScope) async throws -> [Account] {
        switch scope {
        case .all: try await env.accounts.store.accounts(inDomain: nil)
        case .domain(let name): try await env.accounts.store.accounts(inDomain: name)
        case .account(let id): try await env.accounts.store.account(id: id).map { [$0] } ?? []
        }
    }

    static func accountOf(_ scope: EnforcementScope) -> AccountID? {
        if case .account(let id) = scope { return id }
        return nil
    }
}
