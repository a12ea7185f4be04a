import ArgumentParser
import Foundation
import MailwardApp

struct AliasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias", abstract: "Manage aliases: further addresses whose mail goes to an account (postmaster@, info@ …).",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an alias of an account (its domain must be one of ours).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The alias, e.g. postmaster@example.edu.cn") var alias: String
        @Argument(help: "The account that receives its mail") var account: String

        func run() async throws {
            try await administer {
                try await global.openRuntime().accounts.addAlias(alias, for: account)
                print("added alias \(alias) → \(account)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List aliases.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this domain's") var domain: String?

        func run() async throws {
            try await administer {
                for (alias, account) in try await global.openRuntime().accounts.aliases(inDomain: domain) {
                    print("\(alias.address) → \(account.address)")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an alias (the account keeps its mail).")
        @OptionGroup var global: GlobalOptions
        @Argument var alias: String

        func run() async throws {
            try await administer {
                try await global.openRuntime().accounts.removeAlias(alias)
                print("removed alias \(alias)")
            }
        }
    }
}
