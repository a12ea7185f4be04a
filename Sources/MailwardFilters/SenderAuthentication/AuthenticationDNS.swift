import MailwardDelivery

/// A DNS lookup could not be answered (timeout, SERVFAIL, REFUSED): the checks say `temperror`.
struct DNSTemporaryFailure: Error, Sendable, CustomStringConvertible {
    let name: String
    let reason: String
    var description: String { "DNS lookup of \(name) failed: \(reason)" }
}

/// The DNS questions of SPF, DKIM and DMARC, over the server's stub resolver. An answer is the
/// records of the type asked (CNAME chains already followed by the recursive server); a name
/// that does not exist or has no such records is an empty answer (a "void lookup" to SPF); any
/// other failure is a ``DNSTemporaryFailure``.
struct AuthenticationDNS: Sendable {
    let resolver: any DNSResolving
    /// After this, lookups fail at once (the checks of one message are bounded in time).
    var deadline: ContinuousClock.Instant?

    func records(_ name: String, _ type: DNSRecordType) async throws(DNSTemporaryFailure) -> [DNSRecordData] {
        let name = name.hasSuffix(".") ? String(name.dropLast()) : name
        guard !name.isEmpty, name.utf8.count <= 253, !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: {
            $0.isEmpty || $0.utf8.count > 63
        }) else { return [] }
        if let deadline, ContinuousClock.now >= deadline { throw DNSTemporaryFailure(name: name, reason: "out of time") }
        let response: DNSResponse
        do {
            response = try await resolver.query(name, type: type)
        } catch is DNSMessageError {
            // A name the query cannot carry does not exist.
            return []
        } catch {
            throw DNSTemporaryFailure(name: name, reason: "\(error)")
        }
        switch response.responseCode {
        case 0: break
        case 3: return []
        default: throw DNSTemporaryFailure(name: name, reason: "response code \(response.responseCode)")
        }
        return response.answers.compactMap { record in
            switch (type, record.data) {
            case (.a, .a), (.aaaa, .aaaa), (.mx, .mx), (.txt, .txt), (.ptr, .ptr): record.data
            default: nil
            }
        }
    }

    /// TXT records, each joined from its character-strings (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
    func txt(_ name: String) async throws(DNSTemporaryFailure) -> [String] {
        try await records(name, .txt).compactMap {
            if case .txt(let strings) = $0 { return String(decoding: strings.joined(), as: UTF8.self) }
            return nil
        }
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
