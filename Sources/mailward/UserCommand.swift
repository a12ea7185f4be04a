import ArgumentParser
import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage accounts.",
        subcommands: [Add.self, List.self, Show.self, Audit.self, Quota.self, Passwd.self, Disable.self, Enable.self, Remove.self, ResetTwoStep.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account: user add ADDRESS --password PW | --password-stdin | --no-login")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The address, e.g. zhang.san@example.edu.cn") var address: String
        @OptionGroup var password: PasswordOptions
        @Option(name: .long, help: "The display name.") var name: String?

        func run() async throws {
            try await administer {
                let pw = try password.readUnlessNoLogin()
                let runtime = try await global.openRuntime()
                let account = try await AccountAdministration(runtime.security).addAccount(address, password: pw, displayName: name)
                if let pw {
                    print("added user \(account.address)")
                    warnIfGuessable(pw, for: account.address, policy: runtime.accounts.passwordPolicy)
                } else {
                    print("added functional mailbox \(account.address) (no login: share it with `mailward share add \(account.address) ADDRESS --permission P`)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: "Only this domain.") var domain: String?

        func run() async throws {
            try await administer {
                for account in try await global.openRuntime().accounts.accounts(inDomain: domain) {
                    let marks = (account.disabled ? ["disabled"] : []) + (account.hasLogin ? [] : ["no-login"])
                    print(([account.address.description] + marks).joined(separator: "\t"))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one account.")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String

        /// Recipients in other domains the account sent to, against its limits (`SendingLimits`).
        static func describeSending(_ sent: (lastHour: Int, lastDay: Int), _ limits: SendingLimits) -> String {
            func of(_ limit: Int) -> String { limit > 0 ? " of \(limit)" : "" }
            return "\(sent.lastHour)\(of(limits.recipientsPerHour)) recipients in the last hour, "
                + "\(sent.lastDay)\(of(limits.recipientsPerDay)) in the last day"
        }

        /// What the administrator's rules say for the account (B8), after "on"/"off".
        static func enforcementText(_ decision: EnforcementDecision) -> String {
            switch decision {
            case .notEnforced: ""
            case .exempt: " (exempt)"
            case .grace(let until): " (grace period: enforced after \(dayText(until)))"
            case .enforced: " (enforced)"
            }
        }

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(address)
                let aliases = try await runtime.store.aliases(of: account.id)
                print("address:      \(account.address)")
                print("name:         \(account.displayName)")
                print("status:       \(account.disabled ? "disabled" : "enabled")")
                print("login:        \(account.hasLogin ? "password" : "none (a functional mailbox, reached through shares)")")
                print("created:      \(ISO8601DateFormatter().string(from: account.createdAt))")
                print("aliases:      \(aliases.isEmpty ? "-" : aliases.map(\.address.description).joined(separator: ", "))")
                let status = try await TwoStepService(runtime.security).status(account)
                let apps = try await runtime.store.appPasswords(accountID: account.id).count
                let devices = try await TwoStepService(runtime.security).devices(account).count
                let decision = try await TwoStepService(runtime.security).decision(for: account)
                print("two-step:     \(status.enabled ? "on" : "off")\(Self.enforcementText(decision))")
                print("phone:        \(status.phoneHint ?? "-")")
                let recovery = status.recoveryCodes.map { " (recovery codes: \($0.remaining) of \($0.total) left)" } ?? ""
                print("factors:      \(status.methods.isEmpty ? "-" : status.methods.joined(separator: ", "))\(recovery)")
                let quota = try await runtime.store.quota(accountID: account.id)
                print("quota:        \(Quota.describe(quota))")
                if let limiter = runtime.sendingLimiter {
                    let sent = try await limiter.sentRecipients(account: account.id)
                    print("sent outside: \(Self.describeSending(sent, limiter.limits))")
                }
                print("app passwords: \(apps)")
                print("trusted devices: \(devices)")
                let shared = try await runtime.shares.granted(by: account)
                print("shared with:  \(shared.isEmpty ? "-" : shared.map { "\($0.other) (\($0.grant.permission.rawValue))" }.joined(separator: ", "))")
            }
        }
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's security events, newest first (sign-ins, codes, phone, devices, client-specific passwords, shares, administrator actions).")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String
        @Option(name: .long, help: "At most this many events (1 or more).") var limit = 50

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let formatter = ISO8601DateFormatter()
                // Asked first: an unknown account is an error on standard error alone.
                let events = try await AccountAdministration(runtime.security).events(address, limit: limit)
                print(["time", "event", "door", "method", "result", "ip", "detail"].joined(separator: "\t"))
                for event in events {
                    print([formatter.string(from: event.at), event.kind.rawValue, event.door ?? "-", event.method ?? "-",
                           event.success ? "ok" : "failed", event.ip ?? "-", event.detail.isEmpty ? "-" : event.detail]
                        .joined(separator: "\t"))
                }
            }
        }
    }

    struct Quota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's quota and usage, or set the quota: user quota ADDRESS [SIZE] (e.g. 20G, 500 MiB).")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String
        @Argument(help: "The new quota: a number with K, M, G or T (binary units).") var size: String?

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(address)
                if let size {
                    guard let bytes = ByteSize.parse(size), bytes > 0 else {
                        throw AppError("expected a size such as 20G or 500 MiB, got `\(size)`")
                    }
                    try await AccountAdministration(runtime.security).setQuota(account, bytes: Int64(bytes), in: runtime.store)
                }
                print("\(account.address): \(Self.describe(try await runtime.store.quota(accountID: account.id)))")
            }
        }

        /// "1.5 GiB of 10 GiB used (15 %)".
        static func describe(_ quota: QuotaUsage) -> String {
            let used = ByteSize.format(quota.usedBytes)
            guard quota.limitBytes > 0, quota.limitBytes != .max else { return "\(used) used, no limit" }
            let percent = Double(quota.usedBytes) * 100 / Double(quota.limitBytes)
            return "\(used) of \(ByteSize.format(quota.limitBytes)) used (\(String(format: "%.0f", percent)) %)"
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an account's password (--no-login: make it a functional mailbox that no password opens).")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String
        @OptionGroup var password: PasswordOptions

        func run() async throws {
            try await administer {
                let pw = try password.readUnlessNoLogin()
                let runtime = try await global.openRuntime()
                if let pw {
                    try await runtime.accounts.setPassword(address, to: pw, setBy: .administrator)
                } else {
                    try await runtime.accounts.removeLogin(address)
                }
                // SPEC A13: the old password's sessions, trusted devices and client-specific passwords end.
                let account = try await runtime.accounts.account(address)
                try await PasswordChangeService(runtime.security).revokeAfterChange(account.id)
                print("\(pw == nil ? "login removed" : "password changed") for \(address.lowercased()); web sessions, trusted devices and client-specific passwords revoked")
                if let pw { warnIfGuessable(pw, for: account.address, policy: runtime.accounts.passwordPolicy) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (it keeps its mail; sign-in and new mail are refused: 550 5.2.1).")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String

        func run() async throws {
            try await administer {
                try await AccountAdministration(global.openRuntime().security).setDisabled(address, true)
                print("disabled \(address.lowercased())")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String

        func run() async throws {
            try await administer {
                try await AccountAdministration(global.openRuntime().security).setDisabled(address, false)
                print("enabled \(address.lowercased())")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account.")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                try await runtime.accounts.removeAccount(address)
                // The account's bodies (and their text in the search index) go now, not at the
                // next expunge anyone makes — in one go then, inside the writer every delivery waits for.
                try await runtime.mail.collectGarbage()
                print("removed \(address.lowercased())")
            }
        }
    }

    struct ResetTwoStep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-two-step",
            abstract: "Lost phone: unbind the phone, forget trusted devices, remove the authenticator app and recovery codes (client-specific passwords stay).")
        @OptionGroup var global: GlobalOptions
        @Argument var address: String

        func run() async throws {
            try await administer {
                let runtime = try await global.openRuntime()
                let account = try await runtime.accounts.account(address)
                try await TwoStepService(runtime.security).reset(account)
                print("two-step verification reset for \(account.address)")
            }
        }
    }
}

/// The administrator set a password the policy would refuse a user (too short, well known, the
/// account's name): set, and said on standard error so that it is a choice, not an accident.
func warnIfGuessable(_ password: String, for address: EmailAddress, policy: PasswordPolicy) {
    guard let weakness = policy.weakness(of: password, for: address) else { return }
    FileHandle.standardError.write(Data("mailward: warning: weak password for \(address): \(weakness.reason(.en)); users choosing their own are refused such a password\n".utf8))
}
