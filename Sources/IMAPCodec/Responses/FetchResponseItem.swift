import NIOCore

/// One `msg-att` of a FETCH response (RFC 3501 §7.4.2).
public enum FetchResponseItem: Sendable, Equatable {
    case uid(UInt32)
    case flags([Flag])
    case internalDate(IMAPDateTime)
    case rfc822Size(UInt64)
    case modSequence(UInt64)
    case envelope(IMAPEnvelope)
    /// `BODYSTRUCTURE` (extensible) or `BODY` (no extension data).
    case bodyStructure(IMAPBodyStructure, extensible: Bool)
    /// `BODY[section]<origin> data`; nil data is written as `NIL`.
    case bodySection(SectionSpecifier, origin: UInt32?, data: ByteBuffer?)
    /// `BINARY[part]<origin> ~{n}data` (RFC 3516).
    case binary(part: [Int], origin: UInt32?, data: ByteBuffer?)
    case binarySize(part: [Int], size: UInt64)
    case rfc822(ByteBuffer?)
    case rfc822Header(ByteBuffer?)
    case rfc822Text(ByteBuffer?)
}
