/// Deterministic input mutations (a fixed seed gives the same run every time).
struct Mutator {
    var random: SplitMix64

    /// Bytes that matter to the POP3 grammar, preferred when inserting.
    static let interesting: [UInt8] = Array(" \r\n=*+/.0123456789-".utf8) + [0, 0x09, 0x7F, 0x80, 0xFF]
    static let tokens: [String] = ["\r\n", "\n", "\r", " ", "AUTH PLAIN ", "=", "*", "PASS ", "USER ", "0", "-1",
                                   "99999999999999999999", "RETR ", "TOP 1 ", "STLS\r\n", "QUIT\r\n", "AGFubgBwdw=="]

    mutating func mutate(_ input: [UInt8], corpus: [[UInt8]]) -> [UInt8] {
        var bytes = input
        let rounds = 1 + Int(random.next() % 4)
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1))
            switch random.next() % 9 {
            case 0 where !bytes.isEmpty && position < bytes.count:
                bytes[position] ^= UInt8(1 << (random.next() % 8))
            case 1:
                bytes.insert(Self.interesting[Int(random.next() % UInt64(Self.interesting.count))], at: position)
            case 2 where position < bytes.count:
                let length = min(bytes.count - position, 1 + Int(random.next() % 8))
                bytes.removeSubrange(position..<(position + length))
            case 3 where position < bytes.count:
                let length = min(bytes.count - position, 1 + Int(random.next() % 16))
                bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
            case 4:
                bytes.insert(contentsOf: Array(Self.tokens[Int(random.next() % UInt64(Self.tokens.count))].utf8), at: position)
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

/// SplitMix64: tiny, fast, deterministic.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
