import Foundation

/// `mailward policy two-step exempt add` (B8): a domain or one account (service accounts, a
/// department) that rules wider than itself do not force. Its scope is `.domain` or `.account`;
/// an exemption of `.all` would shield nothing (no rule is wider than all).
public struct EnforcementExemption: Sendable, Equatable {
    public var scope: EnforcementScope
    public var createdAt: Date

    public init(scope: EnforcementScope, createdAt: Date) {
        self.scope = scope
        self.createdAt = createdAt
    }
}
