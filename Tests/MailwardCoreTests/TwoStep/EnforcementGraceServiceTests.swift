import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// Grace periods and exemptions through the use cases (B8): the web sign-in, the mail doors'
/// credential check, the status the API answers, the audit log.
@Suite struct EnforcementGraceServiceTests {
    @Test func duringGraceNothingIsForcedThenEverything() async throws {
        let h = Harness()
        let account = try await h.user()
        let end = h.clock.now + 3 * 86_400
        #expect(try await h.twoStep.enforce(.domain("example.edu.cn"), graceUntil: end) == .added)
        #expect(try await h.twoStep.decision(for: account) == .grace(until: end))
        #expect(try await h.twoStep.graceDeadline(account) == end)
        let status = try await h.twoStep.status(account)
        #expect(status.enforced == false && status.enforcedFrom == end)

        // Web: a session, ending with the grace at the latest.
        guard case .signedIn(let grant) = try await h.begin("zhang.san@example.edu.cn") else {
            Issue.record("a session during grace"); return
        }
        #expect(grant.expiresAt <= end)
        // Mail doors: the account password.
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                   remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        // Unbinding is not refused during grace (nobody is forced yet).
        try await h.bind(account)
        try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)

        h.clock.set(end)
        #expect(try await h.twoStep.decision(for: account) == .enforced)
        #expect(try await h.twoStep.graceDeadline(account) == nil)
        #expect(try await h.twoStep.status(account).enforced == true)
        #expect(try await h.twoStep.status(account).enforcedFrom == nil)
        guard case .enrollmentRequired = try await h.begin("zhang.san@example.edu.cn") else {
            Issue.record("enrollment once the grace ended"); return
        }
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                   remoteIP: "198.51.100.1", clientID: nil) == .clientPasswordRequired(account))
    }

    @Test func enforcingAgainReplacesTheGrace() async throws {
        let h = Harness()
        let account = try await h.user()
        let end = h.clock.now + 10 * 86_400
        #expect(try await h.twoStep.enforce(.all, graceUntil: end) == .added)
        #expect(try await h.twoStep.enforce(.all, graceUntil: end) == .unchanged)
        #expect(try await h.twoStep.enforce(.all, graceUntil: end + 86_400) == .updated)
        #expect(try await h.twoStep.enforcements().map(\.graceUntil) == [end + 86_400])
        guard case .signedIn(let grant) = try await h.begin("zhang.san@example.edu.cn") else { Issue.record("grace"); return }
        // Now: forced at once, and the browser signed in during grace is signed out.
        #expect(try await h.twoStep.enforce(.all))
        #expect(try await h.twoStep.enforcements().map(\.graceUntil) == [nil])
        #expect(try await h.sessions.resolve(token: grant.token) == nil)
        #expect(try await h.twoStep.decision(for: account) == .enforced)
        // A grace that ended already is no grace.
        #expect(try await h.twoStep.enforce(.domain("example.edu.cn"), graceUntil: h.clock.now - 1) == .added)
        #expect(try await h.twoStep.enforcements().last?.graceUntil == nil)
        let details = await h.store.auditEvents(accountID: account.id, kinds: [.enforcementChanged], limit: 10)
        #expect(details.isEmpty, "rules wider than an account are not in its own history")
    }

    @Test func aSessionOpenWhenTheGraceEndsSoonIsEnded() async throws {
        let h = Harness()
        _ = try await h.user()
        guard case .signedIn(let grant) = try await h.begin("zhang.san@example.edu.cn") else { Issue.record("no rule"); return }
        // Ends in an hour, before the session's 12 h: signed out now, next session capped.
        #expect(try await h.twoStep.enforce(.all, graceUntil: h.clock.now + 3600) == .added)
        #expect(try await h.sessions.resolve(token: grant.token) == nil)
        guard case .signedIn(let capped) = try await h.begin("zhang.san@example.edu.cn") else { Issue.record("grace"); return }
        #expect(capped.expiresAt == h.clock.now + 3600)
        h.clock.advance(by: 3600)
        #expect(try await h.sessions.resolve(token: capped.token) == nil)
    }

    @Test func exemptionsShieldAndAreAudited() async throws {
        let h = Harness()
        let service = try await h.user("robot@example.edu.cn")
        let person = try await h.user("li.si@example.edu.cn")
        try await h.twoStep.enforce(.all)
        #expect(try await h.twoStep.exempt(.account(service.id)))
        #expect(try await !h.twoStep.exempt(.account(service.id)))
        #expect(try await h.twoStep.decision(for: service) == .exempt)
        #expect(try await h.twoStep.decision(for: person) == .enforced)
        #expect(await h.authenticator.authenticate(username: "robot@example.edu.cn", password: Harness.password, door: .smtp,
                                                   remoteIP: "198.51.100.1", clientID: nil) == .valid(service, .accountPassword))
        guard case .signedIn = try await h.begin("robot@example.edu.cn") else { Issue.record("exempt: no enrollment"); return }
        #expect(try await h.twoStep.status(service).enforced == false)

        // A --user rule beats the exemption: the more specific word wins.
        try await h.twoStep.enforce(.account(service.id))
        #expect(try await h.twoStep.decision(for: service) == .enforced)
        #expect(try await h.twoStep.relax(.account(service.id)))

        #expect(try await h.twoStep.exemptions().map(\.scope) == [.account(service.id)])
        guard case .signedIn(let grant) = try await h.begin("robot@example.edu.cn") else { Issue.record("exempt again"); return }
        #expect(try await h.twoStep.removeExemption(.account(service.id)))
        #expect(try await !h.twoStep.removeExemption(.account(service.id)))
        #expect(try await h.sessions.resolve(token: grant.token) == nil, "forced now: signed out to bind a phone")
        let audit = await h.store.auditEvents(accountID: service.id, kinds: [.enforcementChanged], limit: 10).map(\.detail)
        #expect(audit == ["exemption of this account removed", "relaxed for this account", "enforced for this account",
                          "exempted this account from wider enforcement"])
    }

    /// A mail client signed in with the account password keeps its session only while the
    /// password may open it: the end of a grace, enforcement and the end of an exemption end it
    /// at its next command (the doors ask ``ProtocolAuthenticator/revocation(of:account:)``).
    @Test func openMailSessionsEndWhenTwoStepIsForced() async throws {
        let h = Harness()
        let account = try await h.user()
        let end = h.clock.now + 86_400
        try await h.twoStep.enforce(.all, graceUntil: end)
        #expect(await h.authenticator.authenticate(username: "zhang.san@example.edu.cn", password: Harness.password, door: .imap,
                                                   remoteIP: "198.51.100.1", clientID: nil) == .valid(account, .accountPassword))
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == nil)
        h.clock.set(end - 1)
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == nil)
        h.clock.set(end)
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == .clientPasswordNowRequired, "the grace ended")

        // Exempt: the session holds again; the exemption removed, it ends.
        try await h.twoStep.exempt(.account(account.id))
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == nil)
        try await h.twoStep.removeExemption(.account(account.id))
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == .clientPasswordNowRequired)
        // Relaxed: it holds; enforced without grace: it ends.
        try await h.twoStep.relax(.all)
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == nil)
        try await h.twoStep.enforce(.domain("example.edu.cn"))
        #expect(try await h.authenticator.revocation(of: .accountPassword, account: account) == .clientPasswordNowRequired)
        // A client-specific password is not the account password: it holds whatever the rules.
        let app = try await h.apps.create(account, name: "Foxmail", context: h.web)
        #expect(try await h.authenticator.revocation(of: .appPassword(id: app.record.id, name: "Foxmail"), account: account) == nil)
    }

    /// Rules changed by another process (`mailward policy two-step enforce` while the server
    /// runs, another node) reach open sessions once the server's copy of them is older than
    /// its maximum age, not at once: the doors do not read the rules at every command.
    @Test func rulesChangedElsewhereReachOpenSessionsWithinTheCachesAge() async throws {
        let h = Harness()
        let account = try await h.user()
        func server(maximumAge: Duration) -> ProtocolAuthenticator {
            ProtocolAuthenticator(SecurityEnvironment(
                accounts: h.accounts, store: h.store, key: ServerKey.generate(SeededRandomSource(seed: 1)), settings: TwoStepSettings(),
                clock: h.clock, random: SeededRandomSource(seed: 2), sms: h.sms, enforcementRules: EnforcementRulesCache(maximumAge: maximumAge)))
        }
        let patient = server(maximumAge: .seconds(3600))
        let eager = server(maximumAge: .zero)
        #expect(try await patient.revocation(of: .accountPassword, account: account) == nil)
        #expect(try await eager.revocation(of: .accountPassword, account: account) == nil)
        try await h.twoStep.enforce(.account(account.id))  // the command line: another environment
        #expect(try await patient.revocation(of: .accountPassword, account: account) == nil, "its copy of the rules is recent")
        #expect(try await eager.revocation(of: .accountPassword, account: account) == .clientPasswordNowRequired)
    }
}
