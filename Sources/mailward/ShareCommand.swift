import ArgumentParser
import Foundation
import MailwardApp
import MailwardCore

/// `mailward share add|list|change|remove`: the administrator shares a mailbox as its owner
/// would in the webmail (SPEC S), above all a functional mailbox no one signs in to (B5) —
/// 办公室 or 招生办 shared with the staff who answer it. Every change is in both accounts' audit
/// logs (door `cli`), and takes effect at the grantee's next action in every door.
struct ShareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share", abstract: "Share mailboxes (as their owner would in the webmail).",
        subcommands: [Add.self, List.self, Change.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share OWNER's mailbox with GRANTEE: --permission read_only | send_on_behalf | send_as.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The mailbox shared (its address).") var owner: String
        @Argument(help: "Who gets access (a local address).") var grantee: String
        @Option(name: .long, help: "read_only (只读), send_on_behalf (代表发送) or send_as (代理发送).") var permission: String
        @Option(name: .long, help: "The last day of the share (YYYY-MM-DD, through its end in the server's time zone); none: until removed.")
        var until: String?

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(owner)
                let end = try until.map(parseLastDay)
                let listing = try await shareErrors {
                    try await runtime.shares.share(account, with: grantee, permission: try parsePermission(permission), until: end,
                                                   context: ClientContext(ip: "cli"), by: "cli")
                }
                print("shared \(account.address) with \(listing.other): \(describe(listing.grant))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List shares: of one mailbox (OWNER), or all.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A mailbox (its address); none: every shared mailbox.") var owner: String?

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let owners: [Account]
                if let owner {
                    owners = [try await runtime.accounts.account(owner)]
                } else {
                    owners = try await runtime.accounts.accounts(inDomain: nil)
                }
                for account in owners {
                    for listing in try await runtime.shares.granted(by: account) {
                        let until = listing.grant.expiresAt.map { "\tuntil \(dayText($0))\($0 <= Date() ? " (ended)" : "")" } ?? ""
                        print("\(account.address)\t\(listing.other)\t\(listing.grant.permission.rawValue)\(until)")
                    }
                }
            }
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the permission GRANTEE has on OWNER's mailbox, or its last day (--until YYYY-MM-DD | never).")
        @OptionGroup var global: GlobalOptions
        @Argument var owner: String
        @Argument var grantee: String
        @Option(name: .long, help: "read_only, send_on_behalf or send_as.") var permission: String?
        @Option(name: .long, help: "The last day (YYYY-MM-DD), or `never`: until removed.") var until: String?

        func run() async throws {
            try await administer {
                guard permission != nil || until != nil else { throw AppError("give --permission P, --until DATE, or both") }
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(owner)
                let id = try await shareID(runtime, account, grantee)
                let newPermission = try permission.map(parsePermission)
                let end: Date?? = try until.map { $0.lowercased() == "never" ? nil : try parseLastDay($0) }
                let listing = try await shareErrors {
                    try await runtime.shares.update(account, shareID: id, permission: newPermission, until: end,
                                                    context: ClientContext(ip: "cli"), by: "cli")
                }
                print("\(account.address) shared with \(listing.other): \(describe(listing.grant))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop sharing OWNER's mailbox with GRANTEE.")
        @OptionGroup var global: GlobalOptions
        @Argument var owner: String
        @Argument var grantee: String

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(owner)
                let id = try await shareID(runtime, account, grantee)
                try await shareErrors {
                    try await runtime.shares.revoke(account, shareID: id, context: ClientContext(ip: "cli"), by: "cli")
                }
                print("stopped sharing \(account.address) with \(grantee.lowercased())")
            }
        }
    }
}

private func parsePermission(_ text: String) throws -> SharePermission {
    guard let permission = SharePermission(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_")) else {
        throw AppError("unknown permission \(text): read_only, send_on_behalf or send_as")
    }
    return permission
}

private func describe(_ grant: ShareGrant) -> String {
    grant.permission.rawValue + (grant.expiresAt.map { " until \(dayText($0))" } ?? "")
}

/// The id of the share of `owner`'s mailbox with `grantee`.
private func shareID(_ runtime: Runtime, _ owner: Account, _ grantee: String) async throws -> Int64 {
    let address = try EmailAddress(grantee)
    guard let listing = try await runtime.shares.granted(by: owner).first(where: { $0.other == address }) else {
        throw AppError("\(owner.address) is not shared with \(address)")
    }
    return listing.grant.id
}

/// Share refusals in the words the webmail uses (English), not as Swift values.
private func shareErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ShareError {
        throw AppError(error.message(chinese: false))
    }
}
