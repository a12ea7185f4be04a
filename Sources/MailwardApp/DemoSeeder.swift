import MailwardCore

/// `serve --demo`: a domain and users a newcomer can sign in with at once (SPEC O1).
/// Passwords are fresh random ones on every start — they are printed, never stored in clear.
public enum DemoSeeder {
    public static let domain = "demo.test"
    public static let users: [(local: String, name: String)] = [
        ("alice", "Alice 张"), ("bob", "Bob 李"), ("office", "办公室 Office"),
    ]

    public struct Credential: Sendable {
        public var address: String
        public var password: String
    }

    /// - Parameters:
    ///   - mail: when given, a newly created user's INBOX gets the sample mail (once: users that
    ///     already exist are left as they are).
    ///   - security: when given, a user that already exists gets its new password as any
    ///     password change (SPEC A13): its web sessions, trusted devices and client-specific
    ///     passwords of the previous start end.
    public static func seed(_ accounts: AccountService, mail: MailService? = nil, security: SecurityEnvironment? = nil,
                            random: any RandomSource = SystemRandomSource()) async throws -> [Credential] {
        if try await accounts.store.domain(named: domain) == nil {
            try await accounts.addDomain(domain)
        }
        var credentials: [Credential] = []
        for user in users {
            let address = "\(user.local)@\(domain)"
            let password = random.string(length: 12, alphabet: Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
            if try await accounts.store.account(address: EmailAddress(address)) == nil {
                let account = try await accounts.addAccount(address, password: password, displayName: user.name)
                if let mail {
                    for raw in DemoMail.messages(for: address, name: user.name, now: mail.clock.now) {
                        let date = try MailService.metadata(of: raw, cachingParse: false).summary.date
                        _ = try await mail.deliver(raw, to: [account.id], internalDate: date)
                    }
                }
            } else {
                try await accounts.setPassword(address, to: password)
                if let security {
                    let account = try await accounts.account(address)
                    try await PasswordChangeService(security).revokeAfterChange(account.id, door: "demo")
                }
            }
            credentials.append(Credential(address: address, password: password))
        }
        // RFC 5321 §4.5.1: every mail domain takes mail for postmaster; alice reads it here.
        if try await accounts.store.alias(address: EmailAddress("postmaster@\(domain)")) == nil {
            try await accounts.addAlias("postmaster@\(domain)", for: "\(users[0].local)@\(domain)")
        }
        return credentials
    }
}
