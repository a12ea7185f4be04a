/// A response code, the bracketed part of a status response (RFC 3501 §7.1, RFC 5530,
/// RFC 4315 UIDPLUS, RFC 7162 CONDSTORE/QRESYNC, RFC 9051).
public enum ResponseCode: Sendable, Equatable {
    case alert
    case alreadyExists
    case appendUID(uidValidity: UInt32, uids: SequenceSet)
    case authenticationFailed
    case authorizationFailed
    case badCharset([String])
    case cannot
    case capability([String])
    case clientBug
    case closed
    case contactAdmin
    case copyUID(uidValidity: UInt32, source: SequenceSet, destination: SequenceSet)
    case corruption
    case expired
    case expungeIssued
    case hasChildren
    case highestModSeq(UInt64)
    case inUse
    case limit
    case modified(SequenceSet)
    case noModSeq
    case nonExistent
    case noPerm
    case overQuota
    case parse
    case permanentFlags([Flag], allowsNewKeywords: Bool)
    case privacyRequired
    case readOnly
    case readWrite
    case serverBug
    case tooBig
    case tryCreate
    case uidNext(UInt32)
    case uidNotSticky
    case uidValidity(UInt32)
    case unavailable
    /// A BINARY fetch of a part whose content transfer encoding is not known (RFC 3516 §4.3).
    case unknownCTE
    case unseen(UInt32)
    case useAttribute
    /// Anything else, written verbatim between the brackets (must be an atom plus optional text).
    case other(String)
}
