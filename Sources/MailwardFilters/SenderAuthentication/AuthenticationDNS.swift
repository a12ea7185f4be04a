import MailwardCore
import MailwardDelivery

/// A DNS lookup could not be answered (timeout, SERVFAIL, REFUSED): the checks say `temperror`.
struct DNSTemporaryFailure: Error, Sendable, CustomStringConvertible {
    let name: String
    let reason: String
    var description: String { "DNS lookup of \(name) failed: \(reason)" }
}

/// The DNS questions of SPF, DKIM and DMARC, over the server's resolver (``DNSResolving/records(_:type:)``):
/// a name that does not exist or has no such records is an empty answer (a "void lookup" to
/// SPF); any other failure, or a lookup after the deadline, is a ``DNSTemporaryFailure``.
struct AuthenticationDNS: Sendable {
    let resolver: any DNSResolving
    /// After this, lookups fail at once (the checks of one message are bounded in time).
    var deadline: ContinuousClock.Instant?

    func records(_ name: String, _ type: DNSRecordType) async throws(DNSTemporaryFailure) -> [DNSRecordData] {
        if let deadline, ContinuousClock.now >= deadline { throw DNSTemporaryFailure(name: name, reason: "out of time") }
        do {
            return try await resolver.records(name, type: type)
        } catch is DNSMessageError {
            // A name the query cannot carry (empty or long labels, spaces) does not exist.
            return []
        } catch {
            throw DNSTemporaryFailure(name: name, reason: "\(error)")
        }
    }

    /// TXT records, each joined from its character-strings (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
    func txt(_ name: String) async throws(DNSTemporaryFailure) -> [String] {
        try await records(name, .txt).compactMap(\.text)
    }

    /// The A (for an IPv4 client) or AAAA records of a name.
    func addresses(_ name: String, v6: Bool) async throws(DNSTemporaryFailure) -> [IPAddressBytes] {
        try await records(name, v6 ? .aaaa : .a).compactMap {
            switch $0 {
            case .a(let text), .aaaa(let text): IPAddressBytes(text)
            default: nil
            }
        }
    }
}
