import Foundation
import Synchronization
import MailwardCore
import MailwardTesting
import Testing

/// SPEC A7, A8, A13: one credential check for every door.
@Suite struct ProtocolAuthenticatorTests {
    /// SPEC A13: a new password ends what the old one opened — IMAP and POP3 sessions too.
    @Test func aChangedPasswordEndsSessionsOpenedWithTheOldOne() async throws {
        let h = Harness()
        _ = try await h.user()
        let auth = h.authenticator
        guard case .valid(let opened, .accountPassword) = await auth.authenticate(
            username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap, remoteIP: "198.51.100.1", clientID: nil) else {
            Issue.record("the account password must open IMAP while no phone is bound"); return
        }
        #expect(try await auth.revocation(of: .accountPassword, account: opened) == nil)
        try await h.accounts.setPassword("zhang.san@example.edu.cn", to: "Another-Tea-Garden-43")
        #expect(try await auth.revocation(of: .accountPassword, account: opened) == .passwordChanged)
        // The new password opens a session that holds.
        guard case .valid(let reopened, .accountPassword) = await auth.authenticate(
            username: "zhang.san@example.edu.cn", password: "Another-Tea-Garden-43", door: .imap, remoteIP: "198.51.100.1", clientID: nil) else {
            Issue.record("the new password must open IMAP"); return
        }
        #expect(try await auth.revocation(of: .accountPassword, account: reopened) == nil)
    }

