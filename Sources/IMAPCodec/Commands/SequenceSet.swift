/// A sequence set (RFC 3501 §9 `sequence-set`, RFC 5182 `$`), as message sequence numbers or UIDs.
///
/// Ranges keep the order the client wrote them in (`5:2` is the same as `2:5`); use
/// ``SequenceRange/resolved(largest:)`` to get a closed range once `*` is known.
public enum SequenceSet: Sendable, Hashable {
    case ranges([SequenceRange])
    /// `$`: the result saved by a previous `SEARCH RETURN (SAVE)`.
    case lastSearchResult
}

/// `seq-number / seq-range` — one element of a sequence set.
public struct SequenceRange: Sendable, Hashable {
    public var first: SequenceNumber
    public var last: SequenceNumber

    public init(_ first: SequenceNumber, _ last: SequenceNumber) {
        self.first = first
        self.last = last
    }

    public init(_ single: SequenceNumber) {
        self.init(single, single)
    }

    /// The closed range, with `*` replaced by `largest` (the highest number or UID in the mailbox).
    public func resolved(largest: UInt32) -> ClosedRange<UInt32> {
        let a = first.resolved(largest: largest)
        let b = last.resolved(largest: largest)
        return min(a, b)...max(a, b)
    }
}

/// `seq-number = nz-number / "*"`.
public enum SequenceNumber: Sendable, Hashable {
    case number(UInt32)
    /// `*`: the largest number in use.
    case last

    public func resolved(largest: UInt32) -> UInt32 {
        switch self {
        case .number(let n): return n
        case .last: return largest
        }
    }
}
