import Foundation

/// Use cases for domains and accounts: what the command line, the admin UI and later the
/// doors call. Every check (address syntax, known domain, duplicates, password strength)
/// lives here once.
public struct AccountService: Sendable {
    public let store: any DirectoryStore
    public let clock: any WallClock
    public let hasher: PasswordHasher
    public let passwordPolicy: PasswordPolicy
    /// Runs after an account is created (the composition root makes its mail folders here).
    public let onAccountCreated: (@Sendable (Account) async throws -> Void)?
    /// Where postmaster@ a local domain goes when the domain has no postmaster account or alias
    /// of its own (RFC 5321 §4.5.1; `smtp.postmaster`); nil: nowhere.
    public let postmaster: EmailAddress?

    public init(store: any DirectoryStore, clock: any WallClock = SystemWallClock(),
                hasher: PasswordHasher = PasswordHasher(), passwordPolicy: PasswordPolicy = PasswordPolicy(),
                postmaster: EmailAddress? = nil,
                onAccountCreated: (@Sendable (Account) async throws -> Void)? = nil) {
        self.postmaster = postmaster
        self.store = store
        self.clock = clock
        self.hasher = hasher
        self.passwordPolicy = passwordPolicy
        self.onAccountCreated = onAccountCreated
    }

    // MARK: Domains

    @discardableResult
    public func addDomain(_ rawName: String) async throws -> Domain {
        let name = try DomainName.normalize(rawName)
        let domain = Domain(name: name, createdAt: clock.now)
        do {
            try await store.insertDomain(domain)
        } catch StoreError.duplicate {
            throw MailwardError.duplicateDomain(name)
        }
        return domain
    }

    public func domains() async throws -> [Domain] {
        try await store.domains()
    }

    public func removeDomain(_ rawName: String) async throws {
        let name = try DomainName.normalize(rawName)
        guard try await store.domain(named: name) != nil else { throw MailwardError.noSuchDomain(name) }
        let count = try await store.accountCount(inDomain: name)
        guard count == 0 else { throw MailwardError.domainNotEmpty(name, accounts: count) }
        let aliases = try await aliases(inDomain: name).count
        guard aliases == 0 else { throw MailwardError.domainHasAliases(name, aliases: aliases) }
        _ = try await store.deleteDomain(named: name)
    }

    // MARK: Accounts

    @discardableResult
    /// Adds an account; with no `password`, a functional mailbox that no one signs in to (B5).
    public func addAccount(_ rawAddress: String, password: String?, displayName: String? = nil,
                           setBy setter: PasswordPolicy.Setter = .user) async throws -> Account {
        let address = try EmailAddress(rawAddress)
        guard try await store.domain(named: address.domain) != nil else {
            throw MailwardError.unknownDomain(address.domain)
        }
        if try await store.account(address: address) != nil { throw MailwardError.duplicateAccount(address.description) }
        if try await store.alias(address: address) != nil { throw MailwardError.duplicateAlias(address.description) }
        let name = try Self.displayName(displayName) ?? address.localPart
        let hash: String
        if let password {
            try passwordPolicy.check(password, for: address, setBy: setter)
            hash = try await hasher.hash(password)
        } else {
            hash = Account.noLoginHash
        }
        let account: Account
        do {
            account = try await store.insertAccount(NewAccount(
                address: address, displayName: name, passwordHash: hash, createdAt: clock.now))
        } catch StoreError.duplicate {
            throw MailwardError.duplicateAccount(address.description)
        }
        try await onAccountCreated?(account)
        return account
    }

    /// The longest display name accepted, in characters.
    public static let displayNameLimit = 128

    /// A display name as given, trimmed (``TypedLabel``: it goes into `From:` fields of mail sent
    /// from the webmail); nil when there is none.
    static func displayName(_ raw: String?) throws -> String? {
        switch TypedLabel.check(raw ?? "", limit: displayNameLimit) {
        case .success(let name): return name
        case .failure(.empty): return nil
        case .failure(.controlCharacter):
            throw MailwardError.invalidValue("a display name cannot contain control characters (line breaks, tabs, NUL)")
        case .failure(.tooLong):
            throw MailwardError.invalidValue("a display name has at most \(displayNameLimit) characters")
        }
    }

