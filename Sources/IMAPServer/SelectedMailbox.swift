import IMAPCodec
import MailwardCore

/// One session's view of its selected mailbox: the UID list that defines message sequence
/// numbers, and the flags the client was last told. Other sessions and deliveries change the
/// store at any time; this snapshot changes only when the session may tell the client
/// (RFC 3501 §7: EXPUNGE not during FETCH/STORE/SEARCH), via ``refresh(with:includeExpunges:condstore:vanished:)``.
/// Pure: tested without a store.
public struct SelectedMailbox: Sendable, Equatable {
    public let mailboxID: MailboxID
    /// The account the mailbox belongs to: the session's own, or a colleague's who shared it.
    public let ownerID: AccountID
    /// The name the client selected (`Shared/<owner>/<folder>` for a colleague's mailbox).
    public let name: String
    public let uidValidity: UInt32
    /// Whether the client may change the mailbox now: not after EXAMINE, nor while the owner's
    /// share permits no changes (which may change while the mailbox is selected).
    public private(set) var readOnly: Bool
    /// Opened with EXAMINE: read-only whatever the permission.
    public let examined: Bool
    /// The UIDs, ascending; position + 1 is the sequence number. Runs of consecutive UIDs, so an
    /// idle session with a big INBOX stays small (see SnapshotStorage).
    private var uidRuns: UIDRuns
    /// Per message (same positions), the flag set the client was last told, as a place in ``flagSets``.
    private var flagIndices = FlagSetIndices()
    /// The distinct flag sets of the mailbox, each kept once (most mailboxes have a handful);
    /// messages point into it. Index 0 is the empty set.
    private var flagSets: [MessageFlags] = [[]]
    /// The table size at which unused sets are dropped (twice what was kept last time, at least 256).
    private var compactAt = 256
    /// The UIDs that are `\Recent` in this session (RFC 3501 §2.3.2), merged ranges: those it
    /// claimed from the store (``MailStore/claimRecent(mailboxID:)``), or — read-only — every
    /// UID above the mailbox's recent mark.
    public private(set) var recentRanges: [ClosedRange<MessageUID>] = []
    /// The mailbox's HIGHESTMODSEQ when the snapshot was last brought up to date. Messages' own
    /// MODSEQs are not kept: they are read from the store when a client asks (FETCH, STORE).
    public private(set) var highestModSeq: ModSeq

    /// `states` is every message of the mailbox (`MailStore.changes(mailboxID:since: 0)`).
    /// `examined`: opened with EXAMINE (by default, when `readOnly`).
    public init(mailbox: Mailbox, states: [MessageState], readOnly: Bool, examined: Bool? = nil, name: String? = nil,
                highestModSeq: ModSeq? = nil) {
        mailboxID = mailbox.id
        ownerID = mailbox.accountID
        self.name = name ?? mailbox.name
        uidValidity = mailbox.uidValidity
        self.readOnly = readOnly
        self.examined = examined ?? readOnly
        self.highestModSeq = highestModSeq ?? mailbox.highestModSeq
        uidRuns = UIDRuns()
        flagIndices.reserveCapacity(states.count)
        var index: [MessageFlags: UInt32] = [:]
        // Neighbours mostly share their flags (and the store hands out one value per distinct
        // set, whose comparison is then immediate): only a change of flags is looked up.
        var previous: (flags: MessageFlags, position: UInt32)?
        let ascending = zip(states, states.dropFirst()).allSatisfy { $0.uid < $1.uid } ? states : states.sorted { $0.uid < $1.uid }
        for state in ascending {
            uidRuns.append(state.uid)
            if let previous, previous.flags == state.flags {
                flagIndices.append(previous.position)
            } else {
                let position = intern(state.flags, index: &index)
                flagIndices.append(position)
                previous = (state.flags, position)
            }
        }
    }

    public var count: Int { uidRuns.count }

