/// `THREAD algorithm charset search-keys` (RFC 5256 §3).
public struct ThreadCommand: Sendable, Equatable {
    public var algorithm: ThreadAlgorithm
    /// The charset of the search strings (required by THREAD's grammar).
    public var charset: String
    /// The search keys, implicitly AND-ed; never empty.
    public var keys: [SearchKey]

    public init(algorithm: ThreadAlgorithm, charset: String, keys: [SearchKey]) {
        self.algorithm = algorithm
        self.charset = charset
        self.keys = keys
    }
}

/// The threading algorithms of RFC 5256 §3 (advertised as `THREAD=…`).
public enum ThreadAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Threads of messages with the same base subject ("poor man's threading").
    case orderedSubject = "ORDEREDSUBJECT"
    /// Threads rebuilt from `References:` / `In-Reply-To:`, then joined by base subject.
    case references = "REFERENCES"
}
