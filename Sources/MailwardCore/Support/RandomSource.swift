import Foundation

/// Where secrets come from: codes, tokens, salts, client-specific passwords. Injected so tests
/// can be deterministic; production uses the system CSPRNG.
public protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}

extension RandomSource {
    /// A uniformly distributed integer in `0..<upperBound` (rejection sampling, no modulo bias).
    public func uniform(below upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0)
        let limit = UInt32.max - (UInt32.max % upperBound)
        while true {
            let b = bytes(4)
            let value = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
            if value < limit { return value % upperBound }
        }
    }

    /// A string of `length` characters drawn uniformly from `alphabet`.
    public func string(length: Int, alphabet: [Character]) -> String {
        String((0..<length).map { _ in alphabet[Int(uniform(below: UInt32(alphabet.count)))] })
    }
}

/// The operating system's CSPRNG.
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
