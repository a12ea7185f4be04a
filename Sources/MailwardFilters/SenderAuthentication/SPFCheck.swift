import MailwardCore

/// The result of an SPF check (RFC 7208 §2.6).
public enum SPFResult: String, Sendable, Equatable {
    case none, neutral, pass, fail, softfail, temperror, permerror
}

/// What an SPF check found: the result, the identity checked and why (for the logs and the
/// `Authentication-Results` comment).
public struct SPFOutcome: Sendable, Equatable {
    public var result: SPFResult
    /// The MAIL FROM address, or the HELO name when the message is a bounce.
    public var identity: String
    /// The domain the identity belongs to (DMARC's SPF alignment compares it).
    public var domain: String
    /// True when the identity is the HELO name (null MAIL FROM).
    public var isHELO: Bool
    public var reason: String
}

/// `check_host()` of RFC 7208 over DNS: the record of the sender's domain, its mechanisms in
/// order, include and redirect, the macro language, and the limits that keep a record from
/// making us a DNS amplifier — at most 10 lookups by mechanisms and modifiers (§4.6.4), at most
/// two of them void, at most 10 names per `mx` or `ptr`.
struct SPFCheck: Sendable {
    let dns: AuthenticationDNS

    /// Checks `ip` for the MAIL FROM `sender` (empty for a bounce: then `postmaster@<helo>`).
    func check(ip text: String, sender: String, helo: String) async -> SPFOutcome {
        let isHELO = sender.isEmpty
        let identity = isHELO ? helo : sender
        let full = isHELO ? "postmaster@" + helo : sender
        let domain = (full.lastIndex(of: "@").map { String(full[full.index(after: $0)...]) } ?? full).lowercased()
        guard let ip = IPAddressBytes(text) else {
            return SPFOutcome(result: .permerror, identity: identity, domain: domain, isHELO: isHELO, reason: "bad client address \(text)")
        }
        var budget = Budget()
        let context = SPFMacroContext(sender: full, domain: domain, ip: ip, helo: helo)
        let (result, reason) = await checkHost(context, &budget)
        return SPFOutcome(result: result, identity: identity, domain: domain, isHELO: isHELO, reason: reason)
    }

    struct Budget {
        var lookups = 0
        var voids = 0

        mutating func lookup() throws(SPFSyntaxError) {
            lookups += 1
            if lookups > 10 { throw SPFSyntaxError("more than 10 DNS lookups") }
        }

        mutating func count(_ answers: Int) throws(SPFSyntaxError) {
            if answers == 0 {
                voids += 1
                if voids > 2 { throw SPFSyntaxError("more than 2 void DNS lookups") }
            }
        }
    }

    private enum Stop: Error {
        case temporary(String)
        case permanent(String)
    }

    /// check_host(ip, domain, sender) (§4).
    private func checkHost(_ context: SPFMacroContext, _ budget: inout Budget) async -> (SPFResult, String) {
        let domain = context.domain
        // A domain that is not a multi-label name of sane labels has no policy (§4.3).
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count > 1, !labels.contains(where: { $0.isEmpty || $0.utf8.count > 63 }) else {
            return (.none, "\(domain) is not a domain name")
        }
        let texts: [String]
        do {
            texts = try await dns.txt(domain)
        } catch {
            return (.temperror, "\(error)")
        }
        let records = texts.filter(SPFRecord.isSPF)
        if records.isEmpty { return (.none, "\(domain) has no SPF record") }
        if records.count > 1 { return (.permerror, "\(domain) has \(records.count) SPF records") }
        do {
            let record = try SPFRecord.parse(records[0])
            for directive in record.directives {
                if try await matches(directive.mechanism, context, &budget) {
                    return (directive.qualifier.result, "\(domain): \(directive.mechanism.text) matched \(context.ip)")
                }
            }
            if let redirect = record.redirect {
                try budget.lookup()
                var next = context
                next.domain = try SPFMacro.domain(redirect, context)
                let (result, reason) = await checkHost(next, &budget)
                return result == .none ? (.permerror, "redirect to \(next.domain) without a record") : (result, reason)
            }
            return (.neutral, "\(domain): nothing matched \(context.ip)")
        } catch let error as SPFSyntaxError {
            return (.permerror, "\(domain): \(error)")
        } catch Stop.temporary(let reason) {
            return (.temperror, reason)
        } catch Stop.permanent(let reason) {
            return (.permerror, reason)
        } catch {
            return (.temperror, "\(error)")
        }
    }

