import MailwardMIME

/// A DMARC policy record (RFC 7489 §6.3), the tags that decide what happens to a message.
/// What a domain asks receivers to do with mail that fails DMARC.
public enum DMARCPolicy: String, Sendable, Equatable {
    case none, quarantine, reject
}

struct DMARCRecord: Sendable, Equatable {
    typealias Policy = DMARCPolicy

    var policy: Policy
    var subdomainPolicy: Policy?
    var strictDKIM = false
    var strictSPF = false
    var percent = 100

    /// Whether a TXT record is a DMARC record: `v=DMARC1` as its first tag.
    static func isDMARC(_ text: String) -> Bool {
        guard let first = text.split(separator: ";", maxSplits: 1).first else { return false }
        let parts = first.split(separator: "=", maxSplits: 1)
        return parts.count == 2 && parts[0].trimmingFWS == "v" && parts[1].trimmingFWS == "DMARC1"
    }

    /// nil when the record is not usable (§6.6.3: then the domain has no policy).
    init?(_ text: String) {
        guard Self.isDMARC(text) else { return nil }
        var tags: [String: String] = [:]
        for spec in text.split(separator: ";") {
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            tags[String(parts[0].trimmingFWS).lowercased()] = String(parts[1].trimmingFWS)
        }
        if let p = tags["p"].flatMap({ Policy(rawValue: $0.lowercased()) }) {
            policy = p
        } else if tags["rua"] != nil {
            policy = .none  // an invalid or missing p= with a report address means none (§6.6.3)
        } else {
            return nil
        }
        subdomainPolicy = tags["sp"].flatMap { Policy(rawValue: $0.lowercased()) }
        strictDKIM = tags["adkim"]?.lowercased() == "s"
        strictSPF = tags["aspf"]?.lowercased() == "s"
        if let pct = tags["pct"].flatMap({ Int($0) }), (0...100).contains(pct) { percent = pct }
    }
}

/// What DMARC makes of a message (RFC 7489 §6.6).
public struct DMARCOutcome: Sendable, Equatable {
    public enum Result: String, Sendable, Equatable {
        case pass, fail, none, temperror, permerror
    }

    public var result: Result
    /// The `From:` domain, lowercased ("" when the message has no single author).
    public var fromDomain: String
    /// The policy the domain published for this message (`p=`, or `sp=` for a subdomain).
    public var published: DMARCPolicy?
    /// What to do with it: the published policy on failure, after `pct=` sampling; `none` else.
    public var disposition: DMARCPolicy
    public var reason: String
}

struct DMARCCheck: Sendable {
    let dns: AuthenticationDNS
    /// Draws 0..<100 for `pct=` sampling (a test may fix it).
    var draw: @Sendable () -> Int = { Int.random(in: 0..<100) }

    func evaluate(_ raw: [UInt8], spf: SPFOutcome, dkim: [DKIMOutcome]) async -> DMARCOutcome {
        guard let from = Self.authorDomain(raw) else {
            return DMARCOutcome(result: .permerror, fromDomain: "", published: nil, disposition: .none,
                                reason: "not exactly one From: address")
        }
        let organizational = OrganizationalDomain.of(from)
        let record: DMARCRecord
        let atOrganization: Bool
        do {
            if let found = try await lookup(from) {
                record = found
                atOrganization = false
            } else if organizational != from, let found = try await lookup(organizational) {
                record = found
                atOrganization = true
            } else {
                return DMARCOutcome(result: .none, fromDomain: from, published: nil, disposition: .none, reason: "no DMARC record")
            }
        } catch {
            return DMARCOutcome(result: .temperror, fromDomain: from, published: nil, disposition: .none, reason: "\(error)")
        }
        let published = atOrganization ? (record.subdomainPolicy ?? record.policy) : record.policy
        func aligned(_ domain: String, strict: Bool) -> Bool {
            let domain = domain.lowercased()
            return strict ? domain == from : OrganizationalDomain.of(domain) == organizational
        }
        if let passing = dkim.first(where: { $0.result == .pass && aligned($0.domain, strict: record.strictDKIM) }) {
            return DMARCOutcome(result: .pass, fromDomain: from, published: published, disposition: .none,
                                reason: "DKIM of \(passing.domain) aligned")
        }
        if spf.result == .pass, aligned(spf.domain, strict: record.strictSPF) {
            return DMARCOutcome(result: .pass, fromDomain: from, published: published, disposition: .none,
                                reason: "SPF of \(spf.domain) aligned")
        }
        var disposition = published
        if record.percent < 100, draw() >= record.percent {
            // Outside the sample: one step milder (§6.6.4).
            disposition = published == .reject ? .quarantine : .none
        }
        return DMARCOutcome(result: .fail, fromDomain: from, published: published, disposition: disposition,
                            reason: "neither SPF nor DKIM aligned with \(from)")
    }

    /// The one usable record at `_dmarc.<domain>`; nil when there is none or more than one.
    private func lookup(_ domain: String) async throws(DNSTemporaryFailure) -> DMARCRecord? {
        let records = try await dns.txt("_dmarc." + domain).filter(DMARCRecord.isDMARC)
        guard records.count == 1 else { return nil }
        return DMARCRecord(records[0])
    }

    /// The domain of the message's one `From:` address; nil for none, several fields or several addresses.
    static func authorDomain(_ raw: [UInt8]) -> String? {
        let authors = MIMEParser.authors(of: raw)
        guard authors.count == 1, authors[0].count == 1, let at = authors[0][0].address.lastIndex(of: "@") else { return nil }
        let domain = authors[0][0].address[authors[0][0].address.index(after: at)...].lowercased()
        return domain.isEmpty ? nil : (domain.hasSuffix(".") ? String(domain.dropLast()) : domain)
    }
}
