import Logging
import MailwardCore
import MailwardDelivery
import ServiceLifecycle

/// Once at start, looks up each DKIM key's record in DNS and warns when receivers cannot verify
/// what this server signs: the record missing, revoked, or carrying another key — a node of a
/// cluster made its own key instead of copying the published one, or a new key was never
/// published. (`mailward dkim check` gives the same verdicts on demand.)
///
/// In the background: DNS may be slow or unreachable, and neither start nor shutdown waits for
/// it; a lookup that fails is only noted.
public struct DKIMPublicationCheck: Service {
    let keys: [DKIMKey]
    let resolver: any DNSResolving
    let logger: Logger

    public init(keys: [DKIMKey], resolver: any DNSResolving, logger: Logger) {
        self.keys = keys
        self.resolver = resolver
        self.logger = logger
    }

    public func run() async throws {
        let check = Task { await report() }
        try? await gracefulShutdown()
        check.cancel()
    }

    /// Looks up every key and logs what receivers will make of its signatures.
    public func report() async {
        for key in keys {
            let verdict = await Self.verdict(key, resolver: resolver)
            guard !Task.isCancelled else { return }
            switch verdict {
            case .success(.published):
                logger.info("DKIM key published", metadata: ["record": "\(key.dnsName)"])
            case .success(let verdict):
                logger.warning("\(Self.explanation(verdict, key: key))")
            case .failure(let error):
                logger.notice("DKIM record not checked", metadata: ["record": "\(key.dnsName)", "error": "\(error)"])
            }
        }
    }

    /// The verdict on `key` from its TXT records, or the lookup's failure.
    public static func verdict(_ key: DKIMKey, resolver: any DNSResolving) async -> Result<DKIMPublication, any Error> {
        do {
            return .success(DKIMPublication(of: key, records: try await resolver.txt(key.dnsName)))
        } catch {
            return .failure(error)
        }
    }

    /// What a verdict means for the mail this server signs, and what to do.
    public static func explanation(_ verdict: DKIMPublication, key: DKIMKey) -> String {
        switch verdict {
        case .published:
            "\(key.dnsName): published, this server's key"
        case .missing:
            "\(key.dnsName): no DKIM record in DNS; mail signed with this key fails DKIM until it is published "
                + "(`mailward dkim show \(key.domain)` prints the record)"
        case .revoked:
            "\(key.dnsName): the DNS record revokes the key (empty p=); mail signed with it fails DKIM"
        case .otherKey:
            "\(key.dnsName): DNS publishes another key than this server's; mail signed here fails DKIM. "
                + "Every node must sign with the published key: copy its key file (dkim/\(key.domain)/\(key.selector).pem) "
                + "from the node that made it, or publish this one (`mailward dkim show \(key.domain)`)"
        }
    }
}
