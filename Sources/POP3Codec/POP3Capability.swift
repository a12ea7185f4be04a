/// One line of a CAPA response (RFC 2449 §6, RFC 2595, RFC 5034, RFC 6856).
public enum POP3Capability: Hashable, Sendable {
    case top
    case user
    /// `SASL PLAIN ...`
    case sasl([String])
    case responseCodes
    /// `LOGIN-DELAY seconds`
    case loginDelay(Int)
    case pipelining
    /// `EXPIRE days` or `EXPIRE NEVER` (given as text).
    case expire(String)
    case uidl
    /// `IMPLEMENTATION text`
    case implementation(String)
    case stls
    /// RFC 3206 `AUTH-RESP-CODE`
    case authResponseCode
    /// RFC 6856 `UTF8` (optionally `UTF8 USER`)
    case utf8(user: Bool)
    case other(String)

    public var capaLine: String {
        switch self {
        case .top: return "TOP"
        case .user: return "USER"
        case .sasl(let mechanisms): return (["SASL"] + mechanisms).joined(separator: " ")
        case .responseCodes: return "RESP-CODES"
        case .loginDelay(let seconds): return "LOGIN-DELAY \(seconds)"
        case .pipelining: return "PIPELINING"
        case .expire(let policy): return "EXPIRE \(policy)"
        case .uidl: return "UIDL"
        case .implementation(let text): return "IMPLEMENTATION \(text)"
        case .stls: return "STLS"
        case .authResponseCode: return "AUTH-RESP-CODE"
        case .utf8(let user): return user ? "UTF8 USER" : "UTF8"
        case .other(let text): return text
        }
    }
}
