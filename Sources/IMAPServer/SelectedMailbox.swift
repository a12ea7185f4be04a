import IMAPCodec
import MailwardCore

/// One session's view of its selected mailbox: the UID list that defines message sequence
/// numbers, and the flags the client was last told. Other sessions and deliveries change the
/// store at any time; this snapshot changes only when the session may tell the client
/// (RFC 3501 §7: EXPUNGE not during FETCH/STORE/SEARCH), via ``refresh(with:includeExpunges:condstore:)``.
/// Pure: tested without a store.
public struct SelectedMailbox: Sendable, Equatable {
    public let mailboxID: MailboxID
    /// The account the mailbox belongs to: the session's own, or a colleague's who shared it.
    public let ownerID: AccountID
    /// The name the client selected (`Shared/<owner>/<folder>` for a colleague's mailbox).
    public let name: String
    public let uidValidity: UInt32
    public let readOnly: Bool
    /// One per message, ascending UID; index + 1 is the sequence number. One contiguous array
    /// of 16-byte entries (no per-UID dictionaries): an idle session with a big INBOX stays small.
    private var entries: [Entry]
    /// The distinct flag sets of the mailbox, each kept once (most mailboxes have a handful);
    /// entries point into it. Index 0 is the empty set.
    private var flagSets: [MessageFlags] = [[]]
    /// The table size at which unused sets are dropped (twice what was kept last time, at least 256).
    private var compactAt = 256
    /// The mailbox's HIGHESTMODSEQ when the snapshot was last brought up to date.
    public private(set) var highestModSeq: ModSeq

    struct Entry: Sendable, Equatable {
        var uid: MessageUID
        var flagSet: UInt32
        var modSeq: ModSeq
    }

    /// `states` is every message of the mailbox (`MailStore.changes(mailboxID:since: 0)`).
    public init(mailbox: Mailbox, states: [MessageState], readOnly: Bool, name: String? = nil, highestModSeq: ModSeq? = nil) {
        mailboxID = mailbox.id
        ownerID = mailbox.accountID
        self.name = name ?? mailbox.name
        uidValidity = mailbox.uidValidity
        self.readOnly = readOnly
        self.highestModSeq = highestModSeq ?? mailbox.highestModSeq
        entries = []
        entries.reserveCapacity(states.count)
        var index: [MessageFlags: UInt32] = [:]
        for state in states.sorted(by: { $0.uid < $1.uid }) {
            entries.append(Entry(uid: state.uid, flagSet: intern(state.flags, index: &index), modSeq: state.modSeq))
        }
    }

    public var count: Int { entries.count }

    /// The UIDs, ascending (index + 1 is the sequence number).
    public var uids: [MessageUID] { entries.map(\.uid) }

    /// The largest UID in the snapshot.
    public var largestUID: MessageUID? { entries.last?.uid }

    /// The flags the client was last told for a message in the snapshot.
    public func flags(of uid: MessageUID) -> MessageFlags? {
        entry(uid).map { flagSets[Int($0.flagSet)] }
    }

    /// The MODSEQ last seen for a message in the snapshot.
    public func modSeq(of uid: MessageUID) -> ModSeq? {
        entry(uid)?.modSeq
    }

    /// The keywords (non-system flags) used in the mailbox, for SELECT's FLAGS.
    public var keywords: MessageFlags {
        var used = Set<UInt32>()
        for entry in entries { used.insert(entry.flagSet) }
        var keywords = MessageFlags()
        for set in used { for flag in flagSets[Int(set)] where !flag.hasPrefix("\\") { keywords.insert(flag) } }
        return keywords
    }

    /// How many distinct flag sets the snapshot holds (tests check the table stays bounded).
    var flagSetCount: Int { flagSets.count }

    private func entry(_ uid: MessageUID) -> Entry? {
        let i = lowerBound(uid)
        return i < entries.count && entries[i].uid == uid ? entries[i] : nil
    }

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

    /// Drops flag sets no entry uses any more once the table reached ``compactAt`` (a client
    /// storing ever new keywords cannot make it grow without bound).
    private mutating func compactFlagSetsIfNeeded() {
        guard flagSets.count >= compactAt else { return }
        defer { compactAt = max(256, 2 * flagSets.count) }
        var renumbered: [UInt32: UInt32] = [0: 0]
        var kept: [MessageFlags] = [[]]
        for i in entries.indices {
            let old = entries[i].flagSet
            if let new = renumbered[old] {
                entries[i].flagSet = new
            } else {
                kept.append(flagSets[Int(old)])
                let new = UInt32(kept.count - 1)
                renumbered[old] = new
                entries[i].flagSet = new
            }
        }
        flagSets = kept
    }

    /// The sequence number of a UID in the snapshot.
    public func sequenceNumber(of uid: MessageUID) -> UInt32? {
        let i = lowerBound(uid)
        return i < entries.count && entries[i].uid == uid ? UInt32(i + 1) : nil
    }

    /// The UIDs a sequence set names, ascending, only those in the snapshot. `uid` says whether
    /// the set holds UIDs or sequence numbers; `saved` is the `$` of SEARCHRES.
    public func resolve(_ set: SequenceSet, uid: Bool, saved: [MessageUID] = []) -> [MessageUID] {
        switch set {
        case .lastSearchResult:
            return saved.filter { sequenceNumber(of: $0) != nil }
        case .ranges(let ranges):
            guard let largestUID = entries.last?.uid else { return [] }
            let largest = uid ? largestUID : UInt32(entries.count)
            // Merged first, so a hostile `1:*,1:*,…` costs no more than one `1:*`.
            var picked: [MessageUID] = []
            for r in Self.merged(ranges, largest: largest) {
                if uid {
                    var i = lowerBound(r.lowerBound)
                    while i < entries.count, entries[i].uid <= r.upperBound {
                        picked.append(entries[i].uid)
                        i += 1
                    }
                } else {
                    guard r.lowerBound >= 1, r.lowerBound <= UInt32(entries.count) else { continue }
                    let upper = min(r.upperBound, UInt32(entries.count))
                    picked.append(contentsOf: entries[(Int(r.lowerBound) - 1)..<Int(upper)].lazy.map(\.uid))
                }
            }
            return picked
        }
    }

