import Foundation
import MailwardCore
import MailwardDelivery

/// SPF, DKIM and DMARC checks of incoming mail (SPEC M9): who may send for the envelope
/// sender's domain (SPF, RFC 7208), which domains signed the message (DKIM, RFC 6376) and what
/// the `From:` domain asks receivers to do when neither is aligned with it (DMARC, RFC 7489).
/// Every message gets an `Authentication-Results` field (RFC 8601) naming this server; in
/// `enforce` mode a DMARC failure also gets the domain's policy: `reject` refuses the message
/// (550 5.7.1), `quarantine` files it as junk.
public struct SenderAuthenticationFilter: MessageFilter {
    public enum Mode: String, Sendable {
        /// Record the results only.
        case report
        /// Record them and apply DMARC policies.
        case enforce
    }

    public let name = "sender-authentication"
    /// This server's name in `Authentication-Results` (its host name).
    public let authservID: String
    public let mode: Mode
    /// The longest the checks of one message may take; lookups after it count as failed.
    public let timeout: Duration
    let resolver: any DNSResolving
    let draw: @Sendable () -> Int

    public init(resolver: any DNSResolving, authservID: String, mode: Mode, timeout: Duration = .seconds(20)) {
        self.init(resolver: resolver, authservID: authservID, mode: mode, timeout: timeout, draw: { Int.random(in: 0..<100) })
    }

    init(resolver: any DNSResolving, authservID: String, mode: Mode, timeout: Duration, draw: @escaping @Sendable () -> Int) {
        self.resolver = resolver
        self.authservID = authservID.lowercased()
        self.mode = mode
        self.timeout = timeout
        self.draw = draw
    }

    public func check(_ raw: [UInt8], envelope: FilterEnvelope) async throws -> FilterVerdict {
        var report = await results(raw, envelope: envelope)
        // `dis=` says what this server did with the message (as Gmail writes it): in report
        // mode nothing, whatever the domain's policy asks.
        if mode != .enforce { report.dmarc.disposition = .none }
        let header = AuthenticationResults.field(authservID: authservID, spf: report.spf, dkim: report.dkim, dmarc: report.dmarc)
        guard mode == .enforce, report.dmarc.result == .fail else { return .annotate(headers: [header]) }
        switch report.dmarc.disposition {
        case .reject:
            return .reject(reason: "the DMARC policy of \(report.dmarc.fromDomain) refuses unauthenticated mail")
        case .quarantine:
            return .junk(headers: [header], reason: "DMARC policy of \(report.dmarc.fromDomain): quarantine")
        case .none:
            return .annotate(headers: [header])
        }
    }

    /// What the three checks found. SPF and DKIM run side by side; DMARC needs both.
    func results(_ raw: [UInt8], envelope: FilterEnvelope) async -> (spf: SPFOutcome, dkim: [DKIMOutcome], dmarc: DMARCOutcome) {
        let dns = AuthenticationDNS(resolver: resolver, deadline: .now + timeout)
        async let spf = SPFCheck(dns: dns).check(ip: envelope.remoteIP, sender: envelope.sender, helo: envelope.helo)
        async let dkim = DKIMVerifier(dns: dns).verify(raw, now: Date())
        let (spfOutcome, dkimOutcomes) = await (spf, dkim)
        let dmarc = await DMARCCheck(dns: dns, draw: draw).evaluate(raw, spf: spfOutcome, dkim: dkimOutcomes)
        return (spfOutcome, dkimOutcomes, dmarc)
    }

    /// An `Authentication-Results` field naming this server can only be forged by the sender
    /// (RFC 8601 §5): such fields are removed from incoming mail.
    public func claimsField(named name: String, value: String) -> Bool {
        name.lowercased() == "authentication-results" && AuthenticationResults.authservID(ofValue: value) == authservID
    }
}
