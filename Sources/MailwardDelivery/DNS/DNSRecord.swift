/// DNS record types Mailward asks for (RFC 1035, RFC 3596): delivery (MX, A, AAAA) and the
/// checks of incoming senders (TXT for SPF, DKIM and DMARC; PTR for SPF's `ptr`).
public enum DNSRecordType: UInt16, Sendable, CaseIterable {
    case a = 1
    case cname = 5
    case ptr = 12
    case mx = 15
    case txt = 16
    case aaaa = 28
}

/// The data of one answer record, decoded for the types we use.
public enum DNSRecordData: Sendable, Equatable {
    /// Dotted-quad text, e.g. `192.0.2.1`.
    case a(String)
    /// Full (uncompressed) IPv6 text, e.g. `2001:db8:0:0:0:0:0:1`.
    case aaaa(String)
    /// A mail exchanger; `exchange` is lowercased without the trailing dot (`""` for the root,
    /// the RFC 7505 "null MX").
    case mx(preference: UInt16, exchange: String)
    /// The character-strings of one TXT record.
    case txt([[UInt8]])
    case cname(String)
    /// The name a reverse (`in-addr.arpa` / `ip6.arpa`) entry points to, lowercased, no trailing dot.
    case ptr(String)
    /// Any other type, kept as raw bytes.
    case other(type: UInt16, bytes: [UInt8])
}

extension DNSRecordData {
    /// A TXT record's text: its character-strings joined without separators (RFC 7208 §3.3,
    /// RFC 6376 §3.6.2.2); nil for other records.
    public var text: String? {
        if case .txt(let strings) = self { return String(decoding: strings.joined(), as: UTF8.self) }
        return nil
    }
}

/// One resource record of the answer section.
public struct DNSResourceRecord: Sendable, Equatable {
    /// Lowercased owner name without the trailing dot.
    public var name: String
    public var type: UInt16
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, type: UInt16, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// The parts of a DNS response the resolver needs.
public struct DNSResponse: Sendable, Equatable {
    public var id: UInt16
    public var isResponse: Bool
    /// TC: the answer did not fit the UDP datagram; ask again over TCP.
    public var isTruncated: Bool
    /// RCODE: 0 no error, 2 server failure, 3 name does not exist, …
    public var responseCode: UInt8
    public var questionName: String?
    public var questionType: UInt16?
    public var answers: [DNSResourceRecord]

    public init(id: UInt16, isResponse: Bool, isTruncated: Bool, responseCode: UInt8, questionName: String?,
                questionType: UInt16?, answers: [DNSResourceRecord]) {
        self.id = id
        self.isResponse = isResponse
        self.isTruncated = isTruncated
        self.responseCode = responseCode
        self.questionName = questionName
        self.questionType = questionType
        self.answers = answers
    }
}

/// A DNS message that cannot be used. Hostile input ends here, never in a crash or a loop.
public struct DNSMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "malformed DNS message: \(reason)" }
}
