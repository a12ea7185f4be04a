/// What an MX lookup says about a domain (RFC 5321 §5.1, RFC 7505).
public enum MXLookup: Sendable, Equatable {
    /// Exchanges, most preferred first.
    case exchanges([String])
    /// The domain exists but has no MX: deliver to its own address records.
    case noMX
    /// `MX 0 .`: the domain accepts no mail.
    case nullMX
    /// NXDOMAIN.
    case noSuchDomain
}

extension DNSResolving {
    public func mx(_ domain: String) async throws -> MXLookup {
        let response = try await query(domain, type: .mx)
        switch response.responseCode {
        case 0: break
        case 3: return .noSuchDomain
        default: throw DNSResolverError.badAnswer("response code \(response.responseCode) for \(domain) MX")
        }
        let records = response.answers.compactMap { record -> (UInt16, String)? in
            if case .mx(let preference, let exchange) = record.data { return (preference, exchange) }
            return nil
        }
        if records.isEmpty { return .noMX }
        if records.count == 1, records[0].1.isEmpty { return .nullMX }
        let sorted = records.filter { !$0.1.isEmpty }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return .exchanges(sorted.map(\.1))
    }

    /// IPv4 then IPv6 addresses of a host; empty when it has none.
    public func addresses(_ host: String) async throws -> [String] {
        var result: [String] = []
        var failures = 0
        for type in [DNSRecordType.a, .aaaa] {
            do {
                let response = try await query(host, type: type)
                for record in response.answers {
                    switch record.data {
                    case .a(let ip), .aaaa(let ip): result.append(ip)
                    default: continue
                    }
                }
            } catch {
                failures += 1
                if failures == 2 { throw error }
            }
        }
        return result
    }

    /// The records of `type` at `name` (a CNAME chain the server followed left out): empty when
    /// the name does not exist (NXDOMAIN) or has none; any other response code throws.
    public func records(_ name: String, type: DNSRecordType) async throws -> [DNSRecordData] {
        let response = try await query(name, type: type)
        switch response.responseCode {
        case 0: return response.answers.filter { $0.type == type.rawValue }.map(\.data)
        case 3: return []
        default: throw DNSResolverError.badAnswer("response code \(response.responseCode) for \(name)")
        }
    }

    /// The TXT records of a name, each joined from its character-strings.
    public func txt(_ name: String) async throws -> [String] {
        try await records(name, type: .txt).compactMap(\.text)
    }
}
