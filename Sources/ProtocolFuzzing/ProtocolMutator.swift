/// Deterministic mutations of protocol transcripts for the line-protocol fuzzers (`imap-fuzz`,
/// `pop3-fuzz`, `smtp-fuzz`): bit flips, insertions of bytes and tokens that matter to the grammar, cuts,
/// repeats, splices with other corpus entries, long runs for the line bounds. A fixed seed gives
/// the same run every time.
public struct ProtocolMutator {
    public var random: SplitMix64
    /// Bytes that matter to the grammar, preferred when inserting.
    public let interesting: [UInt8]
    /// Fragments that steer mutations into interesting parser states.
    public let tokens: [[UInt8]]

    public init(seed: UInt64, interesting: [UInt8], tokens: [String]) {
        self.random = SplitMix64(seed: seed)
        self.interesting = interesting
        self.tokens = tokens.map { Array($0.utf8) }
    }

    public mutating func mutate(_ input: [UInt8], corpus: [[UInt8]]) -> [UInt8] {
        var bytes = input
        let rounds = 1 + Int(random.next() % 4)
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 9 {
            case 0 where !bytes.isEmpty && position < bytes.count:
                bytes[position] ^= UInt8(1 << (random.next() % 8))
            case 1:
                bytes.insert(interesting[Int(random.next() % UInt64(interesting.count))], at: position)
            case 2 where position < bytes.count:
                let length = min(bytes.count - position, 1 + Int(random.next() % 8))
                bytes.removeSubrange(position..<(position + length))
            case 3 where position < bytes.count:
                let length = min(bytes.count - position, 1 + Int(random.next() % 16))
                bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
            case 4:
                bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position)
            case 5:
                let other = corpus[Int(random.next() % UInt64(corpus.count))]
                let cut = Int(random.next() % UInt64(other.count + 1))
                bytes = Array(bytes[..<position]) + Array(other[cut...])
            case 6:
                bytes = Array(bytes[..<position])
            case 7:
                // A long run: exercises the line-length bounds.
                let count = Int(random.next() % 600)
                bytes.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "A"), count: count), at: position)
            default:
                if let digit = bytes.indices.dropFirst(position).first(where: { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }) {
                    bytes[digit] = UInt8(0x30 + random.next() % 10)
                }
            }
        }
        return bytes
    }
}
