import Foundation
import MailwardCore
import Testing

/// The contract of `SecurityStore`, run against every implementation.
@Suite struct SecurityConformanceTests {
    let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    func setUp(_ kind: StoreKind) async throws -> (any SecurityStore, Account, Account) {
        let (directory, security) = try await kind.makeSecurityStores()
        try await directory.insertDomain(Domain(name: "demo.test", createdAt: t0))
        let bob = try await directory.insertAccount(NewAccount(address: try EmailAddress("bob@demo.test"), displayName: "Bob",
                                                               passwordHash: "$scrypt$x", createdAt: t0))
        let eve = try await directory.insertAccount(NewAccount(address: try EmailAddress("eve@demo.test"), displayName: "Eve",
                                                               passwordHash: "$scrypt$x", createdAt: t0))
        return (security, bob, eve)
    }

    @Test(arguments: StoreKind.allCases)
    func phoneBindings(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        #expect(try await store.phoneBinding(accountID: bob.id) == nil)
        let binding = PhoneBinding(accountID: bob.id, phone: try PhoneNumber(parsing: "13800138000"), boundAt: t0)
        try await store.savePhoneBinding(binding)
        // Several accounts may share a number.
        try await store.savePhoneBinding(PhoneBinding(accountID: eve.id, phone: binding.phone, boundAt: t0))
        #expect(try await store.phoneBinding(accountID: bob.id) == binding)
        let changed = PhoneBinding(accountID: bob.id, phone: try PhoneNumber(parsing: "+447700900123"), boundAt: t0 + 5)
        try await store.savePhoneBinding(changed)
        #expect(try await store.phoneBinding(accountID: bob.id) == changed)
        #expect(try await store.deletePhoneBinding(accountID: bob.id))
        #expect(try await !store.deletePhoneBinding(accountID: bob.id))
        #expect(try await store.phoneBinding(accountID: eve.id)?.phone.e164 == "+8613800138000")
    }

    /// B1: one authenticator app per account, replaced when set up again; a step is taken once
    /// (and never one at or before the last taken).
    @Test(arguments: StoreKind.allCases)
    func authenticatorAppsTakeEachStepOnce(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        #expect(try await store.authenticatorApp(accountID: bob.id) == nil)
        #expect(try await !store.advanceAuthenticatorStep(accountID: bob.id, to: 10, at: t0))
        let app = AuthenticatorApp(accountID: bob.id, sealedSecret: "sealed-1", createdAt: t0, lastStep: 100, lastUsedAt: t0)
        try await store.saveAuthenticatorApp(app)
        #expect(try await store.authenticatorApp(accountID: bob.id) == app)
        #expect(try await !store.advanceAuthenticatorStep(accountID: bob.id, to: 100, at: t0 + 1))
        #expect(try await !store.advanceAuthenticatorStep(accountID: bob.id, to: 99, at: t0 + 1))
        #expect(try await store.advanceAuthenticatorStep(accountID: bob.id, to: 101, at: t0 + 30))
        #expect(try await store.authenticatorApp(accountID: bob.id)?.lastStep == 101)
        #expect(try await store.authenticatorApp(accountID: bob.id)?.lastUsedAt == t0 + 30)
        let replaced = AuthenticatorApp(accountID: bob.id, sealedSecret: "sealed-2", createdAt: t0 + 60)
        try await store.saveAuthenticatorApp(replaced)
        #expect(try await store.authenticatorApp(accountID: bob.id) == replaced)
        #expect(try await store.advanceAuthenticatorStep(accountID: bob.id, to: 5, at: t0 + 61))
        #expect(try await store.authenticatorApp(accountID: eve.id) == nil)
        #expect(try await store.deleteAuthenticatorApp(accountID: bob.id))
        #expect(try await !store.deleteAuthenticatorApp(accountID: bob.id))
    }

