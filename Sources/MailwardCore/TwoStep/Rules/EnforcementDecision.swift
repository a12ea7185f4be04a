import Foundation

/// Whether two-step verification is required of one account now (SPEC A6, B8): the one place
/// that reads the administrator's rules and exemptions, for the web sign-in, the mail doors, the
/// JSON API, the pages' banner and `mailward user show`. Pure: no store, no clock of its own.
///
/// - A rule covers an account by its scope (all, the account's domain, the account).
/// - An exemption covering the account shields it from every covering rule *wider* than the
///   exemption: a domain exemption from `--all`, an account exemption from `--all` and
///   `--domain`. A rule at least as specific as the exemption still holds — the more specific
///   word wins, so `enforce --user U` forces U inside an exempt domain.
/// - Of the rules left, one without grace or whose grace has ended forces the account; if all
///   are still in grace, the earliest end is the account's deadline.
/// - No rule left: `.exempt` when an exemption covers the account, `.notEnforced` otherwise.
public enum EnforcementDecision: Sendable, Equatable {
    case notEnforced
    case exempt
    /// Required from `until` on; an account without a phone is told, not forced.
    case grace(until: Date)
    case enforced

    public static func decide(rules: [EnforcementRule], exemptions: [EnforcementExemption], account: Account,
                              now: Date) -> EnforcementDecision {
        let shield = exemptions.filter { $0.scope.covers(account) }.map(\.scope.specificity).max()
        let applying = rules.filter { rule in
            rule.scope.covers(account) && (shield.map { rule.scope.specificity >= $0 } ?? true)
        }
        guard !applying.isEmpty else { return shield == nil ? .notEnforced : .exempt }
        var earliest: Date?
        for rule in applying {
            guard let end = rule.graceUntil, end > now else { return .enforced }
            earliest = min(earliest ?? end, end)
        }
        return earliest.map { .grace(until: $0) } ?? .enforced
    }

    /// Forced now: an account without a phone must bind one before it reaches its mail.
    public var isEnforced: Bool { self == .enforced }

    /// The end of the grace period while one runs.
    public var graceUntil: Date? {
        if case .grace(let until) = self { return until }
        return nil
    }
}
