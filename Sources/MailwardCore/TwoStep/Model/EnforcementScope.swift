import Foundation

/// Whom an administrator's two-step enforcement covers (SPEC A6).
public enum EnforcementScope: Hashable, Sendable, CustomStringConvertible {
    case all
    case domain(String)
    case account(AccountID)

    /// Stored form: kind and value columns.
    public var kind: String {
        switch self {
        case .all: "all"
        case .domain: "domain"
        case .account: "account"
        }
    }

    public var value: String {
        switch self {
        case .all: ""
        case .domain(let name): name
        case .account(let id): String(id)
        }
    }

    public init?(kind: String, value: String) {
        switch kind {
        case "all": self = .all
        case "domain": self = .domain(value)
        case "account":
            guard let id = AccountID(value) else { return nil }
            self = .account(id)
        default: return nil
        }
    }

    public var description: String { description(namingTheAccount: "account #\(value)") }

    /// "all accounts", "domain …", or for one account the words given: the command line names
    /// it by address, the account's own history as "this account".
    public func description(namingTheAccount account: @autoclosure () -> String) -> String {
        switch self {
        case .all: "all accounts"
        case .domain(let name): "domain \(name)"
        case .account: account()
        }
    }

    /// Whether the rule applies to `account`.
    public func covers(_ account: Account) -> Bool {
        switch self {
        case .all: true
        case .domain(let name): account.address.domain == name
        case .account(let id): account.id == id
        }
    }
}

public struct EnforcementRule: Sendable, Equatable {
    public var scope: EnforcementScope
    public var createdAt: Date

    public init(scope: EnforcementScope, createdAt: Date) {
        self.scope = scope
        self.createdAt = createdAt
    }
}
