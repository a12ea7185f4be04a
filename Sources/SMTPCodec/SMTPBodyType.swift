/// The `BODY=` parameter of MAIL FROM (RFC 6152, RFC 3030).
public enum SMTPBodyType: String, Hashable, Sendable {
    case sevenBit = "7BIT"
    case eightBitMIME = "8BITMIME"
    /// Only valid together with BDAT (RFC 3030 §3).
    case binaryMIME = "BINARYMIME"
}