    /// Sorted, non-overlapping closed ranges covering the same numbers.
    static func merged(_ ranges: [SequenceRange], largest: UInt32) -> [ClosedRange<UInt32>] {
        let sorted = ranges.map { $0.resolved(largest: largest) }.sorted { $0.lowerBound < $1.lowerBound }
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

    /// Whether a sequence set uses message numbers beyond the snapshot (RFC 9051 says `BAD`).
    public func isOutOfRange(_ set: SequenceSet) -> Bool {
        guard case .ranges(let ranges) = set else { return false }
        for range in ranges {
            for n in [range.first, range.last] {
                if case .number(let v) = n, v > UInt32(entries.count) { return true }
            }
        }
        return false
    }

    /// Brings the snapshot up to date with what the store says changed since ``highestModSeq``
    /// (`MailStore.changes(mailboxID:since:)`) and returns what to tell the client: `EXPUNGE`s
    /// (highest number first, so each stays valid), flag `FETCH`es, `EXISTS`. Without
    /// `includeExpunges` (during FETCH/STORE/SEARCH by number) expunged messages stay in the
    /// snapshot, only flag changes and new messages are announced, and ``highestModSeq`` stays,
    /// so the next refresh that may expunge looks again.
    public mutating func refresh(with changes: MailboxChanges, includeExpunges: Bool = true,
                                 condstore: Bool = false) -> [UntaggedResponse] {
        guard let current = changes.uids else { return [] }
        var responses: [UntaggedResponse] = []
        if includeExpunges {
            // Both ascending: one merge walk finds the UIDs gone from the store.
            var gone: [Int] = []
            var j = 0
            for (i, entry) in entries.enumerated() {
                while j < current.count, current[j] < entry.uid { j += 1 }
                if j >= current.count || current[j] != entry.uid { gone.append(i) }
            }
            for i in gone.reversed() { responses.append(.expunge(UInt32(i + 1))) }
            if !gone.isEmpty {
                let goneSet = Set(gone)
                entries = entries.enumerated().filter { !goneSet.contains($0.offset) }.map(\.element)
            }
        }
        var index: [MessageFlags: UInt32] = [:]
        let newest = entries.last?.uid ?? 0
        for state in changes.changed where state.uid <= newest {
            let i = lowerBound(state.uid)
            guard i < entries.count, entries[i].uid == state.uid else { continue }
            if flagSets[Int(entries[i].flagSet)] != state.flags {
                entries[i].flagSet = intern(state.flags, index: &index)
                var items: [FetchResponseItem] = [.uid(state.uid), .flags(Self.wireFlags(state.flags))]
                if condstore { items.append(.modSequence(UInt64(max(state.modSeq, 0)))) }
                responses.append(.fetch(UInt32(i + 1), items))
            }
            entries[i].modSeq = state.modSeq
        }
        let added = current.drop { $0 <= newest }
        if !added.isEmpty {
            var states: [MessageUID: MessageState] = [:]
            for state in changes.changed where state.uid > newest { states[state.uid] = state }
            for uid in added {
                let state = states[uid]
                entries.append(Entry(uid: uid, flagSet: intern(state?.flags ?? [], index: &index), modSeq: state?.modSeq ?? changes.highestModSeq))
            }
            responses.append(.exists(UInt32(entries.count)))
        }
        if includeExpunges { highestModSeq = changes.highestModSeq }
        compactFlagSetsIfNeeded()
        return responses
    }

    /// This session expunged (or moved away) `removed`: the `EXPUNGE`s to send.
    public mutating func expunge(_ removed: [MessageUID]) -> [UntaggedResponse] {
        let gone = Set(removed)
        var responses: [UntaggedResponse] = []
        for index in entries.indices.reversed() where gone.contains(entries[index].uid) {
            responses.append(.expunge(UInt32(index + 1)))
        }
        if !responses.isEmpty { entries.removeAll { gone.contains($0.uid) } }
        return responses
    }

    /// This session changed a message's flags (STORE, FETCH BODY[] setting `\Seen`).
    public mutating func update(uid: MessageUID, flags: MessageFlags, modSeq: ModSeq) {
        let i = lowerBound(uid)
        guard i < entries.count, entries[i].uid == uid else { return }
        if let known = flagSets.firstIndex(of: flags) {
            entries[i].flagSet = UInt32(known)
        } else {
            flagSets.append(flags)
            entries[i].flagSet = UInt32(flagSets.count - 1)
        }
        entries[i].modSeq = modSeq
        compactFlagSetsIfNeeded()
    }

    /// The first message not seen by the client (for `OK [UNSEEN n]`: its sequence number).
    public var firstUnseen: UInt32? {
        for (index, entry) in entries.enumerated() where !flagSets[Int(entry.flagSet)].contains(MessageFlags.seen) {
            return UInt32(index + 1)
        }
        return nil
    }

    static func wireFlags(_ flags: MessageFlags) -> [Flag] {
        flags.sorted.map(Flag.init(wire:))
    }

    private func lowerBound(_ uid: MessageUID) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].uid < uid { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
