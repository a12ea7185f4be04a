/// One ESMTP parameter of MAIL FROM / RCPT TO (RFC 5321 §4.1.2):
///
///     esmtp-param   = esmtp-keyword ["=" esmtp-value]
///     esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
///     esmtp-value   = 1*(%d33-60 / %d62-126)   ; RFC 6531 adds UTF8-non-ascii
public struct SMTPParameter: Hashable, Sendable, CustomStringConvertible {
    /// Uppercased keyword, e.g. `SIZE`.
    public var keyword: String
    public var value: String?

    public init(keyword: String, value: String? = nil) {
        self.keyword = keyword.uppercased()
        self.value = value
    }

    public var description: String { self.value.map { "\(self.keyword)=\($0)" } ?? self.keyword }
}
