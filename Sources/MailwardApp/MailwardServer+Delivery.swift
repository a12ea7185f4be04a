import Foundation
import MailwardConfig
import MailwardDelivery
import NIOCore
import ServiceLifecycle

extension MailwardServer {
    /// The outbound delivery worker over `runtime.deliveryQueue`.
    func deliveryServices() -> [ServiceGroupConfiguration.ServiceConfiguration] {
        [.init(service: makeDeliveryWorker())]
    }

    /// The worker as configured (`delivery.*`): routes, smarthost or MX through `dns.*`
    /// (by default the servers of `/etc/resolv.conf`).
    public func makeDeliveryWorker() -> DeliveryWorker {
        let settings = runtime.configuration.delivery
        let router = DeliveryRouter(
            routes: settings.routes.compactMapValues { NextHop(hostPort: $0) },
            relay: Self.relay(settings),
            smtpPort: settings.smtpPort,
            resolver: runtime.resolver)
        let timeout = TimeAmount.nanoseconds(Int64(settings.timeout * 1e9))
        let transport = SMTPClientTransport(timeout: timeout, dataTimeout: timeout + timeout)
        var workerLogger = logger
        workerLogger[metadataKey: "service"] = "delivery"
        return DeliveryWorker(
            queue: runtime.deliveryQueue, mail: runtime.mail, accounts: runtime.accounts, router: router, transport: transport,
            settings: .init(hostname: runtime.configuration.hostname,
                            schedule: RetrySchedule(steps: settings.retrySchedule, maxAge: settings.maxAge),
                            lease: max(900, settings.timeout * 4), pollInterval: settings.pollInterval,
                            concurrency: settings.concurrency,
                            delayNoticeAfter: settings.delayNoticeAfter > 0 ? settings.delayNoticeAfter : nil),
            clock: runtime.clock, autoResponder: runtime.autoResponder, logger: workerLogger)
    }

    /// The smarthost with its TLS requirement and login (`delivery.relay-*`); nil: none.
    static func relay(_ settings: MailwardConfiguration.DeliverySettings) -> NextHop? {
        guard var hop = NextHop(hostPort: settings.relayHost) else { return nil }
        let tls: RelaySecurity.TLSMode? = switch settings.relayTLS {
        case .opportunistic: nil
        case .starttls: .startTLS
        case .implicit: .implicit
        }
        if let tls {
            hop.security = RelaySecurity(
                tls: tls, trustRootsFile: settings.relayCAFile.isEmpty ? nil : settings.relayCAFile,
                pinnedCertificateFile: settings.relayCertificate.isEmpty ? nil : settings.relayCertificate,
                login: settings.relayUsername.isEmpty ? nil : RelayLogin(username: settings.relayUsername, password: settings.relayPassword))
        }
        return hop
    }
}
