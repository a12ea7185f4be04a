/// A command a POP3 client sends (RFC 1939, RFC 2449, RFC 2595, RFC 5034, RFC 6856).
/// Message numbers are validated positive integers.
public enum POP3Command: Hashable, Sendable {
    case user(String)
    /// The rest of the line after `PASS `, spaces included.
    case pass(String)
    /// `APOP name digest`; the digest is 32 hex digits, lowercased.
    case apop(name: String, digest: String)
    case stat
    case list(Int?)
    case retr(Int)
    case dele(Int)
    case noop
    case rset
    case quit
    /// `TOP msg n`: headers plus the first `lines` body lines (`lines` may be 0).
    case top(Int, lines: Int)
    case uidl(Int?)
    case capa
    case stls
    /// `AUTH [mechanism [initial-response]]`; mechanism uppercased; `=` means an empty response.
    /// `AUTH` alone asks for the mechanism list (RFC 1734 clients).
    case auth(mechanism: String?, initialResponse: String?)
    /// RFC 6856
    case utf8
}
