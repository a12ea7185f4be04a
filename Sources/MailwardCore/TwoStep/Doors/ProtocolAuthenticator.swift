import Foundation

/// The one credential check for every door (DESIGN principle 3, SPEC A1/A7/A8).
///
/// - web: the account password only (the caller then runs the second factor); client-specific
///   passwords never open a web session.
/// - imap, pop3, smtp: client-specific passwords always; the account password only while no phone
///   is bound — otherwise `.clientPasswordRequired`, which is revealed only after the password was
///   right.
///
/// Failed attempts are throttled per account name and per client IP (`.invalid` while throttled),
/// every attempt is audited, and a client-specific password's last use is recorded. A correct
/// client-specific password passes an account's limit (not an IP's): guessing at an address must
/// not lock its owner's mail clients out.
public struct ProtocolAuthenticator: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// The richer answer the web door needs (it shows "try again later" instead of a bare refusal).
    enum Outcome: Sendable, Equatable {
        case result(CredentialResult)
        case throttled(retryAfter: Int)
    }

    public func authenticate(username: String, password: String, door: DoorKind, remoteIP: String,
                             clientID: String?) async -> CredentialResult {
        switch await check(username: username, password: password, door: door, remoteIP: remoteIP, clientID: clientID) {
        case .result(let result): return result
        case .throttled: return .invalid
        }
    }

    /// Why a credential that opened a session no longer holds, nil while it does: the account
    /// exists and is enabled, a client-specific password was not deleted (or revoked by a password
    /// change) nor reached its end, and an account password is still acceptable — no phone bound
    /// since, not changed since (SPEC A13: a changed password ends what the old one opened), and
    /// two-step verification not forced on the account since (A6, B8). `account` is the one the
    /// authentication returned. Doors call this at every command and end the session with the
    /// reason's words.
    ///
    /// Throws when the store cannot answer (`StoreError.unavailable` while the database is away):
    /// that is not a revoked credential — the door refuses the one command with a temporary
    /// failure and the session goes on, instead of ending every session at a database outage.
    public func revocation(of credential: ClientCredential, account opened: Account) async throws -> CredentialRevocation? {
        // Two point lookups (the store answers them on the calling thread, no hop each).
        guard let account = try await env.accounts.store.account(id: opened.id), !account.disabled else { return .accountUnavailable }
        switch credential {
        case .appPassword(let id, _, _):
            // Deleted, or past its end (B4): an open session ends at its next command.
            guard let record = try await env.store.appPassword(id: id), record.accountID == account.id else { return .clientPasswordDeleted }
            return record.scope.isExpired(at: env.clock.now) ? .clientPasswordExpired : nil
        case .accountPassword:
            guard account.passwordHash == opened.passwordHash else { return .passwordChanged }
            guard try await env.store.phoneBinding(accountID: account.id) == nil else { return .clientPasswordNowRequired }
            // Forced since the sign-in (A6, B8: a grace period ran out, or the administrator
            // enforced it): the session ends, as the web's does. The rules as last read, at most
            // a few seconds old (``EnforcementRulesCache``).
            return try await TwoStepService(env).openSessionDecision(for: account).isEnforced ? .clientPasswordNowRequired : nil
        }
    }

    /// A client that names itself (IMAP `ID`) after it signed in — iPhone Mail and Thunderbird
    /// send ID only then — is recorded as the client-specific password's last client (B3); the
    /// sign-in itself recorded the time, door and IP without a name. Nothing for the account
    /// password. A store failure here is not the client's: it is left unrecorded.
    public func noteClient(_ clientID: String, of credential: ClientCredential, door: DoorKind, remoteIP: String) async {
        guard case .appPassword(let id, _, _) = credential, !clientID.isEmpty else { return }
        try? await env.store.recordAppPasswordUse(id: id, at: env.clock.now, door: door.rawValue, ip: remoteIP,
                                                  client: String(clientID.prefix(100)))
    }

    /// The rate-limit keys failed passwords count under: per account (keyed by the normalized
    /// address: both spellings of an IDN domain are one account) and per client IP.
    static func failureKeys(name: String, remoteIP: String) -> (account: String, ip: String) {
        ("auth-fail:account:\(name.prefix(320))", "auth-fail:ip:\(remoteIP)")
    }

    /// A signed-in user typing the account password again (to change it, or to unbind the phone
    /// with it): counted against the same failure limits as a sign-in, so a stolen web session
    /// cannot try passwords without end. Throws `rateLimited` while the account or the IP is
    /// locked out, `wrongPassword` for a wrong one. A refusal is in the account's audit log, as a
    /// failed sign-in is: the attempts that lock the account out must show where they came from.
    func reconfirm(_ account: Account, password: String, remoteIP: String) async throws {
        let (accountKey, ipKey) = Self.failureKeys(name: account.address.description, remoteIP: remoteIP)
        switch try await passwordUnderLimits(name: account.address.description, password: password,
                                             accountKey: accountKey, ipKey: ipKey) {
        case .throttled(let wait, let byAccount):
            await audit(account.id, .web, "throttled", false, remoteIP,
                        "password re-entered while signed in: \(byAccount ? "account" : "IP") throttled")
            throw TwoStepError.rateLimited(retryAfter: wait)
        case .wrong:
            await audit(account.id, .web, "password", false, remoteIP, "password re-entered while signed in: wrong")
            throw TwoStepError.wrongPassword
        case .right: return
        }
    }

    /// What checking an account password under the failure limits found.
    enum PasswordCheck: Sendable {
        case throttled(retryAfter: Int, byAccount: Bool)
        case wrong
        case right(Account)
    }

    /// Checks the limits, verifies the password and counts a failure as one step per account
    /// name (``KeyedLocks``): parallel guesses wait for each other, so each one sees the failures
    /// counted before it, and no more than the limit are ever verified. The IP's limit is exact
    /// the same way without a lock per IP: a check goes ahead only while the IP's counted
    /// failures and its checks under way fit the limit (``InFlightChecks``), and waits for room
    /// otherwise. A password the account signed in with before it was changed
    /// (``PasswordVerdictCache``) is refused uncounted.
    func passwordUnderLimits(name: String, password: String, accountKey: String, ipKey: String) async throws -> PasswordCheck {
        let settings = env.settings
        let limiter = env.limiter
        let accounts = env.accounts
        let checks = env.passwordChecks
        return try await env.locks.withLocks([accountKey]) {
            if let wait = try await limiter.retryAfter(key: accountKey, limit: settings.failuresPerAccount, window: settings.failureWindow) {
                return .throttled(retryAfter: wait, byAccount: true)
            }
            while true {
                // The number under way first, then the failures: one finishing in between is
                // counted twice, never missed.
                let underWay = await checks.join(ipKey)
                let failures: Int
                do {
                    failures = try await limiter.count(key: ipKey, window: settings.failureWindow)
                } catch {
                    await checks.leave(ipKey)
                    throw error
                }
                if failures >= settings.failuresPerIP {
                    await checks.leave(ipKey)
                    let wait = try await limiter.retryAfter(key: ipKey, limit: settings.failuresPerIP, window: settings.failureWindow)
                    return .throttled(retryAfter: wait ?? 1, byAccount: false)
                }
                if failures + underWay <= settings.failuresPerIP { break }
                await checks.leaveAndWait(ipKey)
            }
            do {
                let outcome: PasswordCheck
                switch try await accounts.checkPassword(name, password) {
                case .right(let verified):
                    outcome = .right(verified)
                case .wrong(let stale):
                    // The account's own former password (a phone still using it after a change) is no
                    // guess: counting every retry would lock the owner — or a whole NAT — out.
                    if !stale {
                        try await limiter.hit(accountKey)
                        try await limiter.hit(ipKey)
                    }
                    outcome = .wrong
                }
                await checks.leave(ipKey)
                return outcome
            } catch {
                await checks.leave(ipKey)
                throw error
            }
        }
    }

    func check(username: String, password: String, door: DoorKind, remoteIP: String, clientID: String?) async -> Outcome {
        let settings = env.settings
        let name = username.trimmingCharacters(in: .whitespaces).lowercased()
        let address = try? EmailAddress(name)
        let limiter = env.limiter
        do {
            // An address over its failure limit is refused before anything is looked up for it.
            let ipKey = Self.failureKeys(name: name, remoteIP: remoteIP).ip
            if let wait = try await limiter.retryAfter(key: ipKey, limit: settings.failuresPerIP, window: settings.failureWindow) {
                await audit(nil, door, "throttled", false, remoteIP, "IP throttled")
                return .throttled(retryAfter: wait)
            }
            let account: Account?
            if let address {
                account = try await env.accounts.resolveRecipient(address)
            } else {
                account = nil
            }
            // Failures count per account, whichever of its names (address, aliases) was typed:
            // per name, every alias would add the limit's worth of guesses at one password.
            let accountKey = Self.failureKeys(name: account?.address.description ?? address?.description ?? name,
                                              remoteIP: remoteIP).account
            // Client-specific passwords: a fast keyed-hash lookup, for the mail doors only. Checked
            // before the per-account limit: password spraying against an address (which keeps its
            // failure count up all day on an institution's server) must not lock its owner's
            // phone and Foxmail out. A 16-character random secret cannot be guessed within the
            // per-IP limit, which still applies above.
            if door != .web, let account, !account.disabled, account.hasLogin {
                if let app = try await AppPasswordService(env).find(account, password: password) {
                    // Right, but not for this door or no longer (B4): said as such, never counted
                    // as a guess, and no fall-through to the account password.
                    if let limit = app.scope.refusal(at: door, now: env.clock.now) {
                        await audit(account.id, door, "app-password", false, remoteIP,
                                    "client-specific password \"\(app.name)\" refused: \(limit.auditText)" + clientSuffix(clientID))
                        return .result(.clientPasswordLimited(account, limit))
                    }
                    try await env.store.recordAppPasswordUse(id: app.id, at: env.clock.now, door: door.rawValue, ip: remoteIP,
                                                             client: clientID.map { String($0.prefix(100)) })
                    await audit(account.id, door, "app-password", true, remoteIP, "client-specific password \"\(app.name)\"" + clientSuffix(clientID))
                    return .result(.valid(account, .appPassword(id: app.id, name: app.name, readOnly: app.scope.readOnly)))
                }
            }
            let verified: Account
            switch try await passwordUnderLimits(name: name, password: password, accountKey: accountKey, ipKey: ipKey) {
            case .throttled(let wait, let byAccount):
                await audit(byAccount ? account?.id : nil, door, "throttled", false, remoteIP,
                            byAccount ? "account \(name.prefix(100)) throttled" : "IP throttled")
                return .throttled(retryAfter: wait)
            case .wrong:
                // A mail client's password in the client-specific form that matched none (deleted,
                // or mistyped) is shown as such in the owner's sign-in list, not as a guess at the
                // account password.
                let looksLikeClientPassword = door != .web && AppPasswordFormat.normalize(password) != nil
                await audit(account?.id, door, looksLikeClientPassword ? "app-password" : "password", false, remoteIP,
                            (looksLikeClientPassword ? "client-specific password not recognized (deleted or mistyped)"
                                : "wrong password or unknown account") + clientSuffix(clientID))
                return .result(.invalid)
            case .right(let account):
                verified = account
            }
            if door != .web, try await env.store.phoneBinding(accountID: verified.id) != nil {
                await audit(verified.id, door, "password", false, remoteIP,
                            "account password refused: two-step verification is on, a client-specific password is required" + clientSuffix(clientID))
                await sendNoticeIfDue(verified, .init(door: door, ip: remoteIP, clientID: clientID, at: env.clock.now,
                                                      enforcedWithoutPhone: false))
                return .result(.clientPasswordRequired(verified))
            }
            // SPEC A6: an account the administrator enforces two-step verification on cannot reach
            // its mailbox until it binds a phone — not through a mail client either. In a grace
            // period or exempt (B8) its password still opens mail clients.
            if door != .web, try await TwoStepService(env).decision(for: verified).isEnforced {
                await audit(verified.id, door, "password", false, remoteIP,
                            "account password refused: two-step verification is enforced, no phone bound yet" + clientSuffix(clientID))
                await sendNoticeIfDue(verified, .init(door: door, ip: remoteIP, clientID: clientID, at: env.clock.now,
                                                      enforcedWithoutPhone: true))
                return .result(.clientPasswordRequired(verified))
            }
            if door != .web {
                await audit(verified.id, door, "password", true, remoteIP, clientSuffix(clientID))
            }
            return .result(.valid(verified, .accountPassword))
        } catch {
            // A wrong password is an answer, never an error: whatever threw is the store or
            // another part of the server failing, and a mail client told "wrong password" would
            // ask its user for the password again (docs/ARCHITECTURE.md, "When the server goes
            // away").
            return .result(.unavailable)
        }
    }

    /// How often an account is told by mail that a client used its password in vain (SPEC B2).
    static let noticeInterval: TimeInterval = 24 * 3600

    /// Mails the account ``ClientPasswordNoticeMail`` unless it got one within
    /// ``noticeInterval`` (clients retry every few minutes, several at once). The refusal never
    /// depends on it: a failure to deliver is audited and the client gets its answer as before.
    private func sendNoticeIfDue(_ account: Account, _ attempt: ClientPasswordNoticeMail.Attempt) async {
        guard let deliver = env.deliverNotice else { return }
        let key = "notice:client-password:\(account.id)"
        do {
            // A client opens several connections at once: one notice, not one per connection.
            guard try await env.limiter.take(key: key, limit: 1, window: Self.noticeInterval) == nil else { return }
            let messageID = "notice-" + SecretToken.generate(env.random).prefix(22)
            try await deliver(ClientPasswordNoticeMail.compose(to: account.address, attempt: attempt, messageID: messageID), account.id)
            await env.audit.record(.noticeMailed, account: account.id, door: attempt.door.rawValue, method: "client-password",
                                   success: true, ip: attempt.ip, detail: "how to make a client-specific password")
        } catch {
            await env.audit.record(.noticeMailed, account: account.id, door: attempt.door.rawValue, method: "client-password",
                                   success: false, ip: attempt.ip, detail: "could not be delivered: \(error)")
        }
    }

    private func clientSuffix(_ clientID: String?) -> String {
        guard let clientID, !clientID.isEmpty else { return "" }
        return " (client \(clientID.prefix(100)))"
    }

    private func audit(_ account: AccountID?, _ door: DoorKind, _ method: String, _ success: Bool, _ ip: String,
                       _ detail: String) async {
        await env.audit.record(.signIn, account: account, door: door.rawValue, method: method, success: success,
                               ip: ip, detail: detail.trimmingCharacters(in: .whitespaces))
    }
}
