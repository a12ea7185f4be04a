/// A set of IMAP flags and keywords. System flags are kept in their canonical spelling
/// (`\Seen`); keywords keep the case they were first given and compare case-insensitively
/// (RFC 3501 §2.3.2).
public struct MessageFlags: Hashable, Sendable, Codable, ExpressibleByArrayLiteral, Sequence {
    public static let seen = "\\Seen"
    public static let answered = "\\Answered"
    public static let flagged = "\\Flagged"
    public static let deleted = "\\Deleted"
    public static let draft = "\\Draft"
    public static let systemFlags = [answered, flagged, deleted, seen, draft]

    private var byKey: [String: String] = [:]

    public init() {}

    public init<S: Sequence>(_ flags: S) where S.Element == String {
        for flag in flags { insert(flag) }
    }

    public init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    /// A flag as stored: system flags canonical, `\Recent` and malformed names dropped.
    public static func canonical(_ flag: String) -> String? {
        guard !flag.isEmpty, flag.utf8.count <= 128,
              !flag.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "\"" || $0.isNewline }) else { return nil }
        if flag.hasPrefix("\\") {
            return systemFlags.first { $0.caseInsensitiveCompare(flag) == .orderedSame }
        }
        return flag
    }

    public mutating func insert(_ flag: String) {
        guard let canonical = Self.canonical(flag) else { return }
        let key = canonical.lowercased()
        if byKey[key] == nil { byKey[key] = canonical }
    }

    public mutating func remove(_ flag: String) {
        byKey[flag.lowercased()] = nil
    }

    public func contains(_ flag: String) -> Bool { byKey[flag.lowercased()] != nil }

    public func union(_ other: MessageFlags) -> MessageFlags {
        var result = self
        for flag in other { result.insert(flag) }
        return result
    }

    public func subtracting(_ other: MessageFlags) -> MessageFlags {
        var result = self
        for flag in other { result.remove(flag) }
        return result
    }

    /// The keywords among the flags: those that are not system flags (`$Forwarded`, a
    /// Thunderbird tag), each in the case it was first given.
    public var keywords: MessageFlags {
        var result = MessageFlags()
        for (key, flag) in byKey where !flag.hasPrefix("\\") { result.byKey[key] = flag }
        return result
    }

    public var isEmpty: Bool { byKey.isEmpty }
    public var count: Int { byKey.count }

    /// Sorted: system flags first in RFC order, then keywords alphabetically.
    public var sorted: [String] {
        let system = Self.systemFlags.filter { contains($0) }
        let keywords = byKey.filter { !$0.value.hasPrefix("\\") }.sorted { $0.key < $1.key }.map(\.value)
        return system + keywords
    }

    public func makeIterator() -> IndexingIterator<[String]> { sorted.makeIterator() }

    /// The stored form: space separated, sorted.
    public var serialized: String { sorted.joined(separator: " ") }

    public init(serialized: String) {
        self.init(serialized.split(separator: " ").map(String.init))
    }

    public static func == (lhs: MessageFlags, rhs: MessageFlags) -> Bool {
        Set(lhs.byKey.keys) == Set(rhs.byKey.keys)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Set(byKey.keys))
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String].self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(sorted)
    }
}