    public func account(_ rawAddress: String) async throws -> Account {
        let address = try EmailAddress(rawAddress)
        guard let account = try await store.account(address: address) else {
            throw MailwardError.unknownAccount(address.description)
        }
        return account
    }

    public func accounts(inDomain rawDomain: String? = nil) async throws -> [Account] {
        let domain = try rawDomain.map { try DomainName.normalize($0) }
        if let domain, try await store.domain(named: domain) == nil { throw MailwardError.unknownDomain(domain) }
        return try await store.accounts(inDomain: domain)
    }

    public func setPassword(_ rawAddress: String, to password: String, setBy setter: PasswordPolicy.Setter = .user) async throws {
        var account = try await account(rawAddress)
        try passwordPolicy.check(password, for: account.address, setBy: setter)
        account.passwordHash = try await hasher.hash(password)
        try await store.updateAccount(account)
    }

    /// Makes the account a functional mailbox (B5): its password no longer opens it anywhere.
    public func removeLogin(_ rawAddress: String) async throws {
        var account = try await account(rawAddress)
        account.passwordHash = Account.noLoginHash
        try await store.updateAccount(account)
    }

    public func setDisabled(_ rawAddress: String, _ disabled: Bool) async throws {
        var account = try await account(rawAddress)
        account.disabled = disabled
        try await store.updateAccount(account)
    }

    public func removeAccount(_ rawAddress: String) async throws {
        let account = try await account(rawAddress)
        _ = try await store.deleteAccount(id: account.id)
    }

    // MARK: Aliases

    public func addAlias(_ rawAlias: String, for rawAddress: String) async throws {
        let alias = try EmailAddress(rawAlias)
        let account = try await account(rawAddress)
        guard try await store.domain(named: alias.domain) != nil else { throw MailwardError.unknownDomain(alias.domain) }
        if try await store.account(address: alias) != nil { throw MailwardError.duplicateAccount(alias.description) }
        do {
            try await store.insertAlias(Alias(address: alias, accountID: account.id, createdAt: clock.now))
        } catch StoreError.duplicate {
            throw MailwardError.duplicateAlias(alias.description)
        }
    }

    /// Removes an alias; the account it pointed at is untouched.
    public func removeAlias(_ rawAlias: String) async throws {
        let alias = try EmailAddress(rawAlias)
        guard try await store.deleteAlias(address: alias) else { throw MailwardError.invalidValue("no such alias: \(alias)") }
    }

    /// Every alias with the account it delivers to, ordered by alias (one domain's, or all).
    public func aliases(inDomain rawDomain: String? = nil) async throws -> [(alias: Alias, account: Account)] {
        let domain = try rawDomain.map { try DomainName.normalize($0) }
        if let domain, try await store.domain(named: domain) == nil { throw MailwardError.unknownDomain(domain) }
        var result: [(alias: Alias, account: Account)] = []
        for account in try await store.accounts(inDomain: nil) {
            for alias in try await store.aliases(of: account.id) where domain == nil || alias.address.domain == domain {
                result.append((alias, account))
            }
        }
        return result.sorted { $0.alias.address < $1.alias.address }
    }

    /// The account mail for `address` is delivered to: the account itself or an alias's target.
    public func resolveRecipient(_ address: EmailAddress) async throws -> Account? {
        if let account = try await store.account(address: address) { return account }
        if let alias = try await store.alias(address: address) { return try await store.account(id: alias.accountID) }
        return nil
    }

    /// Where mail for `address` goes — the one answer every way in asks (SMTP RCPT, sending from
    /// the webmail, the outbound queue's local hop): an enabled local account (directly or by
    /// alias), nobody here in a local domain (a disabled account counts as nobody), or another
    /// domain. The account is looked up first: accounts and aliases exist only in local domains
    /// (a domain with any cannot be removed), so a known recipient costs no domain lookup.
    public func route(_ address: EmailAddress) async throws -> RecipientRoute {
        if let account = try await resolveRecipient(address) {
            return account.disabled ? .disabledLocal : .local(account)
        }
        guard try await store.domain(named: address.domain) != nil else { return .remote }
        // postmaster@ every local domain is someone's (SMTP RCPT, webmail, the queue's local hop).
        if address.localPart.lowercased() == "postmaster", let postmaster, postmaster != address,
           case .local(let account) = try await route(postmaster) {
            return .local(account)
        }
        return .unknownLocal
    }

