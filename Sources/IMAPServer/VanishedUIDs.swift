import IMAPCodec
import MailwardCore

/// RFC 7162 QRESYNC: which of the UIDs a client names are no longer in the mailbox, for
/// `VANISHED (EARLIER)` (SELECT/EXAMINE with the QRESYNC parameter, `UID FETCH … (CHANGEDSINCE m
/// VANISHED)`). Pure.
///
/// The store keeps no list of expunged UIDs, only the MODSEQ of each mailbox's latest expunge
/// (`MailboxChanges.uids` comes when there was one since the client's MODSEQ). So when anything
/// was expunged since, every UID the client names below UIDNEXT that the mailbox does not hold is
/// reported — also one expunged before that MODSEQ, or one never given out; a client forgets the
/// ones it has and ignores the others (RFC 7162 §3.2.5.1 and §3.2.6 allow a server without a full
/// expunge history this answer, and the client's known-UIDs keep it short). When nothing was
/// expunged since, nothing is reported.
enum VanishedUIDs {
    /// The numbers of `asked` (sorted, non-overlapping, as ``SelectedMailbox/merged(_:)`` gives
    /// them) up to `largestAssigned` that are not in `present` (ascending, no repeats), as
    /// ranges; bounded by the mailbox's size whatever the client asked (`1:4294967295` too).
    static func missing(from asked: [ClosedRange<UInt32>], largestAssigned: UInt32,
                        present: [MessageUID]) -> [ClosedRange<UInt32>] {
        var missing: [ClosedRange<UInt32>] = []
        var j = 0
        for range in asked where range.lowerBound <= largestAssigned {
            var next = UInt64(range.lowerBound)
            let upper = UInt64(min(range.upperBound, largestAssigned))
            while j < present.count, UInt64(present[j]) < next { j += 1 }
            while j < present.count, UInt64(present[j]) <= upper {
                let held = UInt64(present[j])
                if held > next { missing.append(UInt32(next)...UInt32(held - 1)) }
                next = held + 1
                j += 1
            }
            if next <= upper { missing.append(UInt32(next)...UInt32(upper)) }
        }
        return missing
    }

    /// Two ascending UID lists as one, without repeats (the session's snapshot and the store:
    /// a UID either still holds is not vanished).
    static func union(_ a: [MessageUID], _ b: [MessageUID]) -> [MessageUID] {
        var merged: [MessageUID] = []
        merged.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: MessageUID
            if j >= b.count || (i < a.count && a[i] <= b[j]) { next = a[i]; i += 1 } else { next = b[j]; j += 1 }
            if merged.last != next { merged.append(next) }
        }
        return merged
    }

    /// `* VANISHED (EARLIER) …` for `missing`, or nil when nothing is.
    static func response(_ missing: [ClosedRange<UInt32>]) -> UntaggedResponse? {
        guard !missing.isEmpty else { return nil }
        return .vanished(earlier: true, .ranges(missing.map { SequenceRange(.number($0.lowerBound), .number($0.upperBound)) }))
    }
}
