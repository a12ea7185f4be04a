/// What a flag change does to each copy, decided before a store writes anything — the one rule
/// every store keeps: copies modified after CONDSTORE's `unchangedSince` are left alone and
/// reported, copies that already have the flags are reported as they stand, and only when
/// some copy really changes does the mailbox take a new MODSEQ (given to all changed copies).
public struct FlagChangePlan: Sendable {
    public struct Change: Sendable {
        public var record: MessageRecord
        public var flags: MessageFlags
    }

    /// Copies whose flags change, with their new flags.
    public private(set) var changes: [Change] = []
    public private(set) var modifiedSince: [MessageUID] = []
    public private(set) var unchanged: [MessageState] = []

    public init(records: [MessageRecord], change: FlagChange, unchangedSince: ModSeq?) {
        for record in records {
            if let unchangedSince, record.modSeq > unchangedSince {
                modifiedSince.append(record.uid)
                continue
            }
            let flags = change.apply(to: record.flags)
            if flags != record.flags {
                changes.append(Change(record: record, flags: flags))
            } else {
                unchanged.append(MessageState(uid: record.uid, modSeq: record.modSeq, flags: record.flags))
            }
        }
    }

    /// The outcome once the changes were written under `modSeq` (nil: there were none).
    public func result(modSeq: ModSeq?) -> FlagUpdateResult {
        var updated: [MessageRecord] = []
        if let modSeq {
            for change in changes {
                var record = change.record
                record.flags = change.flags
                record.modSeq = modSeq
                updated.append(record)
            }
        }
        return FlagUpdateResult(updated: updated, modifiedSince: modifiedSince, unchanged: unchanged)
    }
}
