import IMAPCodec
import MailwardCore

/// One session's view of its selected mailbox: the UID list that defines message sequence
/// numbers, and the flags the client was last told. Other sessions and deliveries change the
/// store at any time; this snapshot changes only when the session may tell the client
/// (RFC 3501 §7: EXPUNGE not during FETCH/STORE/SEARCH), via ``refresh(with:highestModSeq:includeExpunges:)``.
/// Pure: tested without a store.
public struct SelectedMailbox: Sendable, Equatable {
    public let mailboxID: MailboxID
    /// The account the mailbox belongs to: the session's own, or a colleague's who shared it.
    public let ownerID: AccountID
    /// The name the client selected (`Shared/<owner>/<folder>` for a colleague's mailbox).
    public let name: String
    public let uidValidity: UInt32
    public let readOnly: Bool
    /// Ascending; index + 1 is the sequence number.
    public private(set) var uids: [MessageUID]
    public private(set) var flags: [MessageUID: MessageFlags]
    public private(set) var modSeqs: [MessageUID: ModSeq]
    /// The mailbox's HIGHESTMODSEQ when the snapshot was last brought up to date.
    public private(set) var highestModSeq: ModSeq

    public init(mailbox: Mailbox, records: [MessageRecord], readOnly: Bool, name: String? = nil) {
        mailboxID = mailbox.id
        ownerID = mailbox.accountID
        self.name = name ?? mailbox.name
        uidValidity = mailbox.uidValidity
        self.readOnly = readOnly
        let sorted = records.sorted { $0.uid < $1.uid }
        uids = sorted.map(\.uid)
        flags = Dictionary(uniqueKeysWithValues: sorted.map { ($0.uid, $0.flags) })
        modSeqs = Dictionary(uniqueKeysWithValues: sorted.map { ($0.uid, $0.modSeq) })
        highestModSeq = mailbox.highestModSeq
    }

    public var count: Int { uids.count }

    /// The sequence number of a UID in the snapshot.
    public func sequenceNumber(of uid: MessageUID) -> UInt32? {
        let i = lowerBound(uid)
        return i < uids.count && uids[i] == uid ? UInt32(i + 1) : nil
    }

    /// The UIDs a sequence set names, ascending, only those in the snapshot. `uid` says whether
    /// the set holds UIDs or sequence numbers; `saved` is the `$` of SEARCHRES.
    public func resolve(_ set: SequenceSet, uid: Bool, saved: [MessageUID] = []) -> [MessageUID] {
        switch set {
        case .lastSearchResult:
            return saved.filter { sequenceNumber(of: $0) != nil }
        case .ranges(let ranges):
            guard let largestUID = uids.last else { return [] }
            let largest = uid ? largestUID : UInt32(uids.count)
            // Merged first, so a hostile `1:*,1:*,…` costs no more than one `1:*`.
            var picked: [MessageUID] = []
            for r in Self.merged(ranges, largest: largest) {
                if uid {
                    var i = lowerBound(r.lowerBound)
                    while i < uids.count, uids[i] <= r.upperBound {
                        picked.append(uids[i])
                        i += 1
                    }
                } else {
                    guard r.lowerBound >= 1, r.lowerBound <= UInt32(uids.count) else { continue }
                    let upper = min(r.upperBound, UInt32(uids.count))
                    picked.append(contentsOf: uids[(Int(r.lowerBound) - 1)..<Int(upper)])
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
                if case .number(let v) = n, v > UInt32(uids.count) { return true }
            }
        }
        return false
    }

    /// Brings the snapshot up to date with the store's current list and returns what to tell the
    /// client: `EXPUNGE`s (highest number first, so each stays valid), flag `FETCH`es, `EXISTS`.
    /// Without `includeExpunges` (during FETCH/STORE/SEARCH by number) expunged messages stay in
    /// the snapshot and only flag changes and new messages are announced.
    public mutating func refresh(with records: [MessageRecord], highestModSeq: ModSeq, includeExpunges: Bool = true,
                                 condstore: Bool = false) -> [UntaggedResponse] {
        var responses: [UntaggedResponse] = []
        let current = Dictionary(records.map { ($0.uid, $0) }, uniquingKeysWith: { a, _ in a })
        if includeExpunges {
            for index in uids.indices.reversed() where current[uids[index]] == nil {
                let uid = uids[index]
                uids.remove(at: index)
                flags[uid] = nil
                modSeqs[uid] = nil
                responses.append(.expunge(UInt32(index + 1)))
            }
        }
        for (index, uid) in uids.enumerated() {
            guard let record = current[uid] else { continue }
            if flags[uid] != record.flags {
                flags[uid] = record.flags
                modSeqs[uid] = record.modSeq
                var items: [FetchResponseItem] = [.uid(uid), .flags(Self.wireFlags(record.flags))]
                if condstore { items.append(.modSequence(UInt64(max(record.modSeq, 0)))) }
                responses.append(.fetch(UInt32(index + 1), items))
            } else {
                modSeqs[uid] = record.modSeq
            }
        }
        let newest = uids.last ?? 0
        let added = records.filter { $0.uid > newest }.sorted { $0.uid < $1.uid }
        for record in added {
            uids.append(record.uid)
            flags[record.uid] = record.flags
            modSeqs[record.uid] = record.modSeq
        }
        if !added.isEmpty { responses.append(.exists(UInt32(uids.count))) }
        if includeExpunges { self.highestModSeq = highestModSeq }
        return responses
    }

    /// This session expunged (or moved away) `removed`: the `EXPUNGE`s to send.
    public mutating func expunge(_ removed: [MessageUID]) -> [UntaggedResponse] {
        let gone = Set(removed)
        var responses: [UntaggedResponse] = []
        for index in uids.indices.reversed() where gone.contains(uids[index]) {
            flags[uids[index]] = nil
            modSeqs[uids[index]] = nil
            uids.remove(at: index)
            responses.append(.expunge(UInt32(index + 1)))
        }
        return responses
    }

    /// This session changed a message's flags (STORE, FETCH BODY[] setting `\Seen`).
    public mutating func update(_ record: MessageRecord) {
        guard sequenceNumber(of: record.uid) != nil else { return }
        flags[record.uid] = record.flags
        modSeqs[record.uid] = record.modSeq
    }

    /// The first UID not seen by the client (for `OK [UNSEEN n]`: its sequence number).
    public var firstUnseen: UInt32? {
        for (index, uid) in uids.enumerated() where !(flags[uid]?.contains(MessageFlags.seen) ?? false) {
            return UInt32(index + 1)
        }
        return nil
    }

    static func wireFlags(_ flags: MessageFlags) -> [Flag] {
        flags.sorted.map(Flag.init(wire:))
    }

    private func lowerBound(_ uid: MessageUID) -> Int {
        var lo = 0, hi = uids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if uids[mid] < uid { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
