import Foundation
import MailwardCore
import Testing

/// `EnforcementDecision.decide` (SPEC A6, B8): rules, exemptions, grace periods — pure.
@Suite struct EnforcementDecisionTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let zhang = Account(id: 7, address: try! EmailAddress("zhang.san@example.edu.cn"), displayName: "张三",
                        passwordHash: "$scrypt$x", disabled: false, createdAt: Date(timeIntervalSince1970: 0))

    func rule(_ scope: EnforcementScope, grace: TimeInterval? = nil) -> EnforcementRule {
        EnforcementRule(scope: scope, createdAt: now - 100, graceUntil: grace.map { now + $0 })
    }

    func exempt(_ scope: EnforcementScope) -> EnforcementExemption {
        EnforcementExemption(scope: scope, createdAt: now - 50)
    }

    func decide(_ rules: [EnforcementRule], _ exemptions: [EnforcementExemption] = []) -> EnforcementDecision {
        EnforcementDecision.decide(rules: rules, exemptions: exemptions, account: zhang, now: now)
    }

    @Test func rulesThatDoNotCoverTheAccountDoNothing() {
        #expect(decide([]) == .notEnforced)
        #expect(decide([rule(.domain("other.test")), rule(.account(8))]) == .notEnforced)
        #expect(decide([rule(.all)]) == .enforced)
        #expect(decide([rule(.domain("example.edu.cn"))]) == .enforced)
        #expect(decide([rule(.account(7))]) == .enforced)
    }

    @Test func graceUntilItsEndThenEnforced() {
        #expect(decide([rule(.all, grace: 3600)]) == .grace(until: now + 3600))
        #expect(decide([rule(.all, grace: 3600)]).isEnforced == false)
        #expect(decide([rule(.all, grace: 3600)]).graceUntil == now + 3600)
        // The end itself is enforced (a date is the end of that day).
        #expect(decide([rule(.all, grace: 0)]) == .enforced)
        #expect(decide([rule(.all, grace: -1)]) == .enforced)
        // Several in grace: the earliest end; one without grace forces at once.
        #expect(decide([rule(.all, grace: 7200), rule(.domain("example.edu.cn"), grace: 3600)]) == .grace(until: now + 3600))
        #expect(decide([rule(.all, grace: 7200), rule(.account(7))]) == .enforced)
    }

    @Test func anExemptionShieldsFromWiderRulesOnly() {
        // A domain exemption: --all no longer forces; --domain and --user still do.
        #expect(decide([rule(.all)], [exempt(.domain("example.edu.cn"))]) == .exempt)
        #expect(decide([rule(.all), rule(.domain("example.edu.cn"))], [exempt(.domain("example.edu.cn"))]) == .enforced)
        #expect(decide([rule(.all), rule(.account(7), grace: 60)], [exempt(.domain("example.edu.cn"))]) == .grace(until: now + 60))
        // An account exemption: neither --all nor --domain; a --user rule is not wider than it.
        #expect(decide([rule(.all), rule(.domain("example.edu.cn"))], [exempt(.account(7))]) == .exempt)
        #expect(decide([rule(.all), rule(.account(7))], [exempt(.account(7))]) == .enforced)
        // Someone else's exemption is not this account's.
        #expect(decide([rule(.all)], [exempt(.account(8)), exempt(.domain("other.test"))]) == .enforced)
        // Exempt with no rule at all says so (user show).
        #expect(decide([], [exempt(.account(7))]) == .exempt)
        // Exempt from a rule still in grace: exempt.
        #expect(decide([rule(.all, grace: 60)], [exempt(.domain("example.edu.cn"))]) == .exempt)
    }

    @Test func specificityOrdersTheScopes() {
        #expect(EnforcementScope.all.specificity < EnforcementScope.domain("x").specificity)
        #expect(EnforcementScope.domain("x").specificity < EnforcementScope.account(1).specificity)
    }
}