    /// B1: security keys per account; the signature counter only goes up (or stays zero).
    @Test(arguments: StoreKind.allCases)
    func securityKeysCountUpwards(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        let credential: [UInt8] = Array(0..<64)
        let key = try await store.insertSecurityKey(NewSecurityKey(
            accountID: bob.id, credentialID: credential, publicKey: [4] + Array(repeating: 1, count: 64), rpID: "mail.demo.test",
            name: "YubiKey 5", signCount: 3, createdAt: t0))
        let counterless = try await store.insertSecurityKey(NewSecurityKey(
            accountID: bob.id, credentialID: [9, 9], publicKey: [4], rpID: "mail.demo.test", name: "Touch ID", signCount: 0, createdAt: t0 + 1))
        #expect(try await store.securityKeys(accountID: bob.id) == [key, counterless])
        #expect(try await store.securityKeys(accountID: eve.id).isEmpty)
        #expect(try await !store.recordSecurityKeyUse(id: key.id, signCount: 3, at: t0 + 2))
        #expect(try await !store.recordSecurityKeyUse(id: key.id, signCount: 2, at: t0 + 2))
        #expect(try await store.recordSecurityKeyUse(id: key.id, signCount: 4, at: t0 + 3))
        #expect(try await store.recordSecurityKeyUse(id: counterless.id, signCount: 0, at: t0 + 4))
        #expect(try await store.recordSecurityKeyUse(id: counterless.id, signCount: 0, at: t0 + 5))
        let stored = try await store.securityKeys(accountID: bob.id)
        #expect(stored[0].signCount == 4 && stored[0].lastUsedAt == t0 + 3 && stored[0].credentialID == credential)
        #expect(stored[1].lastUsedAt == t0 + 5)
        #expect(try await !store.deleteSecurityKey(id: key.id, accountID: eve.id))
        #expect(try await store.deleteSecurityKey(id: key.id, accountID: bob.id))
        #expect(try await store.deleteSecurityKeys(accountID: bob.id) == 1)
        #expect(try await store.securityKeys(accountID: bob.id).isEmpty)
    }

