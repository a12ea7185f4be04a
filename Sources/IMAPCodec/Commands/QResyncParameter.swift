/// The payload of `QRESYNC` in SELECT / EXAMINE (RFC 7162 §3.2.5).
public struct QResyncParameter: Sendable, Equatable {
    public var uidValidity: UInt32
    public var modSequence: UInt64
    public var knownUIDs: SequenceSet?
    /// Pairs of message sequence numbers and their UIDs, to narrow VANISHED.
    public var sequenceMatch: (sequences: SequenceSet, uids: SequenceSet)?

    public init(uidValidity: UInt32, modSequence: UInt64, knownUIDs: SequenceSet? = nil,
                sequenceMatch: (sequences: SequenceSet, uids: SequenceSet)? = nil) {
        self.uidValidity = uidValidity
        self.modSequence = modSequence
        self.knownUIDs = knownUIDs
        self.sequenceMatch = sequenceMatch
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.uidValidity == rhs.uidValidity && lhs.modSequence == rhs.modSequence
            && lhs.knownUIDs == rhs.knownUIDs
            && lhs.sequenceMatch?.sequences == rhs.sequenceMatch?.sequences
            && lhs.sequenceMatch?.uids == rhs.sequenceMatch?.uids
    }
}
