import MailwardCore

/// Where to connect for a remote domain: one SMTP server.
public struct NextHop: Sendable, Equatable, CustomStringConvertible {
    /// A host name or an IP address.
    public var host: String
    public var port: Int
    /// The name behind `host` when it is an address found through MX (for logs and DSNs).
    public var name: String
    /// Set for a smarthost that must be reached over verified TLS (and perhaps with a login);
    /// nil: opportunistic TLS, as for any MX.
    public var security: RelaySecurity?

    public init(host: String, port: Int, name: String? = nil, security: RelaySecurity? = nil) {
        self.host = host
        self.port = port
        self.name = name ?? host
        self.security = security
    }

    public var description: String { name == host ? "\(host):\(port)" : "\(name)[\(host)]:\(port)" }

    /// Parses `host:port` or `[v6]:port` (validated by the configuration loader).
    public init?(hostPort text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }
}

/// Why a domain cannot be routed.
public enum RoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Try again later (DNS timeout, server failure).
    case temporary(String)
    /// Give up now (no such domain, null MX, no address), with the DSN's status code
    /// (RFC 3463 5.1.2 "bad destination system address"; RFC 7505 §4.2: 5.1.10 for a null MX).
    case permanent(String, status: String = "5.1.2")

    public var description: String {
        switch self {
        case .temporary(let text), .permanent(let text, _): text
        }
    }
}

/// Chooses next hops for remote domains: a configured route, else the smarthost, else MX.
public protocol DeliveryRouting: Sendable {
    func nextHops(for domain: String) async throws(RoutingError) -> [NextHop]
}

public struct DeliveryRouter: DeliveryRouting {
    public var routes: [String: NextHop]
    public var relay: NextHop?
    public var smtpPort: Int
    public var resolver: any DNSResolving
    /// At most this many MX hosts are tried per attempt.
    public var maximumHops = 5

    public init(routes: [String: NextHop], relay: NextHop?, smtpPort: Int = 25, resolver: any DNSResolving) {
        self.routes = routes
        self.relay = relay
        self.smtpPort = smtpPort
        self.resolver = resolver
    }

    public func nextHops(for domain: String) async throws(RoutingError) -> [NextHop] {
        let domain = domain.lowercased()
        // An IDN domain is routed the same whichever spelling the queue or the configuration has;
        // DNS knows it only in its ASCII form.
        let ascii = (try? DomainName.ascii(domain)) ?? domain
        let spellings = [domain, (try? DomainName.normalize(domain)) ?? domain, ascii]
        if let route = spellings.lazy.compactMap({ routes[$0] }).first { return [route] }
        if let relay { return [relay] }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            // An address literal (RFC 5321 §4.1.3): connect to it as given.
            var address = String(domain.dropFirst().dropLast())
            if address.lowercased().hasPrefix("ipv6:") { address = String(address.dropFirst(5)) }
            return [NextHop(host: address, port: smtpPort)]
        }
        let lookup: MXLookup
        do {
            lookup = try await resolver.mx(ascii)
        } catch {
            throw .temporary("MX lookup for \(domain) failed: \(error)")
        }
        let names: [String]
        switch lookup {
        case .noSuchDomain: throw .permanent("domain \(domain) does not exist")
        case .nullMX: throw .permanent("domain \(domain) accepts no mail (null MX)", status: "5.1.10")
        case .noMX: names = [ascii]
        case .exchanges(let exchanges): names = Array(exchanges.prefix(maximumHops))
        }
        var hops: [NextHop] = []
        var lastError: (any Error)?
        for name in names {
            do {
                for address in try await resolver.addresses(name).prefix(2) {
                    hops.append(NextHop(host: address, port: smtpPort, name: name))
                }
            } catch {
                lastError = error
            }
        }
        if hops.isEmpty {
            if let lastError { throw .temporary("address lookup for \(domain)'s mail hosts failed: \(lastError)") }
            throw .permanent("no address for \(domain)'s mail hosts")
        }
        return hops
    }
}
