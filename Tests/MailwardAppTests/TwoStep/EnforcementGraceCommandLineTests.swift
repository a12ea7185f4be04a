import Foundation
import MailwardApp
import MailwardCore
import Testing

/// `mailward policy two-step enforce --grace-days|--grace-until`, `exempt add|remove|list`, and
/// what `policy two-step show` and `user show` say of them (B8, O3).
@Suite struct EnforcementGraceCommandLineTests {
    /// The last day `days` days from today in this machine's zone (the command's zone too).
    static func day(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let date = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func graceDaysAndGraceUntil() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "example.edu.cn").status == 0)
        #expect(try await mw("user", "add", "zhang.san@example.edu.cn", "--password", "Tea-Garden-42").status == 0)

        let until = Self.day(20)
        #expect(try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn", "--grace-until", until).stdout
                == "two-step verification enforced for domain example.edu.cn after a grace period until the end of \(until)\n")
        #expect(try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn", "--grace-until", until).stdout
                == "two-step verification was already enforced for domain example.edu.cn after a grace period until the end of \(until)\n")
        #expect(try await mw("policy", "two-step", "show").stdout == "domain example.edu.cn (grace until \(until))\n")
        #expect(try await mw("user", "show", "zhang.san@example.edu.cn").stdout
                .contains("two-step:     off (grace period: enforced after \(until))\n"))

        // --grace-days N: through the end of the Nth day from today; it replaces the grace.
        let before = Self.day(14)
        let days = try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn", "--grace-days", "14").stdout
        #expect([before, Self.day(14)].contains {
            days == "two-step verification enforced for domain example.edu.cn after a grace period until the end of \($0) (grace period replaced)\n"
        }, "\(days)")
        #expect(try await mw("policy", "two-step", "show").stdout.hasPrefix("domain example.edu.cn (grace until "))

        // Zero days (or no option): at once, exactly as before.
        #expect(try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn", "--grace-days", "0").stdout
                == "two-step verification enforced for domain example.edu.cn at once (grace period replaced)\n")
        #expect(try await mw("policy", "two-step", "show").stdout == "domain example.edu.cn\n")
        #expect(try await mw("user", "show", "zhang.san@example.edu.cn").stdout.contains("two-step:     off (enforced)\n"))
        #expect(try await mw("policy", "two-step", "enforce", "--domain", "example.edu.cn").stdout.contains("already"))

        // The account's own history names the rule and its grace.
        let runtime = try await Runtime.open(dataPath: data, configFile: nil)
        #expect(try await mw("policy", "two-step", "enforce", "--user", "zhang.san@example.edu.cn", "--grace-until", until).status == 0)
        let account = try await runtime.accounts.account("zhang.san@example.edu.cn")
        let history = try await runtime.store.auditEvents(accountID: account.id, kinds: [.enforcementChanged], limit: 5)
        #expect(history.first?.detail.hasPrefix("enforced for this account from ") == true, "\(history)")
        #expect(history.first?.detail.hasSuffix("(grace period)") == true)

        for (args, message) in [
            (["--grace-days", "3", "--grace-until", until], "give at most one of --grace-days N, --grace-until YYYY-MM-DD"),
            (["--grace-until", "2026-02-30"], "expected a day as YYYY-MM-DD, got 2026-02-30"),
            (["--grace-until", "2026-13-01"], "expected a day as YYYY-MM-DD"),
            (["--grace-until", "26-12-01"], "expected a day as YYYY-MM-DD"),
            (["--grace-until", "2000-01-01"], "the grace period cannot end in the past: 2000-01-01 is over"),
            (["--grace-days", "4000"], "--grace-days must be between 0 and 3650, got 4000"),
            (["--grace-days=-1"], "--grace-days must be between 0 and 3650, got -1"),
        ] {
            let result = try await runMailward(["policy", "two-step", "enforce", "--all"] + args + ["--data", data])
            #expect(result.status == 1, "\(args)")
            #expect(result.stderr.contains(message), "\(args): \(result.stderr)")
        }
        let lines = try await mw("policy", "two-step", "show").stdout.split(separator: "\n")
        #expect(!lines.contains("all"), "a refused command changes nothing")
    }

    @Test func exemptions() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "example.edu.cn").status == 0)
        #expect(try await mw("domain", "add", "lab.example.edu.cn").status == 0)
        #expect(try await mw("user", "add", "robot@example.edu.cn", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("user", "add", "wang@lab.example.edu.cn", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("policy", "two-step", "exempt", "list").stdout == "no exemptions\n")
        #expect(try await mw("policy", "two-step", "enforce", "--all").status == 0)

        #expect(try await mw("policy", "two-step", "exempt", "add", "--user", "Robot@example.edu.cn").stdout
                == "user robot@example.edu.cn exempt from wider two-step enforcement\n")
        #expect(try await mw("policy", "two-step", "exempt", "add", "--user", "robot@example.edu.cn").stdout
                == "user robot@example.edu.cn was already exempt\n")
        #expect(try await mw("policy", "two-step", "exempt", "add", "--domain", "LAB.example.edu.cn").stdout
                == "domain lab.example.edu.cn exempt from wider two-step enforcement\n")
        #expect(try await mw("policy", "two-step", "exempt", "list").stdout == "user robot@example.edu.cn\ndomain lab.example.edu.cn\n")
        #expect(try await mw("policy", "two-step", "show").stdout == "all\nexempt user robot@example.edu.cn\nexempt domain lab.example.edu.cn\n")
        #expect(try await mw("user", "show", "robot@example.edu.cn").stdout.contains("two-step:     off (exempt)\n"))
        #expect(try await mw("user", "show", "wang@lab.example.edu.cn").stdout.contains("two-step:     off (exempt)\n"))

        // A --user rule is more specific than a domain exemption: it forces.
        #expect(try await mw("policy", "two-step", "enforce", "--user", "wang@lab.example.edu.cn").status == 0)
        #expect(try await mw("user", "show", "wang@lab.example.edu.cn").stdout.contains("two-step:     off (enforced)\n"))

        #expect(try await mw("policy", "two-step", "exempt", "remove", "--user", "robot@example.edu.cn").stdout
                == "user robot@example.edu.cn no longer exempt\n")
        #expect(try await mw("policy", "two-step", "exempt", "remove", "--user", "robot@example.edu.cn").stdout
                == "user robot@example.edu.cn was not exempt\n")
        #expect(try await mw("user", "show", "robot@example.edu.cn").stdout.contains("two-step:     off (enforced)\n"))

        let audit = try await mw("user", "audit", "robot@example.edu.cn").stdout
        #expect(audit.contains("\tenforcement-changed\tcli\t"))
        #expect(audit.contains("exempted this account from wider enforcement"))
        #expect(audit.contains("exemption of this account removed"))

        for (args, message) in [
            (["exempt", "add"], "give exactly one of --domain D, --user U"),
            (["exempt", "add", "--domain", "example.edu.cn", "--user", "robot@example.edu.cn"], "give exactly one"),
            (["exempt", "add", "--domain", "nowhere.test"], "unknown domain: nowhere.test"),
            (["exempt", "remove", "--user", "nobody@example.edu.cn"], "no such account"),
        ] {
            let result = try await runMailward(["policy", "two-step"] + args + ["--data", data])
            #expect(result.status == 1, "\(args)")
            #expect(result.stderr.contains(message), "\(args): \(result.stderr)")
        }
    }
}
