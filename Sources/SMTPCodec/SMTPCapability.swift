/// One line of an EHLO response (RFC 5321 §4.1.1.1), i.e. a service extension the server offers.
public enum SMTPCapability: Hashable, Sendable {
    /// RFC 1870. `nil` advertises SIZE without a fixed limit.
    case size(Int?)
    /// RFC 2920
    case pipelining
    /// RFC 6152
    case eightBitMIME
    /// RFC 3030
    case binaryMIME
    /// RFC 3030 (BDAT)
    case chunking
    /// RFC 2034
    case enhancedStatusCodes
    /// RFC 3207
    case startTLS
    /// RFC 6531
    case smtpUTF8
    /// RFC 4954, e.g. `.auth(["PLAIN", "LOGIN"])`.
    case auth([String])
    /// RFC 3461
    case dsn
    /// Anything else, written as given (keyword and parameters).
    case other(String)

    /// The EHLO line text for this capability.
    public var ehloLine: String {
        switch self {
        case .size(let limit): return limit.map { "SIZE \($0)" } ?? "SIZE"
        case .pipelining: return "PIPELINING"
        case .eightBitMIME: return "8BITMIME"
        case .binaryMIME: return "BINARYMIME"
        case .chunking: return "CHUNKING"
        case .enhancedStatusCodes: return "ENHANCEDSTATUSCODES"
        case .startTLS: return "STARTTLS"
        case .smtpUTF8: return "SMTPUTF8"
        case .auth(let mechanisms): return (["AUTH"] + mechanisms).joined(separator: " ")
        case .dsn: return "DSN"
        case .other(let text): return text
        }
    }
}

extension SMTPReply {
    /// The 250 EHLO response: first line `hostname greeting`, then one line per capability.
    ///
    /// No enhanced status code is used on EHLO lines (as Postfix and RFC 2034 examples do).
    public static func ehlo(hostname: String, greeting: String? = nil, capabilities: [SMTPCapability]) -> SMTPReply {
        let first = greeting.map { "\(hostname) \($0)" } ?? hostname
        return SMTPReply(code: 250, enhancedStatusCode: nil, lines: [first] + capabilities.map(\.ehloLine))
    }

    /// The 250 HELO response (RFC 5321 §4.1.1.1): a single line, no extensions.
    public static func helo(hostname: String) -> SMTPReply {
        SMTPReply(code: 250, nil, hostname)
    }
}
