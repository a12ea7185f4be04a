import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Security policies.", subcommands: [TwoStep.self])

    struct TwoStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "two-step", abstract: "Enforce or relax two-step verification (SPEC A6).",
            subcommands: [Enforce.self, Relax.self, Show.self])
    }

    /// Exactly one of --all, --domain, --user.
    struct ScopeOptions: ParsableArguments {
        @Flag(name: .long, help: "Every account.") var all = false
        @Option(name: .long, help: "Every account of a domain.") var domain: String?
        @Option(name: .long, help: "One account (address).") var user: String?

        func resolve(_ runtime: Runtime) async throws -> EnforcementScope {
            switch (all, domain, user) {
            case (true, nil, nil): return .all
            case (false, let domain?, nil):
                let name = try DomainName.normalize(domain)
                guard try await runtime.store.domain(named: name) != nil else { throw MailwardError.unknownDomain(name) }
                return .domain(name)
            case (false, nil, let user?): return .account(try await runtime.accounts.account(user).id)
            default: throw AppError("give exactly one of --all, --domain D, --user U")
            }
        }
    }

    struct Enforce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Require two-step verification: accounts without a phone must bind one at their next web sign-in; until then their password opens no new mail-client session.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: ScopeOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let resolved = try await scope.resolve(runtime)
                let added = try await TwoStepService(runtime.security).enforce(resolved)
                print(added ? "two-step verification enforced for \(describeScope(resolved, scope))"
                            : "two-step verification was already enforced for \(describeScope(resolved, scope))")
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
                let rules = try await TwoStepService(runtime.security).enforcements()
                if rules.isEmpty { print("two-step verification is not enforced for anyone") }
                for rule in rules {
                    switch rule.scope {
                    case .all: print("all")
                    case .domain(let name): print("domain \(name)")
                    case .account(let id):
                        print("user \(try await runtime.store.account(id: id)?.address.description ?? "#\(id)")")
                    }
                }
            }
        }
    }
}

func describeScope(_ scope: EnforcementScope, _ options: PolicyCommand.ScopeOptions) -> String {
    scope.description(namingTheAccount: "user \(options.user?.lowercased() ?? "")")
}
