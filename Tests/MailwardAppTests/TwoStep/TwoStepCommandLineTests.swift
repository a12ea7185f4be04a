import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import Testing

/// `mailward policy two-step …`, `user reset-two-step`, `user show` and `user passwd` (A6, A13, O3).
@Suite struct TwoStepCommandLineTests {
    @Test func enforceRelaxResetAndShow() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "example.edu.cn").status == 0)
        #expect(try await mw("user", "add", "zhang.san@example.edu.cn", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("policy", "two-step", "show").stdout == "two-step verification is not enforced for anyone\n")

        #expect(try await mw("policy", "two-step", "enforce", "--domain", "Example.EDU.cn").stdout
                == "two-step verification enforced for domain example.edu.cn\n")
        #expect(try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn").stdout.contains("already"))
        #expect(try await mw("policy", "two-step", "enforce", "--user", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("policy", "two-step", "enforce", "--all").status == 0)
        #expect(try await mw("policy", "two-step", "show").stdout == "domain example.edu.cn\nuser zhang.san@example.edu.cn\nall\n")
        var show = try await mw("user", "show", "zhang.san@example.edu.cn").stdout
        #expect(show.contains("two-step:     off (enforced)"))
        #expect(show.contains("phone:        -"))
        #expect(show.contains("app passwords: 0"))
        #expect(show.contains("trusted devices: 0"))

        for (args, message) in [
            (["policy", "two-step", "enforce"], "give exactly one of --all, --domain D, --user U"),
            (["policy", "two-step", "enforce", "--all", "--domain", "example.edu.cn"], "give exactly one"),
            (["policy", "two-step", "enforce", "--domain", "nowhere.test"], "unknown domain: nowhere.test"),
            (["policy", "two-step", "relax", "--user", "nobody@example.edu.cn"], "no such account"),
            (["user", "reset-two-step", "nobody@example.edu.cn"], "no such account"),
        ] {
            let result = try await runMailward(args + ["--data", data])
            #expect(result.status == 1)
            #expect(result.stderr.contains(message), "\(args): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }

        // Bind a phone and trust a device behind the command line's back, as the web would.
        let runtime = try await Runtime.open(dataPath: data, configFile: nil)
        let account = try await runtime.accounts.account("zhang.san@example.edu.cn")
        try await runtime.store.savePhoneBinding(PhoneBinding(accountID: account.id, phone: try PhoneNumber(parsing: "13800138000"),
                                                              boundAt: Date()))
        _ = try await runtime.store.insertTrustedDevice(NewTrustedDevice(accountID: account.id, tokenHash: "h", name: "Chrome",
                                                                          ip: "127.0.0.1", trustedAt: Date(),
                                                                          expiresAt: Date().addingTimeInterval(3600)))
        _ = try await AppPasswordService(runtime.security).create(account, name: "Foxmail", context: ClientContext(ip: "127.0.0.1"))
        try await runtime.store.saveAuthenticatorApp(AuthenticatorApp(accountID: account.id, sealedSecret: "s", createdAt: Date()))
        try await runtime.store.replaceRecoveryCodes(accountID: account.id, hashes: ["a", "b"], at: Date())
        _ = try await runtime.store.consumeRecoveryCode(accountID: account.id, hash: "a", at: Date())
        show = try await mw("user", "show", "zhang.san@example.edu.cn").stdout
        #expect(show.contains("factors:      sms, totp, recovery_code (recovery codes: 1 of 2 left)"), "\(show)")
        #expect(show.contains("two-step:     on (enforced)"))
        #expect(show.contains("phone:        +86 138****8000"))
        #expect(show.contains("app passwords: 1"))
        #expect(show.contains("trusted devices: 1"))

        #expect(try await mw("user", "reset-two-step", "zhang.san@example.edu.cn").stdout == "two-step verification reset for zhang.san@example.edu.cn\n")
        show = try await mw("user", "show", "zhang.san@example.edu.cn").stdout
        #expect(show.contains("phone:        -"))
        #expect(show.contains("factors:      -\n"), "a lost phone takes the authenticator and recovery codes along")
        #expect(try await runtime.store.authenticatorApp(accountID: account.id) == nil)
        #expect(show.contains("trusted devices: 0"))
        #expect(show.contains("app passwords: 1"), "client-specific passwords survive a lost phone")
        let audit = try await runtime.store.auditEvents(accountID: account.id, kinds: [.twoStepReset], limit: 5)
        #expect(audit.count == 1 && audit.first?.door == "cli")
        // The account's own history names the rule in words, not by row number.
        let rules = try await runtime.store.auditEvents(accountID: account.id, kinds: [.enforcementChanged], limit: 5)
        #expect(rules.map(\.detail) == ["enforced for this account"])

        // A13 from the command line too.
        #expect(try await mw("user", "passwd", "zhang.san@example.edu.cn", "--password", "Moon-River-77").status == 0)
        #expect(try await mw("user", "show", "zhang.san@example.edu.cn").stdout.contains("app passwords: 0"))

        #expect(try await mw("policy", "two-step", "relax", "--all").stdout == "two-step verification no longer enforced for all accounts\n")
        #expect(try await mw("policy", "two-step", "relax", "--all").stdout.contains("was not enforced"))
        #expect(try await mw("policy", "two-step", "relax", "--domain", "example.edu.cn").status == 0)
        #expect(try await mw("policy", "two-step", "relax", "--user", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("user", "show", "zhang.san@example.edu.cn").stdout.contains("two-step:     off\n"))
    }

    @Test func serverKeyIsMadeOnceWithMode0600() async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "list", "--data", data]).status == 0)
        let path = data + "/server.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let key = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(key.count == 32)
        #expect(try await runMailward(["domain", "list", "--data", data]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == key, "the key is made once and kept")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let refused = try await runMailward(["domain", "list", "--data", data])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("server.key"))
    }

    @Test func anIncompleteSMSProviderStopsStartUp() async throws {
        let data = try temporaryFolder()
        let result = try await runMailward(["serve", "--data", data], environment: MailwardConfiguration.ephemeralPortEnvironment.merging([
            "MAILWARD_SMS_PROVIDER": "aliyun", "MAILWARD_SMS_ALIYUN_ACCESS_KEY_ID": "LTAI-test",
        ]) { $1 })
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot use the SMS provider"), "\(result.stderr)")
        #expect(result.stderr.contains("sms.aliyun.access-key-secret is empty"), "\(result.stderr)")
    }

    /// A12 for the administrator: `user audit` shows an account's security events, the
    /// administrator's own actions on it among them, newest first.
    @Test func userAuditShowsTheAccountsEventsWithTheAdministratorsActions() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "example.edu.cn").status == 0)
        #expect(try await mw("user", "add", "zhang.san@example.edu.cn", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("user", "disable", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("user", "enable", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("user", "passwd", "zhang.san@example.edu.cn", "--password", "Other-Garden-43").status == 0)
        let audit = try await mw("user", "audit", "zhang.san@example.edu.cn")
        #expect(audit.status == 0)
        let lines = audit.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.first == ["time", "event", "door", "method", "result", "ip", "detail"])
        #expect(lines.dropFirst().map { $0[1] } == ["password-changed", "account-enabled", "account-disabled", "account-created"])
        #expect(lines.dropFirst().allSatisfy { $0[2] == "cli" && $0[4] == "ok" })
        #expect(try await mw("user", "audit", "zhang.san@example.edu.cn", "--limit", "1").stdout.split(separator: "\n").count == 2)
        let unknown = try await mw("user", "audit", "nobody@example.edu.cn")
        #expect(unknown.status == 1 && unknown.stderr.contains("no such account"))
    }

    /// M8: the administrator sees and sets an account's quota; the change is in its audit log.
    @Test func userQuotaShowsAndSetsTheLimit() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "example.edu.cn").status == 0)
        #expect(try await mw("user", "add", "zhang.san@example.edu.cn", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("user", "quota", "zhang.san@example.edu.cn").stdout
                == "zhang.san@example.edu.cn: 0 bytes of 10 GiB used (0 %)\n")
        #expect(try await mw("user", "quota", "zhang.san@example.edu.cn", "2.5G").status == 1)
        #expect(try await mw("user", "quota", "zhang.san@example.edu.cn", "1500 MiB").stdout
                == "zhang.san@example.edu.cn: 0 bytes of 1.5 GiB used (0 %)\n")
        #expect(try await mw("user", "show", "zhang.san@example.edu.cn").stdout.contains("quota:        0 bytes of 1.5 GiB used (0 %)"))
        let audit = try await mw("user", "audit", "zhang.san@example.edu.cn").stdout
        #expect(audit.contains("\tquota-changed\tcli\t"))
    }
}