    /// SPEC A6: an enforced account without a phone "cannot reach its mailbox until it binds a
    /// phone" — mail clients included: the account password is refused (with the notice) at every
    /// mail door from the next sign-in on.
    @Test func enforcedAccountWithoutAPhoneCannotUseItsPasswordInMailClients() async throws {
        let h = Harness()
        let account = try await h.user()
        let auth = h.authenticator
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        _ = try await h.twoStep.enforce(.account(account.id))
        for door in [DoorKind.imap, .pop3, .smtp] {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: door,
                                            remoteIP: "198.51.100.1", clientID: nil) == .clientPasswordRequired(account))
        }
        // The web sign-in still takes it: that is where the phone gets bound.
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .web,
                                        remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        let refusals = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 50)
        #expect(refusals.contains { $0.door == "smtp" && !$0.success && $0.detail.contains("enforced") })
    }

    /// A client's IMAP `ID` name is the client's to choose: a line break in it cannot forge an
    /// entry (or a column) of the audit log where it is printed (audit F6).
    @Test func clientChosenTextCannotBreakAnAuditLine() async throws {
        let h = Harness()
        let account = try await h.user()
        _ = await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: "nope", door: .imap,
                                               remoteIP: "198.51.100.1",
                                               clientID: "Mail\n2026-12-03T09:00:00Z\tpassword-changed\tweb\u{2028}x")
        let events = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 5)
        let detail = try #require(events.first?.detail)
        #expect(detail.contains("Mail 2026-12-03T09:00:00Z password-changed web x"))
        #expect(!detail.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{2028}" })
    }

    @Test func accountPasswordOnlyUntilAPhoneIsBound() async throws {
        let h = Harness()
        let account = try await h.user()
        let auth = h.authenticator
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        #expect(try await auth.revocation(of: .accountPassword, account: account) == nil)
        try await h.bind(account)
        for door in [DoorKind.imap, .pop3, .smtp] {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: door,
                                            remoteIP: "198.51.100.1", clientID: "Foxmail") == .clientPasswordRequired(account))
        }
        // "Client password required" is only revealed after the password was right.
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: "wrong", door: .imap,
                                        remoteIP: "198.51.100.1", clientID: nil) == .invalid)
        #expect(try await auth.revocation(of: .accountPassword, account: account) == .clientPasswordNowRequired)
        // The web still takes the account password (the second factor follows).
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .web,
                                        remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        let refusals = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 50)
        #expect(refusals.contains { $0.door == "pop3" && !$0.success && $0.detail.contains("client-specific password is required") })
    }

    /// Password spraying at an address keeps its failure count at the limit: the owner's mail
    /// clients, signing in with a client-specific password from elsewhere, still get in; the
    /// account password (at the mail doors and the web) and the guessing IP stay locked out.
    @Test func guessingAtAnAddressDoesNotLockOutItsClientSpecificPasswords() async throws {
        let h = Harness { $0.failuresPerAccount = 3; $0.failuresPerIP = 3; $0.failureWindow = 900 }
        let account = try await h.user()
        let auth = h.authenticator
        let created = try await h.apps.create(account, name: "Foxmail", context: h.web)
        for attempt in 0..<5 {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: "guess-\(attempt)", door: .imap,
                                            remoteIP: "203.0.113.9", clientID: nil) == .invalid)
        }
        for door in [DoorKind.imap, .pop3, .smtp] {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: created.password, door: door,
                                            remoteIP: "198.51.100.1", clientID: "Foxmail")
                    == .valid(account, .appPassword(id: created.record.id, name: "Foxmail")))
        }
        // The account's own password is under the account's limit, right or wrong.
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                        remoteIP: "198.51.100.1", clientID: nil) == .invalid)
        await #expect(throws: TwoStepError.rateLimited(retryAfter: 900)) {
            _ = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: Harness.password, deviceToken: nil,
                                         oldSessionToken: nil, context: h.web)
        }
        // The guessing IP is under its own limit: not even a client-specific password from it.
        #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: created.password, door: .imap,
                                        remoteIP: "203.0.113.9", clientID: nil) == .invalid)
        let events = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 50)
        #expect(events.contains { $0.method == "throttled" && !$0.success && $0.door == "imap" })
    }

    @Test func clientSpecificPasswordsAlwaysWorkAtMailDoorsAndNeverAtTheWeb() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let created = try await h.apps.create(account, name: " iPhone 邮件 ", context: h.web)
        #expect(created.record.name == "iPhone 邮件")
        #expect(created.password.count == 16)
        #expect(!created.record.secretHash.contains(created.password))
        let typed = AppPasswordFormat.grouped(created.password).uppercased()
        let result = await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: typed, door: .imap,
                                                        remoteIP: "203.0.113.5", clientID: "iPhone Mail")
        #expect(result == .valid(account, .appPassword(id: created.record.id, name: "iPhone 邮件")))
        let used = try #require(try await h.apps.list(account).first)
        #expect(used.lastUsedProtocol == "imap")
        #expect(used.lastUsedIP == "203.0.113.5")
        #expect(used.lastUsedAt == h.clock.now)
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: created.password, door: .web,
                                                   remoteIP: "203.0.113.5", clientID: nil) == .invalid)
        await #expect(throws: TwoStepError.invalidCredentials) {
            _ = try await h.signIn.begin(username: "zhang.san@example.edu.cn", password: created.password, deviceToken: nil,
                                         oldSessionToken: nil, context: h.web)
        }
        // Another account's password does not open this one.
        let li = try await h.user("li.si@example.edu.cn")
        #expect(await h.authenticator.authenticate(username: "li.si@example.edu.cn", password: created.password, door: .imap,
                                                   remoteIP: "203.0.113.5", clientID: nil) == .invalid)
        _ = li
        // Deleted: stops at once, also for open sessions (revocation).
        let credential = ClientCredential.appPassword(id: created.record.id, name: created.record.name)
        #expect(try await h.authenticator.revocation(of: credential, account: account) == nil)
        try await h.apps.revoke(account, id: created.record.id, context: h.web)
        #expect(try await h.authenticator.revocation(of: credential, account: account) == .clientPasswordDeleted)
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: typed, door: .pop3,
                                                   remoteIP: "203.0.113.5", clientID: nil) == .invalid)
        await #expect(throws: TwoStepError.notFound) { try await h.apps.revoke(account, id: created.record.id, context: h.web) }
    }

    @Test func disabledAccountsFailEverywhere() async throws {
        let h = Harness()
        let account = try await h.user()
        let created = try await h.apps.create(account, name: "Foxmail", context: h.web)
        try await h.accounts.setDisabled("zhang.san@example.edu.cn", true)
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: created.password, door: .imap,
                                                   remoteIP: "203.0.113.5", clientID: nil) == .invalid)
        #expect(try await h.authenticator.revocation(of: .appPassword(id: created.record.id, name: "Foxmail"), account: account) == .accountUnavailable)
    }

    @Test func atMostFiftyNamedAppPasswords() async throws {
        let h = Harness()
        let account = try await h.user()
        for i in 0..<50 { _ = try await h.apps.create(account, name: "client \(i)", context: h.web) }
        await #expect(throws: TwoStepError.appPasswordLimit(50)) { _ = try await h.apps.create(account, name: "one more", context: h.web) }
        await #expect(throws: TwoStepError.invalidName) { _ = try await h.apps.create(account, name: "  ", context: h.web) }
    }

    @Test func passwordChangeRevokesSessionsDevicesAndAppPasswords() async throws {
        let h = Harness()
        let account = try await h.user()
        let app = try await h.apps.create(account, name: "Foxmail", context: h.web)
        let keep = try await h.sessions.open(account: account, context: h.web, trustedDeviceID: nil)
        let other = try await h.sessions.open(account: account, context: h.web, trustedDeviceID: nil)
        _ = try await h.store.insertTrustedDevice(NewTrustedDevice(accountID: account.id, tokenHash: "t", name: "n", ip: "i",
                                                                    trustedAt: h.clock.now, expiresAt: h.clock.now.addingTimeInterval(99)))
        await #expect(throws: TwoStepError.wrongPassword) {
            try await PasswordChangeService(h.env).change(account, current: "nope", new: "Moon-River-77", keepingSession: keep.token, context: h.web)
        }
        // The wrong current password is in the account's log (it counts toward the lock-out).
        let refused = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 5)
        #expect(refused.contains { !$0.success && $0.detail == "password re-entered while signed in: wrong" }, "\(refused)")
        try await PasswordChangeService(h.env).change(account, current: Harness.password, new: "Moon-River-77",
                                                      keepingSession: keep.token, context: h.web)
        #expect(try await h.sessions.resolve(token: keep.token) != nil)
        #expect(try await h.sessions.resolve(token: other.token) == nil)
        #expect(try await h.twoStep.devices(account).isEmpty)
        #expect(try await h.apps.list(account).isEmpty)
        #expect(try await h.authenticator.revocation(of: .appPassword(id: app.record.id, name: "Foxmail"), account: account) == .clientPasswordDeleted)
        #expect(await h.store.auditEvents(accountID: account.id, kinds: [.passwordChanged], limit: 5).count == 1)
    }

    /// A store that fails with an error of its own (not `StoreError`: a driver's, say) is never
    /// reported as a wrong password — a mail client told so asks its user for the password again.
    @Test func anyStoreFailureIsUnavailableNeverInvalid() async throws {
        let h = Harness()
        _ = try await h.user()
        let failing = FailingDirectoryStore(h.directory)
        let accounts = AccountService(store: failing, clock: h.clock, hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)))
        let env = SecurityEnvironment(accounts: accounts, store: h.store, key: ServerKey.generate(SeededRandomSource(seed: 1)),
                                      settings: TwoStepSettings(), clock: h.clock, random: SeededRandomSource(seed: 2), sms: h.sms)
        let auth = ProtocolAuthenticator(env)
        failing.failing.withLock { $0 = true }
        for door in [DoorKind.imap, .pop3, .smtp, .web] {
            #expect(await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: door,
                                            remoteIP: "198.51.100.1", clientID: nil) == .unavailable)
        }
        failing.failing.withLock { $0 = false }
        guard case .valid = await auth.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                    remoteIP: "198.51.100.1", clientID: nil) else {
            Issue.record("the password must work again once the store answers"); return
        }
    }
}

