import Synchronization

/// The administrator's two-step rules and exemptions (SPEC A6, B8) as last read, for the mail
/// doors' check at every command (``ProtocolAuthenticator/revocation(of:account:)``).
///
/// A session a mail client opened with the account password must end once two-step verification
/// is forced on its account — when a grace period runs out, or when the administrator enforces it
/// while the client is connected — as the web session does. Reading the rules from the store for
/// every IMAP command cost a fifth of that door's throughput (docs/benchmarks.md), so the doors
/// read them from here: again from the store only once they are older than ``maximumAge``. The
/// end of a grace needs no new read (the decision compares the rules with the clock); a rule
/// added by this process clears the copy at once; one added by another (the command line, another
/// node) ends the sessions it forbids within ``maximumAge``. Sign-ins always read the store.
public final class EnforcementRulesCache: Sendable {
    public static let defaultMaximumAge: Duration = .seconds(5)

    private struct Copy {
        var rules: [EnforcementRule]
        var exemptions: [EnforcementExemption]
        var readAt: ContinuousClock.Instant
    }

    public let maximumAge: Duration
    /// The copy, and how often it was invalidated: a read that began before an invalidation
    /// (and may hold the rules from before the change) is not kept.
    private let copy = Mutex<(copy: Copy?, generation: Int)>((nil, 0))

    public init(maximumAge: Duration = EnforcementRulesCache.defaultMaximumAge) {
        self.maximumAge = maximumAge
    }

    /// The rules and exemptions, read from `store` when the copy is missing or too old.
    func current(from store: any SecurityStore) async throws -> (rules: [EnforcementRule], exemptions: [EnforcementExemption]) {
        let now = ContinuousClock.now
        let (kept, generation) = copy.withLock { $0 }
        if let kept, now - kept.readAt < maximumAge {
            return (kept.rules, kept.exemptions)
        }
        let rules = try await store.enforcements()
        let exemptions = try await store.exemptions()
        copy.withLock { state in
            if state.generation == generation { state.copy = Copy(rules: rules, exemptions: exemptions, readAt: now) }
        }
        return (rules, exemptions)
    }

    /// Forgets the copy: this process changed the rules or exemptions.
    func invalidate() {
        copy.withLock { state in
            state.copy = nil
            state.generation += 1
        }
    }
}
