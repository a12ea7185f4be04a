import Hummingbird
import Logging
import MailwardCore
import MailwardNet
import NIOCore
import Prometheus

/// The HTTP door: the operational endpoints (`/healthz`, `/metrics`), the JSON API under
/// `/api/v1` (sign-in, two-step settings, devices, client-specific passwords) and the pages.
public struct WebDoor: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int
        /// How long a connection may go without sending anything while a request is due or
        /// half-received (headers not complete, body stalled) — then it is closed. Also ends
        /// idle keep-alive connections. A response being produced is never cut off.
        public var requestTimeout: Duration
        /// How long a client may take nothing of a response before its connection is closed
        /// (`ResponseDrainHandler`). A response is written out before any close otherwise.
        public var sendTimeout: Duration

        /// Where proxies that forward requests connect from: their `X-Forwarded-For` names the
        /// client (``ClientAddressMiddleware``).
        public var trustedProxies: [IPNetwork]
        /// Open connections the door admits, in all and per client address (a trusted proxy
        /// counts towards the total only): more are answered 503 (``ConnectionLimitHandler``).
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int

        public init(host: String, port: Int, requestTimeout: Duration = .seconds(30), sendTimeout: Duration = .seconds(120),
                    trustedProxies: [IPNetwork] = IPNetwork.loopback, maxConnections: Int = 4000, maxConnectionsPerIP: Int = 100) {
            self.host = host
            self.port = port
            self.requestTimeout = requestTimeout
            self.sendTimeout = sendTimeout
            self.trustedProxies = trustedProxies
            self.maxConnections = maxConnections
            self.maxConnectionsPerIP = maxConnectionsPerIP
        }
    }

    /// Answers whether the server can do its work (the store answers).
    public typealias HealthCheck = @Sendable () async -> Bool
    /// Brings the gauges that are read rather than counted (the outbound queue) up to date.
    public typealias GaugeRefresh = @Sendable () async -> Void

    let settings: Settings
    let health: HealthCheck
    let refreshGauges: GaugeRefresh
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let security: WebSecurity?
    let mail: WebMail?
    /// Where mail clients connect: serves the one-tap setup documents (SPEC B7) when given.
    let clientSetup: ClientSetup.Source?

    public init(settings: Settings, health: @escaping HealthCheck, refreshGauges: @escaping GaugeRefresh = {},
                registry: PrometheusCollectorRegistry, logger: Logger, security: WebSecurity? = nil, mail: WebMail? = nil,
                clientSetup: ClientSetup.Source? = nil) {
        self.clientSetup = clientSetup
        self.settings = settings
        self.health = health
        self.refreshGauges = refreshGauges
        self.registry = registry
        self.logger = logger
        self.security = security
        self.mail = mail
    }

    /// The Hummingbird application, a `Service` for the server's `ServiceGroup`.
    /// `onListening` receives the bound port (useful when `settings.port` is 0).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        // HEAD is answered like GET without the body (same status, headers, Content-Length).
        let router = Router(context: MailwardRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: settings.trustedProxies))
        router.add(middleware: SecureCookiesMiddleware(always: security?.secureCookies ?? false))
        router.add(middleware: SecurityHeadersMiddleware())
        // Requests, durations and errors per route pattern (`hb_requests`, `http_server_request_duration`).
        router.add(middleware: MetricsMiddleware())
        let api = APIRoutes(router: router)
        var fallbackPages: (PageRenderer, WebSecurity)?
        if let security {
            let handler = APIHandler(security: security, logger: logger)
            SessionRoutes(handler: handler).register(on: api)
            SecurityRoutes(handler: handler).register(on: api)
            AppPasswordRoutes(handler: handler).register(on: api)
            AccountRoutes(handler: handler).register(on: api)
            if let shares = security.shares {
                ShareRoutes(handler: handler, shares: shares).register(on: api)
                LocalUserRoutes(handler: handler).register(on: api)
            }
            let renderer = try PageRenderer.load()
            fallbackPages = (renderer, security)
            PageRoutes(security: security, renderer: renderer, mailPages: mail != nil, clientSetup: clientSetup).register(on: router)
            if let clientSetup {
                ClientSetupRoutes(security: security, handler: handler, setup: clientSetup).register(on: router, api: api)
            }
            if let mail {
                let ids = MailIDs(key: security.env.key)
                MailRoutes(handler: handler, web: mail, ids: ids, uploads: UploadStore(perAccountLimit: mail.maxUploadSize * 3),
                           shares: security.shares).register(on: api)
                MailPageRoutes(security: security, web: mail, ids: ids, renderer: renderer).register(on: router)
                if let responder = mail.submission.autoResponder {
                    AutoReplyRoutes(handler: handler, responder: responder).register(on: api)
                }
            }
        }
        let health = self.health
        let registry = self.registry
        router.get("healthz") { _, _ -> Response in
            // Answered within a few seconds, unavailable when the store takes longer: a load
            // balancer's check times out sooner than the store's connection wait (15 s).
            let answered = try? await TimeLimit.run(within: .seconds(3)) { await health() }
            let ok = (answered ?? nil) ?? false
            let body = ok ? #"{"status":"ok"}"# : #"{"status":"unavailable"}"#
            return Response(status: ok ? .ok : .serviceUnavailable,
                            headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let refreshGauges = self.refreshGauges
        router.get("metrics") { _, context -> Response in
            // Scraped from the server's own port; what comes through the public proxy is a
            // visitor, not Prometheus (the counts say how many sign-ins fail, how big the queue is).
            guard !context.viaProxy else { throw HTTPError(.notFound) }
            await refreshGauges()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(status: .ok,
                            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        // Last, so they wrap only the router's "no route" answer (which the first ones do not).
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: APIFallbackMiddleware(table: api.table))
        if let (renderer, security) = fallbackPages {
            router.add(middleware: PageFallbackMiddleware(renderer: renderer, security: security))
        }
        let logger = self.logger
        let settings = self.settings
        let timeout = TimeAmount(settings.requestTimeout)
        let sendTimeout = TimeAmount(settings.sendTimeout)
        let counter = ConnectionCounter(maximum: settings.maxConnections, maximumPerAddress: settings.maxConnectionsPerIP)
        let connectionMetrics = MailMetrics.Connections(door: "http")
        return Application(
            router: router,
            // Hummingbird's idle timer: it counts while a request is awaited or its head still
            // being read and stops once the head is in; the body then has `timeout` plus a second
            // per 500 bytes (`RequestBodyDeadline`); a response is written out before a close,
            // unless the client takes nothing of it for `sendTimeout` (`ResponseDrainHandler`);
            // the rest of a body answered before it was read is dropped (`RefusedBodyDrain`).
            server: .http1(configuration: .init(
                additionalChannelHandlers: [
                    ConnectionLimitHandler(counter: counter, trustedProxies: settings.trustedProxies,
                                           metrics: connectionMetrics, logger: logger),
                    ResponseDrainHandler(limit: sendTimeout),
                    RequestBodyDeadline(limit: timeout),
                    RefusedBodyDrain(),
                ],
                idleTimeout: timeout)),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port),
                                                    serverName: "Mailward"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                logger.info("HTTP listening", metadata: ["address": "\(settings.host):\(port)"])
                await onListening(port)
            },
            logger: logger)
    }
}
