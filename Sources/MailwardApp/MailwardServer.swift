import Foundation
import Logging
import MailwardCore
import MailwardNet
import MailwardWeb
import NIOSSL
import Prometheus
import StorePostgres
import ServiceLifecycle
import UnixSignals
import Synchronization

/// The running server: every door as a `Service` in one `ServiceGroup` (DESIGN principle 7).
/// SIGTERM/SIGINT (or `shutdown()`) stops accepting and lets in-flight work finish.
public final class MailwardServer: Sendable {
    public let runtime: Runtime
    public let registry: PrometheusCollectorRegistry
    public let certificate: SelfSignedCertificate.Files
    /// The server TLS context for STARTTLS and the implicit-TLS ports; its handshakes take the
    /// pair `serverCertificate` holds (read again on SIGHUP).
    public let tlsContext: NIOSSLContext
    let serverCertificate: ServerCertificate
    /// Memory for messages being received, shared by every door (`connections.message-memory`).
    public let messageBudget: MessageMemoryBudget
    let logger: Logger
    private let ports = BoundPorts()
    private let group = Mutex<ServiceGroup?>(nil)

    /// - Parameter selfSignedFolder: where a self-signed pair is made when the data folder has
    ///   none for the host name (`config check` passes a scratch folder: it writes nothing).
    public init(runtime: Runtime, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                logger: Logger = Logger(label: "mailward"), selfSignedFolder: String? = nil) throws {
        self.runtime = runtime
        self.registry = registry
        self.logger = logger
        messageBudget = MessageMemoryBudget(limit: runtime.configuration.connections.messageMemory)
        let tls = runtime.configuration.tls
        if tls.certificate.isEmpty {
            let hostname = runtime.configuration.hostname
            certificate = try SelfSignedCertificate.existing(in: runtime.folder.path, hostname: hostname)
                ?? SelfSignedCertificate.ensure(in: selfSignedFolder ?? runtime.folder.path, hostname: hostname)
        } else {
            certificate = SelfSignedCertificate.Files(certificatePath: tls.certificate, keyPath: tls.key)
        }
        // Fail at start-up, not at the first STARTTLS, when the certificate cannot be used.
        do {
            serverCertificate = try ServerCertificate(certificatePath: certificate.certificatePath, keyPath: certificate.keyPath)
            tlsContext = try serverCertificate.makeContext()
        } catch {
            let keys = tls.certificate.isEmpty ? "" : " (tls.certificate, tls.key)"
            throw AppError("\(error)\(keys)")
        }
    }

