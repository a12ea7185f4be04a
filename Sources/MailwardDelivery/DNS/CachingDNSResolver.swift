/// A resolver that keeps answers for their time to live, so the lookups of one busy sender's
/// messages (SPF records, DKIM keys, DMARC policies, MX hosts) are asked once, not once per
/// message. Answers (`NOERROR`) live for the smallest TTL of their records, at most
/// `maxTTL`; "no such name" and "no such record" answers for `negativeTTL` (RFC 2308 would take
/// it from the zone's SOA, which the stub does not read). Failures are never kept. At most
/// `capacity` answers are held; when full, the ones nearest their end go first.
public actor CachingDNSResolver: DNSResolving {
    let upstream: any DNSResolving
    let capacity: Int
    let maxTTL: Duration
    let negativeTTL: Duration
    private var entries: [Key: Entry] = [:]

    struct Key: Hashable {
        var name: String
        var type: DNSRecordType
    }

    struct Entry {
        var response: DNSResponse
        var expires: ContinuousClock.Instant
    }

    public init(_ upstream: any DNSResolving, capacity: Int = 10_000, maxTTL: Duration = .seconds(3600),
                negativeTTL: Duration = .seconds(60)) {
        self.upstream = upstream
        self.capacity = max(1, capacity)
        self.maxTTL = maxTTL
        self.negativeTTL = negativeTTL
    }

    public func query(_ name: String, type: DNSRecordType) async throws -> DNSResponse {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        let key = Key(name: lowered, type: type)
        let now = ContinuousClock.now
        if let entry = entries[key] {
            if entry.expires > now { return entry.response }
            entries[key] = nil
        }
        let response = try await upstream.query(name, type: type)
        if let lifetime = lifetime(of: response), lifetime > .zero {
            if entries.count >= capacity { evict(now: ContinuousClock.now) }
            entries[key] = Entry(response: response, expires: ContinuousClock.now + lifetime)
        }
        return response
    }

    /// How long an answer may be kept; nil when it must not be (a failure, a truncated answer).
    private func lifetime(of response: DNSResponse) -> Duration? {
        guard !response.isTruncated else { return nil }
        switch response.responseCode {
        case 0 where response.answers.isEmpty: return negativeTTL
        case 0: return min(.seconds(Int64(response.answers.map(\.ttl).min() ?? 0)), maxTTL)
        case 3: return negativeTTL
        default: return nil
        }
    }

    /// Drops what has expired, and if that is not enough, the tenth of the entries that expire first.
    private func evict(now: ContinuousClock.Instant) {
        entries = entries.filter { $0.value.expires > now }
        guard entries.count >= capacity else { return }
        let doomed = entries.sorted { $0.value.expires < $1.value.expires }.prefix(max(1, capacity / 10)).map(\.key)
        for key in doomed { entries[key] = nil }
    }

    /// Answers held now (for tests and metrics).
    public var count: Int { entries.count }
}