    /// Where the bare `<postmaster>` goes, which RFC 5321 §4.5.1 says MUST be accepted: to
    /// postmaster@ the server's host name when that is a mail domain here; else to the configured
    /// postmaster (`smtp.postmaster`); else to postmaster@ the first local domain, by name, where
    /// someone receives it (an alias or an account of that name).
    public func serverPostmaster(hostname: String) async throws -> RecipientRoute {
        if let address = try? EmailAddress("postmaster@\(hostname)") {
            let found = try await route(address)
            if found != .remote { return found }
        }
        if let postmaster { return try await route(postmaster) }
        for domain in try await store.domains().sorted(by: { $0.name < $1.name }) {
            guard let address = try? EmailAddress("postmaster@\(domain.name)") else { continue }
            if case .local(let account) = try await route(address) { return .local(account) }
        }
        return .unknownLocal
    }

    /// What ``checkPassword(_:_:)`` found.
    public enum PasswordCheck: Sendable, Equatable {
        case right(Account)
        /// Wrong (or no such enabled account). `stale`: a password the account signed in with
        /// before it was changed — a mail client not told of the change, not a guess.
        case wrong(stale: Bool)
    }

    /// Checks an account password. Upgrades an outdated hash in place after a success.
    /// Disabled and unknown accounts, and functional mailboxes (B5), fail exactly like a wrong
    /// password (and take as long).
    public func checkPassword(_ rawAddress: String, _ password: String) async throws -> PasswordCheck {
        let address = try? EmailAddress(rawAddress)
        var found: Account?
        if let address { found = try await resolveLogin(address) }
        guard let account = found, !account.disabled, account.hasLogin else {
            // A stand-in hash (so that timing tells nothing), its answers remembered per name.
            let name = address?.description ?? rawAddress.lowercased()
            _ = await hasher.judge(password, against: Self.dummyHash, subject: "no-account:" + name)
            // A mailbox made functional (`passwd --no-login`) whose former password mail clients
            // still try: stale, as after any password change — not guesses to count against
            // the campus NAT they come from.
            if let account = found, !account.disabled, !account.hasLogin {
                return .wrong(stale: hasher.recent.wasUsed(password, account: "\(account.id)"))
            }
            return .wrong(stale: false)
        }
        let accountKey = "\(account.id)"
        switch await hasher.judge(password, against: account.passwordHash) {
        case .wrong, .repeatedWrong:
            return .wrong(stale: hasher.recent.wasUsed(password, account: accountKey))
        case .right(let needsRehash):
            hasher.recent.rememberUsed(password, account: accountKey)
            if needsRehash, let fresh = try? await hasher.hash(password) {
                var upgraded = account
                upgraded.passwordHash = fresh
                // The account as stored: sessions compare its hash to notice a password change.
                if (try? await store.updateAccount(upgraded)) != nil { return .right(upgraded) }
            }
            return .right(account)
        }
    }

    /// ``checkPassword(_:_:)``'s account when the password is right.
    public func verifyPassword(_ rawAddress: String, _ password: String) async throws -> Account? {
        if case .right(let account) = try await checkPassword(rawAddress, password) { return account }
        return nil
    }

    private func resolveLogin(_ address: EmailAddress) async throws -> Account? {
        try await resolveRecipient(address)
    }

    /// A valid hash of a random password, verified against when the account does not exist so
    /// that timing does not reveal which addresses exist.
    static let dummyHash = "$scrypt$ln=15,r=8,p=1$c29tZXNhbHRzb21lc2FsdA$Vv1cBa1TQ6ZYo9ULN4mzTG8mVVHCHcqAW3YO62iMQtw"
}

/// ``AccountService/route(_:)``'s answer.
public enum RecipientRoute: Hashable, Sendable {
    /// An enabled account of this server.
    case local(Account)
    /// A local domain, but nobody by that name.
    case unknownLocal
    /// An account of this server (or an alias of one) that is disabled: it keeps its mail but
    /// takes no new mail.
    case disabledLocal
    /// Not one of this server's domains.
    case remote
}