    /// B1: recovery codes are used once each, per account; a new set replaces the old one.
    @Test(arguments: StoreKind.allCases)
    func recoveryCodesAreUsedOnce(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        #expect(try await store.recoveryCodeStatus(accountID: bob.id) == RecoveryCodeStatus(remaining: 0, total: 0, createdAt: nil))
        try await store.replaceRecoveryCodes(accountID: bob.id, hashes: ["a", "b", "c"], at: t0)
        try await store.replaceRecoveryCodes(accountID: eve.id, hashes: ["d"], at: t0)
        #expect(try await !store.consumeRecoveryCode(accountID: bob.id, hash: "d", at: t0 + 1))
        #expect(try await store.consumeRecoveryCode(accountID: bob.id, hash: "b", at: t0 + 1))
        #expect(try await !store.consumeRecoveryCode(accountID: bob.id, hash: "b", at: t0 + 2))
        #expect(try await store.recoveryCodeStatus(accountID: bob.id) == RecoveryCodeStatus(remaining: 2, total: 3, createdAt: t0))
        try await store.replaceRecoveryCodes(accountID: bob.id, hashes: ["e", "f"], at: t0 + 10)
        #expect(try await !store.consumeRecoveryCode(accountID: bob.id, hash: "a", at: t0 + 11))
        #expect(try await store.recoveryCodeStatus(accountID: bob.id) == RecoveryCodeStatus(remaining: 2, total: 2, createdAt: t0 + 10))
        try await store.replaceRecoveryCodes(accountID: bob.id, hashes: [], at: t0 + 20)
        #expect(try await store.recoveryCodeStatus(accountID: bob.id).total == 0)
        #expect(try await store.recoveryCodeStatus(accountID: eve.id).remaining == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func codesAreUsedOnceAndCountFailures(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        let first = try await store.insertCode(NewSMSCode(accountID: bob.id, phone: "+8613800138000", purpose: .bind,
                                                          codeHash: "h1", challenge: nil, createdAt: t0, expiresAt: t0 + 300))
        let second = try await store.insertCode(NewSMSCode(accountID: bob.id, phone: "+8613800138000", purpose: .bind,
                                                           codeHash: "h2", challenge: "c", createdAt: t0 + 60, expiresAt: t0 + 360))
        _ = try await store.insertCode(NewSMSCode(accountID: bob.id, phone: "+8613800138000", purpose: .signIn,
                                                  codeHash: "h3", challenge: nil, createdAt: t0 + 1, expiresAt: t0 + 301))
        #expect(first.id != second.id)
        #expect(try await store.latestCode(accountID: bob.id, purpose: .bind) == second)
        #expect(try await store.latestCode(accountID: bob.id, purpose: .unbind) == nil)
        #expect(try await store.recordFailedCodeAttempt(id: second.id) == 1)
        #expect(try await store.recordFailedCodeAttempt(id: second.id) == 2)
        #expect(try await store.consumeCode(id: second.id))
        #expect(try await !store.consumeCode(id: second.id))
        let stored = try #require(try await store.latestCode(accountID: bob.id, purpose: .bind))
        #expect(stored.consumed && stored.failedAttempts == 2 && stored.challenge == "c" && stored.expiresAt == t0 + 360)
        try await store.deleteCodes(accountID: bob.id)
        #expect(try await store.latestCode(accountID: bob.id, purpose: .signIn) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func challengesMoveOnOnlyFromTheExpectedState(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        let challenge = SignInChallenge(tokenHash: "t", accountID: bob.id, state: .awaitingCode, remoteIP: "192.0.2.1",
                                        createdAt: t0, expiresAt: t0 + 600, securityStamp: "stamp-1")
        try await store.insertChallenge(challenge)
        await #expect(throws: (any Error).self) { try await store.insertChallenge(challenge) }
        #expect(try await store.challenge(tokenHash: "t") == challenge)
        #expect(try await store.challenge(tokenHash: "u") == nil)
        #expect(try await store.transitionChallenge(tokenHash: "t", from: .awaitingCode, to: .signedIn))
        #expect(try await !store.transitionChallenge(tokenHash: "t", from: .awaitingCode, to: .signedIn))
        #expect(try await store.challenge(tokenHash: "t")?.state == .signedIn)
    }

    @Test(arguments: StoreKind.allCases)
    func trustedDevices(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        let older = try await store.insertTrustedDevice(NewTrustedDevice(accountID: bob.id, tokenHash: "d1", name: "Chrome · Windows",
                                                                        ip: "192.0.2.1", trustedAt: t0, expiresAt: t0 + 604_800))
        let newer = try await store.insertTrustedDevice(NewTrustedDevice(accountID: bob.id, tokenHash: "d2", name: "Safari · iOS",
                                                                        ip: "192.0.2.2", trustedAt: t0 + 10, expiresAt: t0 + 604_810))
        _ = try await store.insertTrustedDevice(NewTrustedDevice(accountID: eve.id, tokenHash: "d3", name: "x", ip: "y",
                                                                  trustedAt: t0, expiresAt: t0 + 1))
        #expect(older.lastSeenAt == t0)
        #expect(try await store.trustedDevice(tokenHash: "d1") == older)
        #expect(try await store.trustedDevices(accountID: bob.id).map(\.id) == [newer.id, older.id])
        try await store.touchTrustedDevice(id: older.id, at: t0 + 99, ip: "198.51.100.9")
        let touched = try #require(try await store.trustedDevice(tokenHash: "d1"))
        #expect(touched.lastSeenAt == t0 + 99 && touched.ip == "198.51.100.9" && touched.trustedAt == t0)
        #expect(try await !store.deleteTrustedDevice(id: older.id, accountID: eve.id), "only the owner removes a device")
        #expect(try await store.deleteTrustedDevice(id: older.id, accountID: bob.id))
        #expect(try await store.deleteTrustedDevices(accountID: bob.id) == 1)
        #expect(try await store.trustedDevices(accountID: eve.id).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func appPasswords(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        let foxmail = try await store.insertAppPassword(NewAppPassword(accountID: bob.id, name: "Foxmail", secretHash: "s1", createdAt: t0))
        let iphone = try await store.insertAppPassword(NewAppPassword(accountID: bob.id, name: "iPhone 邮件", secretHash: "s2", createdAt: t0 + 1))
        #expect(foxmail.lastUsedAt == nil)
        #expect(try await store.appPasswords(accountID: bob.id).map(\.name) == ["Foxmail", "iPhone 邮件"])
        #expect(try await store.appPassword(accountID: bob.id, secretHash: "s2") == iphone)
        #expect(try await store.appPassword(accountID: eve.id, secretHash: "s2") == nil)
        #expect(foxmail.scope == .unrestricted && iphone.scope == .unrestricted)
        try await store.recordAppPasswordUse(id: foxmail.id, at: t0 + 50, door: "imap", ip: "203.0.113.4", client: "Foxmail 7.2")
        let used = try #require(try await store.appPassword(id: foxmail.id))
        #expect(used.lastUsedAt == t0 + 50 && used.lastUsedProtocol == "imap" && used.lastUsedIP == "203.0.113.4")
        #expect(used.lastUsedClient == "Foxmail 7.2")
        // A door that names no client (SMTP, POP3) keeps the name the last IMAP use gave (B3).
        try await store.recordAppPasswordUse(id: foxmail.id, at: t0 + 60, door: "smtp", ip: "203.0.113.4", client: nil)
        let sent = try #require(try await store.appPassword(id: foxmail.id))
        #expect(sent.lastUsedProtocol == "smtp" && sent.lastUsedClient == "Foxmail 7.2" && sent.lastUsedAt == t0 + 60)
        // A scope is stored and read back as made (B4).
        let scope = AppPasswordScope(doors: [.imap, .pop3], readOnly: true, expiresAt: t0 + 86_400)
        let backup = try await store.insertAppPassword(NewAppPassword(accountID: bob.id, name: "备份", secretHash: "s3",
                                                                      createdAt: t0 + 2, scope: scope))
        #expect(backup.scope == scope)
        #expect(try await store.appPassword(id: backup.id)?.scope == scope)
        #expect(try await store.appPassword(accountID: bob.id, secretHash: "s3")?.scope.doorNames == ["imap", "pop3"])
        let smtpOnly = try await store.insertAppPassword(NewAppPassword(
            accountID: bob.id, name: "scanner", secretHash: "s4", createdAt: t0 + 3, scope: AppPasswordScope(doors: [.smtp])))
        #expect(try await store.appPassword(id: smtpOnly.id)?.scope == AppPasswordScope(doors: [.smtp]))
        #expect(try await !store.deleteAppPassword(id: foxmail.id, accountID: eve.id))
        #expect(try await store.deleteAppPassword(id: foxmail.id, accountID: bob.id))
        #expect(try await store.appPassword(id: foxmail.id) == nil)
        #expect(try await store.deleteAppPasswords(accountID: bob.id) == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func sessions(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        func session(_ hash: String, _ account: Account) -> WebSession {
            WebSession(idHash: hash, accountID: account.id, createdAt: t0, lastSeenAt: t0, expiresAt: t0 + 3600,
                       remoteIP: "192.0.2.1", trustedDeviceID: hash == "a" ? 7 : nil)
        }
        for (hash, account) in [("a", bob), ("b", bob), ("c", bob), ("e", eve)] { try await store.insertSession(session(hash, account)) }
        #expect(try await store.session(idHash: "a") == session("a", bob))
        try await store.touchSession(idHash: "b", at: t0 + 30)
        #expect(try await store.session(idHash: "b")?.lastSeenAt == t0 + 30)
        #expect(try await store.deleteSessions(accountID: bob.id, keeping: "a") == 2)
        #expect(try await store.session(idHash: "a") != nil)
        #expect(try await store.session(idHash: "e") != nil)
        #expect(try await store.deleteSession(idHash: "a"))
        #expect(try await !store.deleteSession(idHash: "a"))
        #expect(try await store.deleteSessions(accountID: eve.id, keeping: nil) == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func enforcementRules(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .domain("demo.test"), createdAt: t0)) == .added)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .domain("demo.test"), createdAt: t0 + 1)) == .unchanged)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .account(bob.id), createdAt: t0 + 2)) == .added)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0 + 3)) == .added)
        #expect(try await store.enforcements().map(\.scope) == [.domain("demo.test"), .account(bob.id), .all])
        #expect(try await store.enforcements().allSatisfy { $0.graceUntil == nil })
        #expect(try await store.deleteEnforcement(.all))
        #expect(try await !store.deleteEnforcement(.all))
        #expect(try await store.enforcements().count == 2)
    }

    /// B8: a rule's grace period is kept, replaced by enforcing the scope again (its place in
    /// the order stays), and removed by enforcing it at once.
    @Test(arguments: StoreKind.allCases)
    func enforcementGraceIsReplaced(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        let end = t0 + 14 * 86_400
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0, graceUntil: end)) == .added)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .account(bob.id), createdAt: t0 + 1)) == .added)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0 + 2, graceUntil: end)) == .unchanged)
        #expect(try await store.enforcements() == [EnforcementRule(scope: .all, createdAt: t0, graceUntil: end),
                                                   EnforcementRule(scope: .account(bob.id), createdAt: t0 + 1)])
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0 + 3, graceUntil: end + 86_400)) == .updated)
        #expect(try await store.enforcements().first == EnforcementRule(scope: .all, createdAt: t0, graceUntil: end + 86_400))
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0 + 4)) == .updated)
        #expect(try await store.enforcements().first == EnforcementRule(scope: .all, createdAt: t0))
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .all, createdAt: t0 + 5)) == .unchanged)
        #expect(try await store.saveEnforcement(EnforcementRule(scope: .account(bob.id), createdAt: t0 + 6, graceUntil: end)) == .updated)
        #expect(try await store.enforcements().last?.graceUntil == end)
    }

    @Test(arguments: StoreKind.allCases)
    func enforcementExemptions(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        #expect(try await store.exemptions().isEmpty)
        #expect(try await store.insertExemption(EnforcementExemption(scope: .account(bob.id), createdAt: t0)))
        #expect(try await !store.insertExemption(EnforcementExemption(scope: .account(bob.id), createdAt: t0 + 1)))
        #expect(try await store.insertExemption(EnforcementExemption(scope: .domain("demo.test"), createdAt: t0 + 2)))
        #expect(try await store.exemptions() == [EnforcementExemption(scope: .account(bob.id), createdAt: t0),
                                                 EnforcementExemption(scope: .domain("demo.test"), createdAt: t0 + 2)])
        // Exemptions and rules are kept apart.
        #expect(try await store.enforcements().isEmpty)
        #expect(try await !store.deleteEnforcement(.domain("demo.test")))
        #expect(try await store.deleteExemption(.domain("demo.test")))
        #expect(try await !store.deleteExemption(.domain("demo.test")))
        #expect(try await store.exemptions().map(\.scope) == [.account(bob.id)])
    }

    @Test(arguments: StoreKind.allCases)
    func auditEventsNewestFirstFilteredByKind(_ kind: StoreKind) async throws {
        let (store, bob, eve) = try await setUp(kind)
        try await store.appendAuditEvent(NewAuditEvent(at: t0, accountID: bob.id, kind: .signIn, door: "web", method: "password",
                                                       success: true, ip: "192.0.2.1", detail: "Chrome"))
        try await store.appendAuditEvent(NewAuditEvent(at: t0 + 1, accountID: bob.id, kind: .phoneBound, detail: "+86 138****8000"))
        try await store.appendAuditEvent(NewAuditEvent(at: t0 + 2, accountID: bob.id, kind: .signIn, door: "imap", method: "password",
                                                       success: false, ip: "192.0.2.2", detail: ""))
        try await store.appendAuditEvent(NewAuditEvent(at: t0 + 3, accountID: eve.id, kind: .signIn))
        try await store.appendAuditEvent(NewAuditEvent(at: t0 + 4, accountID: nil, kind: .signIn, success: false))
        let all = try await store.auditEvents(accountID: bob.id, kinds: nil, limit: 10)
        #expect(all.map(\.kind) == [.signIn, .phoneBound, .signIn])
        let signIns = try await store.auditEvents(accountID: bob.id, kinds: [.signIn], limit: 10)
        #expect(signIns.map(\.door) == ["imap", "web"])
        #expect(signIns.first?.success == false && signIns.first?.ip == "192.0.2.2" && signIns.first?.at == t0 + 2)
        #expect(try await store.auditEvents(accountID: bob.id, kinds: nil, limit: 1).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func periodCountersStopAtTheirLimit(_ kind: StoreKind) async throws {
        let (store, _, _) = try await setUp(kind)
        for _ in 0..<3 { #expect(try await store.takeFromPeriodCounter(name: "sms", period: "2026-12", limit: 3)) }
        #expect(try await store.takeFromPeriodCounter(name: "sms", period: "2026-12", limit: 3) == false)
        #expect(try await store.periodCounter(name: "sms", period: "2026-12") == 3)
        // Another month, another name: counted apart.
        #expect(try await store.takeFromPeriodCounter(name: "sms", period: "2027-01", limit: 3))
        #expect(try await store.periodCounter(name: "other", period: "2026-12") == 0)
        try await store.giveBackToPeriodCounter(name: "sms", period: "2026-12")
        #expect(try await store.takeFromPeriodCounter(name: "sms", period: "2026-12", limit: 3))
        #expect(try await store.takeFromPeriodCounter(name: "sms", period: "2026-12", limit: 3) == false)
        // Taken at once from many tasks: never past the limit.
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await store.takeFromPeriodCounter(name: "burst", period: "2026-12", limit: 7) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 7)
        #expect(try await store.periodCounter(name: "burst", period: "2026-12") == 7)
        try await store.giveBackToPeriodCounter(name: "none", period: "2026-12")
        #expect(try await store.periodCounter(name: "none", period: "2026-12") == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func rateEventsAndPruning(_ kind: StoreKind) async throws {
        let (store, bob, _) = try await setUp(kind)
        for offset in [0.0, 10, 20] { try await store.recordRateEvent(key: "k", at: t0 + offset) }
        try await store.recordRateEvent(key: "other", at: t0)
        #expect(try await store.rateEvents(key: "k", since: t0 + 10) == [t0 + 10, t0 + 20])
        _ = try await store.insertCode(NewSMSCode(accountID: bob.id, phone: "+8613800138000", purpose: .bind, codeHash: "h",
                                                  challenge: nil, createdAt: t0, expiresAt: t0 + 300))
        try await store.insertSession(WebSession(idHash: "s", accountID: bob.id, createdAt: t0, lastSeenAt: t0, expiresAt: t0 + 100,
                                                 remoteIP: "x", trustedDeviceID: nil))
        try await store.pruneExpired(now: t0 + 200, rateEventsBefore: t0 + 15)
        #expect(try await store.rateEvents(key: "k", since: t0) == [t0 + 20])
        #expect(try await store.session(idHash: "s") == nil)
        #expect(try await store.latestCode(accountID: bob.id, purpose: .bind) != nil)
        try await store.pruneExpired(now: t0 + 301, rateEventsBefore: t0)
        #expect(try await store.latestCode(accountID: bob.id, purpose: .bind) == nil)
    }
}