/// The in-memory directory, whose look-ups fail while `failing` is set.
final class FailingDirectoryStore: DirectoryStore {
    struct DriverError: Error {}
    let base: InMemoryDirectoryStore
    let failing = Mutex(false)
    init(_ base: InMemoryDirectoryStore) { self.base = base }
    private func check() throws { if failing.withLock({ $0 }) { throw DriverError() } }

    func insertDomain(_ domain: Domain) async throws { try await base.insertDomain(domain) }
    func domain(named name: String) async throws -> Domain? { try check(); return await base.domain(named: name) }
    func domains() async throws -> [Domain] { await base.domains() }
    func deleteDomain(named name: String) async throws -> Bool { try await base.deleteDomain(named: name) }
    func insertAccount(_ account: NewAccount) async throws -> Account { try await base.insertAccount(account) }
    func account(id: AccountID) async throws -> Account? { try check(); return await base.account(id: id) }
    func account(address: EmailAddress) async throws -> Account? { try check(); return await base.account(address: address) }
    func accounts(inDomain domain: String?) async throws -> [Account] { await base.accounts(inDomain: domain) }
    func accountCount(inDomain domain: String) async throws -> Int { await base.accountCount(inDomain: domain) }
    func updateAccount(_ account: Account) async throws { try await base.updateAccount(account) }
    func deleteAccount(id: AccountID) async throws -> Bool { await base.deleteAccount(id: id) }
    func insertAlias(_ alias: Alias) async throws { try await base.insertAlias(alias) }
    func alias(address: EmailAddress) async throws -> Alias? { try check(); return await base.alias(address: address) }
    func aliases(of accountID: AccountID) async throws -> [Alias] { await base.aliases(of: accountID) }
    func deleteAlias(address: EmailAddress) async throws -> Bool { await base.deleteAlias(address: address) }
}
