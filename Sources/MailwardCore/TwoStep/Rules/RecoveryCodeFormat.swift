/// One-time recovery codes (B1): the way into an account whose phone and authenticator app are
/// both lost, without an administrator. Ten at a time, each `xxxxx-xxxxx` over the look-alike-free
/// alphabet of client-specific passwords (~49 bits each: guessing is bounded by the sign-in's
/// failure limits long before it could matter). Input ignores case, blanks and dashes.
public enum RecoveryCodeFormat {
    public static let count = 10
    public static let length = 10

    public static func generate(_ random: any RandomSource) -> [String] {
        (0..<count).map { _ in
            let code = random.string(length: length, alphabet: AppPasswordFormat.alphabet)
            return "\(code.prefix(5))-\(code.suffix(5))"
        }
    }

    /// The canonical form of typed input (what is hashed), or nil when it cannot be a code.
    public static func normalize(_ typed: String) -> String? {
        AppPasswordFormat.normalize(typed, length: length)
    }
}
