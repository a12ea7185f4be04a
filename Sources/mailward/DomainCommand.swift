import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

struct DomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domain", abstract: "Manage the mail domains this server receives for.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a domain.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The domain name, e.g. example.edu.cn") var name: String

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let domain = try await runtime.accounts.addDomain(name)
                print("added domain \(domain.name)")
                // RFC 5321 §4.5.1: a mail domain must take mail for postmaster — said now, not
                // only in the server's start-up warnings.
                if await runtime.domainsWithoutPostmaster().contains(domain.name) {
                    FileHandle.standardError.write(Data("""
                        mailward: note: mail to postmaster@\(domain.name) is refused until it reaches someone: \
                        `mailward alias add postmaster@\(domain.name) ACCOUNT` once the account exists, or set smtp.postmaster

                        """.utf8))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List domains.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await administer {
                for domain in try await global.openRuntime().accounts.domains() { print(domain.name) }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a domain that has no accounts.")
        @OptionGroup var global: GlobalOptions
        @Argument var name: String

        func run() async throws {
            try await administer {
                try await global.openRuntime().accounts.removeDomain(name)
                print("removed domain \((try? DomainName.normalize(name)) ?? name)")
            }
        }
    }
}
