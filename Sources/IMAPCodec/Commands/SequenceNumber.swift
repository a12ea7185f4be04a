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