    /// The mailbox becomes read-only or read-write while selected (a share's permission changed);
    /// never read-write after EXAMINE. Returns whether that changed anything.
    public mutating func setReadOnly(_ readOnly: Bool) -> Bool {
        let new = readOnly || examined
        guard new != self.readOnly else { return false }
        self.readOnly = new
        return true
    }

    /// `uids` are recent in this session from now on.
    public mutating func addRecent(_ uids: ClosedRange<MessageUID>) {
        recentRanges = Self.merged(recentRanges + [uids])
    }

    public func isRecent(_ uid: MessageUID) -> Bool {
        Self.contains(recentRanges, uid)
    }

    /// How many messages of the snapshot are recent (`* n RECENT`), counted without listing them.
    public var recentCount: Int {
        recentRanges.reduce(0) { $0 + uidRuns.count(in: $1) }
    }

    /// The flags of a message as this session shows them: its stored flags, and `\Recent`.
    public func wireFlags(_ flags: MessageFlags, uid: MessageUID) -> [Flag] {
        Self.wireFlags(flags, recent: isRecent(uid))
    }

    /// The UIDs, ascending (index + 1 is the sequence number).
    public var uids: [MessageUID] { uidRuns.all }

    /// The largest UID in the snapshot.
    public var largestUID: MessageUID? { uidRuns.last }

    /// The flags the client was last told for a message in the snapshot.
    public func flags(of uid: MessageUID) -> MessageFlags? {
        uidRuns.position(of: uid).map { flagSets[Int(flagIndices[$0])] }
    }

    /// The keywords (non-system flags) used in the mailbox, for SELECT's FLAGS.
    public var keywords: MessageFlags { keywords(inSets: Set(flagIndices.all)) }

    /// The keywords of the flag sets at `indices` of ``flagSets``.
    private func keywords(inSets indices: Set<UInt32>) -> MessageFlags {
        indices.reduce(into: MessageFlags()) { keywords, set in keywords = keywords.union(flagSets[Int(set)].keywords) }
    }

    /// How many distinct flag sets the snapshot holds (tests check the table stays bounded).
    var flagSetCount: Int { flagSets.count }

    /// How many runs of consecutive UIDs the snapshot holds (tests check the compact form).
    var uidRunCount: Int { uidRuns.runCount }

    /// The index of `flags` in `flagSets`, added if new. `index` speeds up bulk work (built on
    /// demand, dropped after); without it a linear search over the few sets.
    private mutating func intern(_ flags: MessageFlags, index: inout [MessageFlags: UInt32]) -> UInt32 {
        if flags.isEmpty { return 0 }
        if index.isEmpty, flagSets.count > 1 {
            for (i, set) in flagSets.enumerated() { index[set] = UInt32(i) }
        }
        if let found = index[flags] { return found }
        flagSets.append(flags)
        let position = UInt32(flagSets.count - 1)
        index[flags] = position
        return position
    }

    /// Drops flag sets no message uses any more once the table reached ``compactAt`` (a client
    /// storing ever new keywords cannot make it grow without bound).
    private mutating func compactFlagSetsIfNeeded() {
        guard flagSets.count >= compactAt else { return }
        defer { compactAt = max(256, 2 * flagSets.count) }
        var renumbered: [UInt32: UInt32] = [0: 0]
        var kept: [MessageFlags] = [[]]
        var indices = FlagSetIndices()
        indices.reserveCapacity(flagIndices.count)
        for old in flagIndices.all {
            if let new = renumbered[old] {
                indices.append(new)
            } else {
                kept.append(flagSets[Int(old)])
                let new = UInt32(kept.count - 1)
                renumbered[old] = new
                indices.append(new)
            }
        }
        flagSets = kept
        flagIndices = indices
    }

    /// The sequence number of a UID in the snapshot.
    public func sequenceNumber(of uid: MessageUID) -> UInt32? {
        uidRuns.position(of: uid).map { UInt32($0 + 1) }
    }

