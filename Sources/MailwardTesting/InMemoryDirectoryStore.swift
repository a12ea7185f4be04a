import Foundation
import MailwardCore

/// The in-memory twin of `DirectoryStore`: the same behaviour as the real stores (checked by
/// the conformance suite), for fast tests of Core's rules.
public actor InMemoryDirectoryStore: DirectoryStore {
    private var domainsByName: [String: Domain] = [:]
    private var accountsByID: [AccountID: Account] = [:]
    private var aliasesByAddress: [EmailAddress: Alias] = [:]
    private var nextID: AccountID = 1

    public init() {}

    public func insertDomain(_ domain: Domain) throws {
        guard domainsByName[domain.name] == nil else { throw StoreError.duplicate(domain.name) }
        domainsByName[domain.name] = domain
    }

    public func domain(named name: String) -> Domain? { domainsByName[name] }

    public func domains() -> [Domain] { domainsByName.values.sorted { $0.name < $1.name } }

    public func deleteDomain(named name: String) throws -> Bool {
        guard domainsByName[name] != nil else { return false }
        if accountsByID.values.contains(where: { $0.address.domain == name })
            || aliasesByAddress.keys.contains(where: { $0.domain == name }) {
            throw StoreError.missing("domain \(name) is referenced")
        }
        domainsByName[name] = nil
        return true
    }

    public func insertAccount(_ account: NewAccount) throws -> Account {
        guard domainsByName[account.address.domain] != nil else { throw StoreError.missing(account.address.domain) }
        guard !accountsByID.values.contains(where: { $0.address == account.address }) else {
            throw StoreError.duplicate(account.address.description)
        }
        let stored = Account(id: nextID, address: account.address, displayName: account.displayName,
                             passwordHash: account.passwordHash, disabled: false, createdAt: account.createdAt)
        nextID += 1
        accountsByID[stored.id] = stored
        return stored
    }

    public func account(id: AccountID) -> Account? { accountsByID[id] }

    public func account(address: EmailAddress) -> Account? {
        accountsByID.values.first { $0.address == address }
    }

    public func accounts(inDomain domain: String?) -> [Account] {
        accountsByID.values.filter { domain == nil || $0.address.domain == domain }.sorted { $0.address < $1.address }
    }

    public func accountCount(inDomain domain: String) -> Int {
        accountsByID.values.filter { $0.address.domain == domain }.count
    }

    public func updateAccount(_ account: Account) throws {
        guard var existing = accountsByID[account.id] else { throw StoreError.missing("account \(account.id)") }
        existing.displayName = account.displayName
        existing.passwordHash = account.passwordHash
        existing.disabled = account.disabled
        accountsByID[account.id] = existing
    }

    public func deleteAccount(id: AccountID) -> Bool {
        guard accountsByID.removeValue(forKey: id) != nil else { return false }
        aliasesByAddress = aliasesByAddress.filter { $0.value.accountID != id }
        return true
    }

    public func insertAlias(_ alias: Alias) throws {
        guard domainsByName[alias.address.domain] != nil, accountsByID[alias.accountID] != nil else {
            throw StoreError.missing(alias.address.description)
        }
        guard aliasesByAddress[alias.address] == nil else { throw StoreError.duplicate(alias.address.description) }
        aliasesByAddress[alias.address] = alias
    }

    public func alias(address: EmailAddress) -> Alias? { aliasesByAddress[address] }

    public func aliases(of accountID: AccountID) -> [Alias] {
        aliasesByAddress.values.filter { $0.accountID == accountID }.sorted { $0.address < $1.address }
    }

    public func deleteAlias(address: EmailAddress) -> Bool {
        aliasesByAddress.removeValue(forKey: address) != nil
    }
}
