import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Security policies.", subcommands: [TwoStep.self])

    struct TwoStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "two-step", abstract: "Enforce or relax two-step verification (SPEC A6, B8).",
            subcommands: [Enforce.self, Relax.self, Show.self, Exempt.self])
    }

    /// Exactly one of --all, --domain, --user.
    struct ScopeOptions: ParsableArguments {
        @Flag(name: .long, help: "Every account.") var all = false
        @Option(name: .long, help: "Every account of a domain.") var domain: String?
        @Option(name: .long, help: "One account (address).") var user: String?

        func resolve(_ runtime: Runtime) async throws -> EnforcementScope {
            switch (all, domain, user) {
            case (true, nil, nil): return .all
            case (false, let domain?, nil): return try await PolicyCommand.domainScope(domain, runtime)
            case (false, nil, let user?): return try await PolicyCommand.accountScope(user, runtime)
            default: throw AppError("give exactly one of --all, --domain D, --user U")
            }
        }
    }

    /// A domain that exists, in its normalized form.
    static func domainScope(_ domain: String, _ runtime: Runtime) async throws -> EnforcementScope {
        let name = try DomainName.normalize(domain)
        guard try await runtime.store.domain(named: name) != nil else { throw MailwardError.unknownDomain(name) }
        return .domain(name)
    }

    static func accountScope(_ address: String, _ runtime: Runtime) async throws -> EnforcementScope {
        .account(try await runtime.accounts.account(address).id)
    }

    struct Enforce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Require two-step verification: accounts without a phone must bind one at their next web sign-in; until then their password opens no new mail-client session.",
            discussion: """
                With a grace period (B8) accounts without a phone are only told until it ends — a banner \
                on every webmail page names the day — and are forced from the end of its last day in \
                the server's time zone. Enforcing a scope again replaces its grace period.
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: ScopeOptions
        @Option(name: .long, help: "Force only after N more days (through the end of the Nth day from today); 0: at once.")
        var graceDays: Int?
        @Option(name: .long, help: "Force only after this last day of grace (YYYY-MM-DD, through its end in the server's time zone).")
        var graceUntil: String?

        /// The end of the grace period, or nil: at once.
        func graceEnd(now: Date = Date()) throws -> Date? {
            switch (graceDays, graceUntil) {
            case (nil, nil): return nil
            case (let days?, nil):
                guard (0...3650).contains(days) else { throw AppError("--grace-days must be between 0 and 3650, got \(days)") }
                return days == 0 ? nil : LastDay.end(daysAfterToday: days, now: now)
            case (nil, let day?):
                let end = try parseLastDay(day)
                guard end > now else { throw AppError("the grace period cannot end in the past: \(day) is over") }
                return end
            default: throw AppError("give at most one of --grace-days N, --grace-until YYYY-MM-DD")
            }
        }

        func run() async throws {
            try await administer {
                let grace = try graceEnd()
                let runtime = try await global.openRuntime()
                let resolved = try await scope.resolve(runtime)
                let change = try await TwoStepService(runtime.security).enforce(resolved, graceUntil: grace)
                let who = describeScope(resolved, scope)
                let when = grace.map { " after a grace period until the end of \(dayText($0))" } ?? ""
                switch change {
                case .added: print("two-step verification enforced for \(who)\(when)")
                case .updated: print("two-step verification enforced for \(who)\(grace == nil ? " at once" : when) (grace period replaced)")
                case .unchanged: print("two-step verification was already enforced for \(who)\(when)")
                }
            }
        }
    }

    struct Relax: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an enforcement added with `enforce`.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: ScopeOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let resolved = try await scope.resolve(runtime)
                let removed = try await TwoStepService(runtime.security).relax(resolved)
                print(removed ? "two-step verification no longer enforced for \(describeScope(resolved, scope))"
                              : "two-step verification was not enforced for \(describeScope(resolved, scope))")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the enforcements.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let service = TwoStepService(runtime.security)
                let rules = try await service.enforcements()
                if rules.isEmpty { print("two-step verification is not enforced for anyone") }
                let now = Date()
                for rule in rules {
                    let grace = rule.graceUntil.map { " (grace \($0 > now ? "until" : "ended") \(dayText($0)))" } ?? ""
                    print(try await scopeText(rule.scope, runtime) + grace)
                }
                for exemption in try await service.exemptions() {
                    print("exempt " + (try await scopeText(exemption.scope, runtime)))
                }
            }
        }
    }
}

/// `all`, `domain NAME` or `user ADDRESS`, as `show` and `exempt list` print a scope.
func scopeText(_ scope: EnforcementScope, _ runtime: Runtime) async throws -> String {
    switch scope {
    case .all: "all"
    case .domain(let name): "domain \(name)"
    case .account(let id): "user \(try await runtime.store.account(id: id)?.address.description ?? "#\(id)")"
    }
}

func describeScope(_ scope: EnforcementScope, _ options: PolicyCommand.ScopeOptions) -> String {
    scope.description(namingTheAccount: "user \(options.user?.lowercased() ?? "")")
}