    /// The UIDs a sequence set names, ascending, only those in the snapshot. `uid` says whether
    /// the set holds UIDs or sequence numbers; `saved` is the `$` of SEARCHRES.
    public func resolve(_ set: SequenceSet, uid: Bool, saved: [MessageUID] = []) -> [MessageUID] {
        switch set {
        case .lastSearchResult:
            return saved.filter { sequenceNumber(of: $0) != nil }
        case .ranges(let ranges):
            guard let largestUID = uidRuns.last else { return [] }
            let largest = uid ? largestUID : UInt32(uidRuns.count)
            // Merged first, so a hostile `1:*,1:*,…` costs no more than one `1:*`.
            var picked: [MessageUID] = []
            for r in Self.merged(ranges, largest: largest) {
                if uid {
                    uidRuns.append(in: r, to: &picked)
                } else {
                    guard r.lowerBound >= 1, r.lowerBound <= UInt32(uidRuns.count) else { continue }
                    let upper = min(r.upperBound, UInt32(uidRuns.count))
                    uidRuns.append(at: (Int(r.lowerBound) - 1)..<Int(upper), to: &picked)
                }
            }
            return picked
        }
    }

    /// Sorted, non-overlapping closed ranges covering the same numbers.
    static func merged(_ ranges: [SequenceRange], largest: UInt32) -> [ClosedRange<UInt32>] {
        merged(ranges.map { $0.resolved(largest: largest) })
    }

