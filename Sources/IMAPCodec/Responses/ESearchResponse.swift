/// `* ESEARCH (TAG "a1") UID MIN 2 MAX 9 COUNT 4 ALL 2:4,9` (RFC 4731, RFC 7162 MODSEQ).
public struct ESearchResponse: Sendable, Equatable {
    /// The tag of the SEARCH command this answers.
    public var tag: String?
    public var uid: Bool
    public var min: UInt32?
    public var max: UInt32?
    public var all: SequenceSet?
    public var count: UInt32?
    public var modSequence: UInt64?

    public init(tag: String?, uid: Bool, min: UInt32? = nil, max: UInt32? = nil, all: SequenceSet? = nil,
                count: UInt32? = nil, modSequence: UInt64? = nil) {
        self.tag = tag
        self.uid = uid
        self.min = min
        self.max = max
        self.all = all
        self.count = count
        self.modSequence = modSequence
    }
}