    /// Runs until shut down. `signals` are the process signals that start a graceful shutdown.
    public func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let configuration = runtime.configuration
        let store = runtime.store
        // Several nodes on one PostgreSQL database: mail another node receives wakes IDLE here.
        (store as? PostgresStore)?.relayChanges(to: runtime.mail.events)
        try runtime.prepareSMS()
        // A process killed mid-delivery left its claims: due again now, not after their lease.
        if let released = try? await runtime.releaseDeadClaims(), released > 0 {
            logger.info("outbound recipients claimed before a restart are due again", metadata: ["recipients": "\(released)"])
        }
        let web = WebDoor(
            settings: .init(host: configuration.listenAddress, port: configuration.http.port,
                            requestTimeout: .seconds(configuration.http.requestTimeout),
                            sendTimeout: .seconds(configuration.http.sendTimeout),
                            trustedProxies: configuration.http.trustedProxies.compactMap(IPNetwork.init),
                            maxConnections: configuration.http.maxConnections,
                            maxConnectionsPerIP: configuration.http.maxConnectionsPerIP),
            health: { (try? await store.domains()) != nil },
            refreshGauges: { [clock = runtime.clock, security = runtime.security] in
                // Unreadable now (the database away): the gauges keep their last values.
                guard let backlog = try? await store.backlog() else { return }
                MailMetrics.outboundQueue(messages: backlog.messages, recipients: backlog.recipients,
                                          oldestWaitSeconds: backlog.oldestQueuedAt.map { max(0, clock.now.timeIntervalSince($0)) } ?? 0)
                if let sent = try? await SMSCodeIssuer(security).sentInMonth(of: clock.now) { MailMetrics.smsThisMonth(sent) }
            },
            registry: registry,
            logger: logger,
            security: WebSecurity(env: runtime.security, secureCookies: configuration.http.secureCookies,
                                  shares: runtime.shares),
            mail: WebMail(mail: runtime.mail,
                          submission: SubmissionService(mail: runtime.mail, accounts: runtime.accounts, shares: runtime.shares,
                                                        outbound: runtime.outbound,
                                                        maxMessageSize: configuration.smtp.maxMessageSize,
                                                        limiter: runtime.sendingLimiter,
                                                        autoResponder: runtime.autoResponder),
                          maxUploadSize: min(configuration.smtp.maxMessageSize, 20 << 20), budget: messageBudget),
            clientSetup: clientSetup())
        let ports = self.ports
        let application = try web.makeApplication(onListening: { port in await ports.set(.http, port) })
        let http = HTTPListenerService(application: application, host: configuration.listenAddress, port: configuration.http.port)
        // A graceful shutdown stops services in reverse order, each after the one behind it has
        // finished: the doors first — all of them at once (`DoorGroup`): they stop taking
        // connections and finish their sessions, a delivery in progress among them —, the
        // outbound worker — first in the list — last, once nothing can queue more mail. The other
        // way round, the doors kept accepting while the worker finished its deliveries (up to
        // twice `delivery.timeout`).
        var services = deliveryServices()
        // Each mail door adds its listeners here (see MailwardServer+<Door>.swift).
        services.append(.init(service: DoorGroup(doors: [http] + mailDoorServices())))
        services.append(.init(service: SecuritySweeper(store: store, clock: runtime.clock, logger: logger)))
        services.append(.init(service: MemoryTrimmer()))
        if !runtime.dkimKeys.isEmpty {
            services.append(.init(service: DKIMPublicationCheck(keys: runtime.dkimKeys, resolver: runtime.resolver,
                                                                logger: Logger(label: "mailward.dkim"))))
        }
        services.append(.init(service: BodyFileSweeper(store: store, blobs: runtime.blobs, clock: runtime.clock,
                                                       logger: Logger(label: "mailward.bodies"))))
        if signals.contains(.sigterm) {
            // A process run by an init system: SIGHUP (`systemctl reload`, a certbot hook) reads
            // the TLS certificate files again instead of ending the process.
            services.append(.init(service: CertificateReloader(certificate: serverCertificate, hostname: configuration.hostname, logger: logger)))
        }
        let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: signals,
            logger: logger))
        group.withLock { $0 = serviceGroup }
        for warning in await startWarnings() { logger.warning("\(warning)") }
        logger.info("Mailward starting", metadata: ["data": "\(runtime.folder.path)", "hostname": "\(configuration.hostname)"])
        // Bodies stored before a restart whose text was not indexed yet.
        runtime.mail.searchIndex.noteNewBodies()
        try await serviceGroup.run()
        logger.info("Mailward stopped")
    }

    /// What the server warns about at start (and `mailward config check` prints): configuration
    /// keys it does not know, the certificate (expiry, names), and domains without a postmaster —
    /// RFC 5321 §4.5.1: every mail domain must take mail for postmaster; a domain without a
    /// postmaster account or alias, on a server without `smtp.postmaster`, refuses it: said at
    /// start, with the fix, rather than found out from a lost bounce.
    public func startWarnings() async -> [String] {
        runtime.configuration.unknownKeys.map { "configuration key not known, ignored (misspelled?): \($0)" }
            + runtime.configuration.twoStep.smsCountries.filter { !PhoneNumber.isCallingCode($0) }.map {
                "two-step.sms-countries: \($0) is not a country calling code (86, 852, 1…): no number matches it"
            }
            + serverCertificate.warnings(hostname: runtime.configuration.hostname)
            + (await runtime.domainsWithoutPostmaster()).map {
                "mail to postmaster@\($0) is refused: set smtp.postmaster, or `mailward alias add postmaster@\($0) ADDRESS`"
            }
    }

    /// The listeners of the mail doors (SMTP, submission, IMAP, POP3), in start order.
    func mailDoorServices() -> [any Service] {
        var services: [any Service] = []
        services += smtpServices()
        services += pop3Services()
        services += imapServices()
        return services
    }

    /// What mail clients are told to connect to (SPEC B7): `client-setup.*` where set, else
    /// `hostname` and the ports the doors listen on (the configured ones until a door reports its port).
    func clientSetup() -> ClientSetup.Source {
        let ports = self.ports
        let configuration = runtime.configuration
        let advertised = configuration.clientSetup
        @Sendable func port(_ set: Int, _ door: Door, _ configured: Int) async -> Int {
            if set != 0 { return set }
            return await ports.current(door) ?? configured
        }
        return {
            ClientSetup(hostname: advertised.hostname.isEmpty ? configuration.hostname : advertised.hostname,
                        imap: await port(advertised.imapPort, .imap, configuration.imap.port),
                        imapTLS: await port(advertised.imapTLSPort, .imaps, configuration.imap.tlsPort),
                        pop3: await port(advertised.pop3Port, .pop3, configuration.pop3.port),
                        pop3TLS: await port(advertised.pop3TLSPort, .pop3s, configuration.pop3.tlsPort),
                        submission: await port(advertised.submissionPort, .submission, configuration.smtp.submissionPort),
                        submissionTLS: await port(advertised.submissionTLSPort, .submissionTLS, configuration.smtp.submissionTLSPort))
        }
    }

    /// Reports a door's bound port (doors call this from `onListening`).
    func reportListening(_ door: Door, _ port: Int) async {
        await ports.set(door, port)
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }

    /// The port a door is bound to, once it listens (waits until then).
    public func port(_ door: Door) async -> Int {
        await ports.wait(door)
    }

    public enum Door: String, Sendable, CaseIterable {
        case http
        case smtp
        case submission
        case submissionTLS
        case imap
        case imaps
        case pop3
        case pop3s
    }
}

/// Ports the doors are bound to, reported once each listener is up.
actor BoundPorts {
    private var ports: [MailwardServer.Door: Int] = [:]
    private var waiters: [MailwardServer.Door: [CheckedContinuation<Int, Never>]] = [:]

    func set(_ door: MailwardServer.Door, _ port: Int) {
        ports[door] = port
        for waiter in waiters.removeValue(forKey: door) ?? [] { waiter.resume(returning: port) }
    }

    func wait(_ door: MailwardServer.Door) async -> Int {
        if let port = ports[door] { return port }
        return await withCheckedContinuation { waiters[door, default: []].append($0) }
    }

    /// The port `door` is bound to, nil while it does not listen yet.
    func current(_ door: MailwardServer.Door) -> Int? {
        ports[door]
    }
}
