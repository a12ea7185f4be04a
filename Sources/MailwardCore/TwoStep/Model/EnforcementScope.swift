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

    /// How narrow the scope is: all 0, domain 1, account 2. An exemption shields an account
    /// from rules of a lower specificity only (B8: the more specific word wins).
    public var specificity: Int {
        switch self {
        case .all: 0
        case .domain: 1
        case .account: 2
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

/// `mailward policy two-step enforce`: one scope, and the end of its grace period (B8) if it has
/// one — until then accounts without a phone are told, not forced.
public struct EnforcementRule: Sendable, Equatable {
    public var scope: EnforcementScope
    public var createdAt: Date
    /// The moment the rule begins to force (the end of the last day of grace in the server's
    /// time zone); `nil`: from its creation on.
    public var graceUntil: Date?

    public init(scope: EnforcementScope, createdAt: Date, graceUntil: Date? = nil) {
        self.scope = scope
        self.createdAt = createdAt
        self.graceUntil = graceUntil
    }
}

/// What saving an enforcement rule did: a scope enforced anew, an existing one's grace replaced,
/// or nothing (the same rule was there).
public enum EnforcementChange: Sendable, Equatable {
    case added
    case updated
    case unchanged
}
