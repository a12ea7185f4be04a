/// ``KeywordLimit`` applied to every way keywords come into a mailbox: STORE and the webmail's
/// flags (refused past the limit), APPEND (refused), COPY and MOVE (the keywords that do not fit
/// are dropped from the copies).
extension MailService {
    /// Throws `MailError.tooManyKeywords` when `change` would bring a mailbox past the limit.
    func checkKeywordLimit(_ change: FlagChange, on uids: [MessageUID], in mailboxID: MailboxID,
                           census: (any KeywordCensus)?) async throws {
        let stored: MessageFlags
        var changed: Set<MessageUID> = []
        switch change {
        case .add(let flags): stored = flags.keywords
        case .replace(let flags):
            stored = flags.keywords
            // Replaced keywords leave these messages: they count only where others use them too.
            changed = Set(uids)
        case .remove: return
        }
        guard !stored.isEmpty else { return }
        let known: any KeywordCensus = if let census { census } else { try await storedCensus(of: mailboxID) }
        guard KeywordLimit.admits(stored, into: known.keywords { !changed.contains($0) }) else {
            throw MailError.tooManyKeywords
        }
    }

    /// The keywords the messages `uids` of `source` carry that do not fit into `destination`.
    func keywordsOverLimit(carriedBy uids: [MessageUID], from source: MailboxID, to destination: MailboxID,
                           census: (any KeywordCensus)?) async throws -> MessageFlags {
        let sourceCensus: any KeywordCensus = if let census { census } else { try await storedCensus(of: source) }
        let moving = Set(uids)
        let carried = sourceCensus.keywords { moving.contains($0) }
        guard !carried.isEmpty else { return [] }
        let existing = destination == source ? sourceCensus.allKeywords : try await storedCensus(of: destination).allKeywords
        return KeywordLimit.excess(of: carried, into: existing)
    }

    /// Takes `excess` off the copies just made (before anyone is told of them).
    func dropKeywords(_ excess: MessageFlags, from mapping: [UIDMapping], in destination: MailboxID) async throws {
        guard !excess.isEmpty, !mapping.isEmpty else { return }
        _ = try await store.updateFlags(mailboxID: destination, uids: mapping.map(\.destination), change: .remove(excess),
                                        unchangedSince: nil)
    }

    /// Every message's flags in a mailbox (what a SELECT reads); empty for a mailbox that is gone.
    func storedCensus(of mailboxID: MailboxID) async throws -> [MessageState] {
        try await store.changes(mailboxID: mailboxID, since: 0)?.changed ?? []
    }
}
