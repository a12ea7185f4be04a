/// An RFC 3463 enhanced mail system status code, e.g. `5.1.1`.
public struct SMTPEnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public var statusClass: Int
    /// 0...999
    public var subject: Int
    /// 0...999
    public var detail: Int

    /// Programmer-supplied code; out-of-range values are a programming error.
    public init(_ statusClass: Int, _ subject: Int, _ detail: Int) {
        precondition([2, 4, 5].contains(statusClass), "enhanced status class must be 2, 4 or 5")
        precondition((0...999).contains(subject) && (0...999).contains(detail), "subject/detail out of range")
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `class "." subject "." detail` (RFC 3463 §2); nil if malformed.
    ///
    ///     status-code = class "." subject "." detail
    ///     class       = "2" / "4" / "5"
    ///     subject     = 1*3digit
    ///     detail      = 1*3digit
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts[0].count == 1, let statusClass = Int(parts[0]), [2, 4, 5].contains(statusClass),
            (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit), let subject = Int(parts[1]),
            (1...3).contains(parts[2].count), parts[2].allSatisfy(\.isASCIIDigit), let detail = Int(parts[2])
        else { return nil }
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    public var description: String { "\(self.statusClass).\(self.subject).\(self.detail)" }
}

extension Character {
    /// True for "0"..."9" only (unlike `isNumber`, which accepts other scripts).
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