    /// Sorted, non-overlapping, non-adjacent closed ranges covering the same numbers.
    static func merged(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        for r in sorted {
            if let last = out.last, UInt64(r.lowerBound) <= UInt64(last.upperBound) + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Whether `value` is in merged ranges (binary search).
    static func contains(_ merged: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var lo = 0, hi = merged.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if merged[mid].upperBound < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < merged.count && merged[lo].contains(value)
    }

    /// Whether a set of message sequence numbers names one beyond the snapshot — `*` too when
    /// the mailbox is empty: RFC 3501 §9 (`seq-number`) and RFC 9051 answer `BAD`. A client
    /// whose numbering is out of step must not read "COPY completed" for a copy of nothing (it
    /// might then delete the originals). UID sets are never out of range.
    public func isOutOfRange(_ set: SequenceSet) -> Bool {
        guard case .ranges(let ranges) = set else { return false }
        let count = UInt32(uidRuns.count)
        for range in ranges {
            for n in [range.first, range.last] {
                switch n {
                case .number(let v) where v > count: return true
                case .last where count == 0: return true
                default: continue
                }
            }
        }
        return false
    }

    /// Brings the snapshot up to date with what the store says changed since ``highestModSeq``
    /// (`MailStore.changes(mailboxID:since:)`) and returns what to tell the client: `EXPUNGE`s
    /// (highest number first, so each stays valid), flag `FETCH`es, `EXISTS`. Without
    /// `includeExpunges` (during FETCH/STORE/SEARCH by number) expunged messages stay in the
    /// snapshot, only flag changes and new messages are announced, and — if something was
    /// expunged — ``highestModSeq`` stays, so the next refresh that may expunge looks again.
    public mutating func refresh(with changes: MailboxChanges, includeExpunges: Bool = true,
                                 condstore: Bool = false, vanished: Bool = false) -> [UntaggedResponse] {
        guard changes.hasChanges else { return [] }
        var responses: [UntaggedResponse] = []
        // UIDs come only when something was expunged since (see `MailboxChanges`).
        if includeExpunges, let current = changes.uids {
            // Both ascending: one merge walk finds the UIDs gone from the store.
            var gone: [Int] = []
            var goneUIDs: [MessageUID] = []
            var j = 0
            for (i, uid) in uidRuns.all.enumerated() {
                while j < current.count, current[j] < uid { j += 1 }
                if j >= current.count || current[j] != uid {
                    gone.append(i)
                    goneUIDs.append(uid)
                }
            }
            responses += Self.expunges(atAscending: gone, uids: goneUIDs, vanished: vanished)
            remove(atAscending: gone)
        }
        var index: [MessageFlags: UInt32] = [:]
        let newest = uidRuns.last ?? 0
        for state in changes.changed where state.uid <= newest {
            guard let i = uidRuns.position(of: state.uid) else { continue }
            if flagSets[Int(flagIndices[i])] != state.flags {
                flagIndices[i] = intern(state.flags, index: &index)
                responses.append(.fetch(UInt32(i + 1), FlagChangeFetch.items(
                    uid: state.uid, flags: wireFlags(state.flags, uid: state.uid), modSeq: state.modSeq, condstore: condstore, withUID: true)))
            }
        }
        // New messages all have a MODSEQ above `since`: they are the changed ones past the newest.
        let added = changes.changed.filter { $0.uid > newest }
        if !added.isEmpty {
            for state in added {
                uidRuns.append(state.uid)
                flagIndices.append(intern(state.flags, index: &index))
            }
            responses.append(.exists(UInt32(uidRuns.count)))
        }
        // Up to date unless expunges had to wait (the next refresh that may expunge must see
        // them again); with no expunge since `since` (no UIDs sent) nothing waits.
        if includeExpunges || changes.uids == nil { highestModSeq = changes.highestModSeq }
        compactFlagSetsIfNeeded()
        return responses
    }

    private mutating func remove(atAscending positions: [Int]) {
        uidRuns.remove(atAscending: positions)
        flagIndices.remove(atAscending: positions)
    }

    /// This session expunged (or moved away) `removed`: the `EXPUNGE`s (or the `VANISHED`) to send.
    public mutating func expunge(_ removed: [MessageUID], vanished: Bool = false) -> [UntaggedResponse] {
        let positions = Set(removed).compactMap { uidRuns.position(of: $0) }.sorted()
        let responses = Self.expunges(atAscending: positions, uids: positions.map { uidRuns[$0] }, vanished: vanished)
        remove(atAscending: positions)
        return responses
    }

    /// How the messages at `positions` (ascending; `uids` theirs) leave the client's view: one
    /// `EXPUNGE` each, highest number first so each stays valid — or, once the client enabled
    /// QRESYNC, one `VANISHED` naming their UIDs (RFC 7162 §3.2.10).
    private static func expunges(atAscending positions: [Int], uids: [MessageUID], vanished: Bool) -> [UntaggedResponse] {
        guard !positions.isEmpty else { return [] }
        if vanished { return [.vanished(earlier: false, SequenceSets.make(uids))] }
        return positions.reversed().map { .expunge(UInt32($0 + 1)) }
    }

    /// This session changed a message's flags (STORE, FETCH BODY[] setting `\Seen`).
    public mutating func update(uid: MessageUID, flags: MessageFlags) {
        guard let i = uidRuns.position(of: uid) else { return }
        if let known = flagSets.firstIndex(of: flags) {
            flagIndices[i] = UInt32(known)
        } else {
            flagSets.append(flags)
            flagIndices[i] = UInt32(flagSets.count - 1)
        }
        compactFlagSetsIfNeeded()
    }

    /// The first message not seen by the client (for `OK [UNSEEN n]`: its sequence number).
    public var firstUnseen: UInt32? {
        for (position, set) in flagIndices.all.enumerated() where !flagSets[Int(set)].contains(MessageFlags.seen) {
            return UInt32(position + 1)
        }
        return nil
    }

    static func wireFlags(_ flags: MessageFlags, recent: Bool = false) -> [Flag] {
        (recent ? [.recent] : []) + flags.sorted.map(Flag.init(wire:))
    }
}

/// The keywords the client was last told of, for ``KeywordLimit`` (``MailService`` reads the
/// store only when the session does not know).
extension SelectedMailbox: KeywordCensus {
    public func keywords(where counts: (MessageUID) -> Bool) -> MessageFlags {
        var sets = Set<UInt32>()
        for (position, uid) in uidRuns.all.enumerated() where counts(uid) { sets.insert(flagIndices[position]) }
        return keywords(inSets: sets)
    }
}
