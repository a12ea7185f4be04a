import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim", abstract: "DKIM signing keys of the local domains (outgoing mail is signed with them).",
        subcommands: [Keygen.self, Show.self, Check.self])

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a signing key for a domain and print the DNS record to publish (takes effect at the server's next start).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A local domain, e.g. example.edu.cn") var domain: String
        @Option(name: .long, help: "The selector (default: mw and today's date, e.g. mw20261129).") var selector: String?

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let name = try DomainName.normalize(domain)
                guard try await runtime.store.domain(named: name) != nil else { throw MailwardError.unknownDomain(name) }
                let formatter = DateFormatter()
                formatter.dateFormat = "yyyyMMdd"
                formatter.timeZone = TimeZone(identifier: "UTC")
                let key = try DKIMKeyFiles.generate(runtime.folder, domain: name,
                                                    selector: selector ?? "mw" + formatter.string(from: Date()))
                print(DKIMCommand.record(key))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the DNS records of the signing keys (all domains, or one).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A domain; all when omitted.") var domain: String?

        func run() async throws {
            try await administer {
                let (_, keys) = try await DKIMCommand.signingKeys(global, domain: domain)
                for key in keys { print(DKIMCommand.record(key)) }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look up the signing keys' DNS records: exit status 1 unless each publishes this server's key.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A domain; all when omitted.") var domain: String?

        func run() async throws {
            try await administer {
                let (runtime, keys) = try await DKIMCommand.signingKeys(global, domain: domain)
                var allPublished = true
                for key in keys {
                    switch await DKIMPublicationCheck.verdict(key, resolver: runtime.resolver) {
                    case .success(let verdict):
                        print(DKIMPublicationCheck.explanation(verdict, key: key))
                        allPublished = allPublished && verdict == .published
                    case .failure(let error):
                        print("\(key.dnsName): not looked up: \(describe(error))")
                        allPublished = false
                    }
                }
                if !allPublished { throw ExitCode(1) }
            }
        }
    }

    /// The runtime and the keys that sign (all domains', or `domain`'s); says so when there are none.
    static func signingKeys(_ global: GlobalOptions, domain: String?) async throws -> (Runtime, [DKIMKey]) {
        let runtime = try await global.openRuntime()
        let wanted = try domain.map { try DomainName.normalize($0) }
        let keys = runtime.dkimKeys.filter { wanted == nil || $0.domain == wanted }
        if keys.isEmpty { print(wanted.map { "no DKIM key for \($0)" } ?? "no DKIM keys") }
        return (runtime, keys)
    }

    /// The record as a zone-file line (TXT strings of at most 255 characters).
    static func record(_ key: DKIMKey) -> String {
        var chunks: [String] = []
        var rest = Substring(key.dnsRecord)
        while !rest.isEmpty {
            chunks.append("\"" + rest.prefix(250) + "\"")
            rest = rest.dropFirst(250)
        }
        return "\(key.dnsName). IN TXT ( \(chunks.joined(separator: " ")) )"
    }
}
