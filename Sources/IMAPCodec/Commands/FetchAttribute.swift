/// A FETCH data item (RFC 3501 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ).
/// The macros `ALL`, `FAST` and `FULL` are expanded by the parser.
public enum FetchAttribute: Sendable, Hashable {
    case envelope
    case flags
    case internalDate
    case uid
    case rfc822
    case rfc822Header
    case rfc822Size
    case rfc822Text
    /// `BODY` (non-extensible BODYSTRUCTURE).
    case bodyStructure(extensible: Bool)
    /// `BODY[section]<partial>` / `BODY.PEEK[...]`.
    case bodySection(SectionSpecifier, partial: ClosedRange<UInt32>?, peek: Bool)
    /// `BINARY[part]<partial>` / `BINARY.PEEK[...]`.
    case binary(part: [Int], partial: ClosedRange<UInt32>?, peek: Bool)
    case binarySize(part: [Int])
    case modSequence

    /// `ALL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`
    public static let allMacro: [FetchAttribute] = [.flags, .internalDate, .rfc822Size, .envelope]
    /// `FAST` = `(FLAGS INTERNALDATE RFC822.SIZE)`
    public static let fastMacro: [FetchAttribute] = [.flags, .internalDate, .rfc822Size]
    /// `FULL` = `(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)`
    public static let fullMacro: [FetchAttribute] = allMacro + [.bodyStructure(extensible: false)]
}
