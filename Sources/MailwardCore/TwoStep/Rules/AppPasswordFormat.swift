import Foundation

/// The shape of client-specific passwords (A7): 16 characters over an alphabet without look-alikes
/// (no 0/o, 1/l/i), so they survive being read off a screen and typed on a phone. Input ignores
/// blanks and case, so `ABCD efgh JKMN pqrs` works.
public enum AppPasswordFormat {
    public static let length = 16
    public static let alphabet: [Character] = Array("abcdefghjkmnpqrstuvwxyz23456789")

    public static func generate(_ random: any RandomSource) -> String {
        random.string(length: length, alphabet: alphabet)
    }

    /// The canonical form of typed input, or `nil` when it cannot be a client-specific password.
    public static func normalize(_ typed: String) -> String? {
        normalize(typed, length: length)
    }

    /// Typed input over ``alphabet`` of `length` characters, read leniently (any case, blanks and
    /// dashes ignored): also the rule of recovery codes (``RecoveryCodeFormat``).
    static func normalize(_ typed: String, length: Int) -> String? {
        guard typed.utf8.count <= 64 else { return nil }
        let compact = typed.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        guard compact.count == length, compact.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return compact
    }

    /// For showing once: groups of four (also an authenticator key's Base32).
    public static func grouped(_ text: String) -> String {
        var groups: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return groups.joined(separator: " ")
    }

    /// A7: a name of 1–64 characters, trimmed, without control characters.
    public static func validName(_ raw: String) -> String? {
        try? TypedLabel.check(raw, limit: 64).get()
    }
}
