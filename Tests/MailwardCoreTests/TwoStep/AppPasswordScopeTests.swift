import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// SPEC B4: client-specific passwords for some protocols only, read-only, or until a day; and
/// B3: the client's name at the last use.
@Suite struct AppPasswordScopeTests {
    let user = "zhang.san@example.edu.cn"

    @Test func aPasswordOpensOnlyTheDoorsItWasMadeFor() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let reader = try await h.apps.create(account, name: "Thunderbird", scope: AppPasswordScope(doors: [.imap]), context: h.web)
        #expect(await h.authenticator.authenticate(username: user, password: reader.password, door: .imap, remoteIP: "203.0.113.5",
                                                   clientID: "Thunderbird 128")
                == .valid(account, .appPassword(id: reader.record.id, name: "Thunderbird", readOnly: false)))
        for door in [DoorKind.pop3, .smtp] {
            #expect(await h.authenticator.authenticate(username: user, password: reader.password, door: door, remoteIP: "203.0.113.5",
                                                       clientID: nil) == .clientPasswordLimited(account, .notForDoor(door)))
        }
        // Never the web, whatever the scope.
        #expect(await h.authenticator.authenticate(username: user, password: reader.password, door: .web, remoteIP: "203.0.113.5",
                                                   clientID: nil) == .invalid)
        // A refusal for the door is no guess: the account's failure count stays where it was.
        let refusals = await h.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 10)
        #expect(refusals.contains { $0.door == "smtp" && !$0.success && $0.detail.contains("not made for SMTP") })
        for _ in 0..<12 {
            _ = await h.authenticator.authenticate(username: user, password: reader.password, door: .pop3, remoteIP: "203.0.113.5",
                                                   clientID: nil)
        }
        #expect(await h.authenticator.authenticate(username: user, password: Harness.password, door: .web, remoteIP: "203.0.113.5",
                                                   clientID: nil) == .valid(account, .accountPassword))
        // The last use names the client that sent its ID (B3), and a refused door is no use.
        let used = try #require(try await h.apps.list(account).first)
        #expect(used.lastUsedProtocol == "imap" && used.lastUsedClient == "Thunderbird 128")
    }

    @Test func aReadOnlyPasswordSaysSoInItsCredential() async throws {
        let h = Harness()
        let account = try await h.user()
        let backup = try await h.apps.create(account, name: "backup", scope: AppPasswordScope(doors: [.imap, .pop3], readOnly: true),
                                             context: h.web)
        let result = await h.authenticator.authenticate(username: user, password: backup.password, door: .pop3,
                                                        remoteIP: "203.0.113.5", clientID: nil)
        guard case .valid(_, let credential) = result else { Issue.record("a read-only password opens POP3: \(result)"); return }
        #expect(credential.isReadOnly)
        #expect(!ClientCredential.accountPassword.isReadOnly)
        let created = await h.store.auditEvents(accountID: account.id, kinds: [.appPasswordCreated], limit: 5)
        #expect(created.first?.detail == "\"backup\" (IMAP, POP3; read-only)")
    }

    @Test func aPasswordStopsAtItsEndAndEndsItsSessions() async throws {
        let h = Harness()
        let account = try await h.user()
        let week = try await h.apps.create(account, name: "conference laptop",
                                           scope: AppPasswordScope(expiresAt: h.clock.now.addingTimeInterval(7 * 86_400)), context: h.web)
        guard case .valid(let opened, let credential) = await h.authenticator.authenticate(
            username: user, password: week.password, door: .imap, remoteIP: "203.0.113.5", clientID: nil) else {
            Issue.record("the password opens IMAP before its end"); return
        }
        #expect(try await h.authenticator.revocation(of: credential, account: opened) == nil)
        h.clock.advance(by: 7 * 86_400)
        #expect(try await h.authenticator.revocation(of: credential, account: opened) == .clientPasswordExpired)
        let end = try #require(week.record.scope.expiresAt)
        #expect(await h.authenticator.authenticate(username: user, password: week.password, door: .smtp, remoteIP: "203.0.113.5",
                                                   clientID: nil) == .clientPasswordLimited(account, .expired(end)))
        #expect(ClientPasswordLimit.expired(end).asciiText.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func scopesThatCannotBeMadeAreRefused() async throws {
        let h = Harness()
        let account = try await h.user()
        await #expect(throws: TwoStepError.invalidScope(.noDoor)) {
            _ = try await h.apps.create(account, name: "x", scope: AppPasswordScope(doors: []), context: h.web)
        }
        await #expect(throws: TwoStepError.invalidScope(.noDoor)) {
            _ = try await h.apps.create(account, name: "x", scope: AppPasswordScope(doors: [.imap, .web]), context: h.web)
        }
        await #expect(throws: TwoStepError.invalidScope(.readOnlyWithoutMailbox)) {
            _ = try await h.apps.create(account, name: "x", scope: AppPasswordScope(doors: [.smtp], readOnly: true), context: h.web)
        }
        await #expect(throws: TwoStepError.invalidScope(.endInThePast)) {
            _ = try await h.apps.create(account, name: "x", scope: AppPasswordScope(expiresAt: h.clock.now), context: h.web)
        }
        #expect(try await h.apps.list(account).isEmpty)
    }

    @Test func storedDoorsReadBackStrictly() {
        #expect(AppPasswordScope.doors(stored: "imap,pop3,smtp") == [.imap, .pop3, .smtp])
        #expect(AppPasswordScope.doors(stored: "smtp") == [.smtp])
        #expect(AppPasswordScope.doors(stored: "") == nil)
        #expect(AppPasswordScope.doors(stored: "imap,web") == nil)
        #expect(AppPasswordScope(doors: [.smtp, .imap]).doorNames == ["imap", "smtp"])
    }
}
