/// An extended response code in brackets after `-ERR` (RFC 2449 §8, RFC 3206), e.g.
/// `-ERR [AUTH] Invalid credentials`. Codes are hierarchical (`SYS/TEMP`).
public struct POP3ResponseCode: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    /// `rawValue` must be printable ASCII without spaces or brackets.
    public init(_ rawValue: String) {
        precondition(
            !rawValue.isEmpty && rawValue.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "]") },
            "invalid POP3 response code")
        self.rawValue = rawValue
    }

    /// RFC 3206: the failure is due to the credentials (do not retry with them).
    public static let auth = POP3ResponseCode("AUTH")
    /// RFC 2449: the maildrop is locked by another session.
    public static let inUse = POP3ResponseCode("IN-USE")
    /// RFC 2449: the client signed in too soon after the previous sign-in.
    public static let loginDelay = POP3ResponseCode("LOGIN-DELAY")
    /// RFC 3206: a temporary system failure.
    public static let systemTemporary = POP3ResponseCode("SYS/TEMP")
    /// RFC 3206: a permanent system failure.
    public static let systemPermanent = POP3ResponseCode("SYS/PERM")
    /// RFC 6856: the request needs UTF-8 support.
    public static let utf8 = POP3ResponseCode("UTF8")

    public var description: String { self.rawValue }
}
