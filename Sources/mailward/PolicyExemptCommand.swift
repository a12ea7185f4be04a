import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

extension PolicyCommand {
    /// `mailward policy two-step exempt add|remove|list` (B8): domains and accounts (service
    /// accounts, a department) that `--all` and `--domain` enforcement wider than themselves
    /// does not force. An `enforce --user` rule still forces an account of an exempt domain.
    struct Exempt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exempt", abstract: "Exempt domains or accounts from wider two-step enforcement.",
            subcommands: [Add.self, Remove.self, List.self])
    }

    /// Exactly one of --domain, --user.
    struct ExemptScopeOptions: ParsableArguments {
        @Option(name: .long, help: "Every account of a domain (not forced by --all).") var domain: String?
        @Option(name: .long, help: "One account, by address (not forced by --all or --domain).") var user: String?

        func resolve(_ runtime: Runtime) async throws -> EnforcementScope {
            switch (domain, user) {
            case (let domain?, nil): return try await PolicyCommand.domainScope(domain, runtime)
            case (nil, let user?): return try await PolicyCommand.accountScope(user, runtime)
            default: throw AppError("give exactly one of --domain D, --user U")
            }
        }

        func describe(_ scope: EnforcementScope) -> String {
            scope.description(namingTheAccount: "user \(user?.lowercased() ?? "")")
        }
    }
}

extension PolicyCommand.Exempt {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exempt a domain or an account: rules wider than it no longer force its accounts.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: PolicyCommand.ExemptScopeOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let resolved = try await scope.resolve(runtime)
                let added = try await TwoStepService(runtime.security).exempt(resolved)
                print(added ? "\(scope.describe(resolved)) exempt from wider two-step enforcement"
                            : "\(scope.describe(resolved)) was already exempt")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End an exemption: wider rules force its accounts again (at once, or after their grace period).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: PolicyCommand.ExemptScopeOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let resolved = try await scope.resolve(runtime)
                let removed = try await TwoStepService(runtime.security).removeExemption(resolved)
                print(removed ? "\(scope.describe(resolved)) no longer exempt" : "\(scope.describe(resolved)) was not exempt")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the exemptions.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let exemptions = try await TwoStepService(runtime.security).exemptions()
                if exemptions.isEmpty { print("no exemptions") }
                for exemption in exemptions { print(try await scopeText(exemption.scope, runtime)) }
            }
        }
    }
}