    private func matches(_ mechanism: SPFRecord.Mechanism, _ context: SPFMacroContext, _ budget: inout Budget) async throws -> Bool {
        let ip = context.ip
        switch mechanism {
        case .all:
            return true
        case .ip(let network, let prefix):
            return network.contains(ip, prefix: prefix)
        case .include(let spec):
            try budget.lookup()
            var next = context
            next.domain = try SPFMacro.domain(spec, context)
            let (result, reason) = await checkHost(next, &budget)
            switch result {
            case .pass: return true
            case .fail, .softfail, .neutral: return false
            case .temperror: throw Stop.temporary(reason)
            case .permerror, .none: throw Stop.permanent("include:\(next.domain): \(result.rawValue) (\(reason))")
            }
        case .a(let spec, let v4, let v6):
            try budget.lookup()
            let name = try spec.map { s throws(SPFSyntaxError) in try SPFMacro.domain(s, context) } ?? context.domain
            let found = try await addresses(name, ip, &budget)
            return found.contains { $0.contains(ip, prefix: ip.isV4 ? v4 : v6) }
        case .mx(let spec, let v4, let v6):
            try budget.lookup()
            let name = try spec.map { s throws(SPFSyntaxError) in try SPFMacro.domain(s, context) } ?? context.domain
            let exchanges = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.records(name, .mx) }
            try budget.count(exchanges.count)
            if exchanges.count > 10 { throw Stop.permanent("\(name) has more than 10 MX records") }
            for case .mx(_, let exchange) in exchanges where !exchange.isEmpty {
                let found = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.addresses(exchange, v6: !ip.isV4) }
                if found.contains(where: { $0.contains(ip, prefix: ip.isV4 ? v4 : v6) }) { return true }
            }
            return false
        case .ptr(let spec):
            try budget.lookup()
            let target = (try spec.map { s throws(SPFSyntaxError) in try SPFMacro.domain(s, context) } ?? context.domain).lowercased()
            return try await validatedNames(of: ip, &budget).contains { $0 == target || $0.hasSuffix("." + target) }
        case .exists(let spec):
            try budget.lookup()
            let name = try SPFMacro.domain(spec, context)
            // Always an A query, whatever the client's family (§5.7).
            let found = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.addresses(name, v6: false) }
            try budget.count(found.count)
            return !found.isEmpty
        }
    }

    private func addresses(_ name: String, _ ip: IPAddressBytes, _ budget: inout Budget) async throws -> [IPAddressBytes] {
        let found = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.addresses(name, v6: !ip.isV4) }
        try budget.count(found.count)
        return found
    }

    /// The client's names whose own addresses include it (§5.5): PTR, then A/AAAA of at most 10.
    private func validatedNames(of ip: IPAddressBytes, _ budget: inout Budget) async throws -> [String] {
        let names = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.records(ip.reverseName, .ptr) }
        try budget.count(names.count)
        var validated: [String] = []
        for case .ptr(let name) in names.prefix(10) {
            let found = try await lookup { () async throws(DNSTemporaryFailure) in try await dns.addresses(name, v6: !ip.isV4) }
            if found.contains(ip) { validated.append(name.lowercased()) }
        }
        return validated
    }

    private func lookup<T>(_ body: () async throws(DNSTemporaryFailure) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw Stop.temporary("\(error)")
        }
    }
}

extension SPFRecord.Mechanism {
    /// The mechanism as a record would write it, for the reason text.
    var text: String {
        switch self {
        case .all: "all"
        case .include(let d): "include:\(d)"
        case .a(let d, _, _): d.map { "a:\($0)" } ?? "a"
        case .mx(let d, _, _): d.map { "mx:\($0)" } ?? "mx"
        case .ptr(let d): d.map { "ptr:\($0)" } ?? "ptr"
        case .ip(let ip, let prefix): (ip.isV4 ? "ip4:" : "ip6:") + "\(ip)/\(prefix)"
        case .exists(let d): "exists:\(d)"
        }
    }
}
