import AsyncHTTPClient
import Foundation
import Logging
import MailwardConfig
import MailwardCore
import MailwardSMS
import MailwardDelivery
import MailwardFilters
import StorePostgres
import StoreSQLite

/// Everything the server and the command line share once the configuration is read and the
/// store is open: the composition of concrete parts behind Core's ports.
public struct Runtime: Sendable {
    public let folder: DataFolder
    public let configuration: MailwardConfiguration
    /// Every port of the configured database: SQLite in the data folder, or PostgreSQL
    /// (`storage.postgres-url`).
    public let store: any MailwardStore
    public let accounts: AccountService
    public let mail: MailService
    /// Shared mailboxes: grants and the permission table every door asks.
    public let shares: ShareService
    /// The one credential check of the protocol doors.
    public let authenticator: ProtocolAuthenticator
    public let blobs: FileBlobStore
    public let clock: any WallClock
    /// The key of every keyed hash, from `<data>/server.key` (made at first start).
    public let serverKey: ServerKey
    /// What the two-step use cases need: stores, key, settings, clock, randomness, SMS.
    public let security: SecurityEnvironment
    let lazySMS: LazySMSSender?
    /// Virus and spam checks of incoming mail (`filters.*`); nil when none is configured.
    public let filters: MessageFilters?
    /// DNS for MX routing and the sender checks, with one answer cache for both (`dns.*`).
    public let resolver: any DNSResolving
    /// The durable outbound queue (worked by the delivery service).
    public let deliveryQueue: DeliveryQueue
    /// The DKIM signing keys in the data folder (`mailward dkim keygen`), read at start.
    public let dkimKeys: [DKIMKey]
    /// Where doors hand mail for remote recipients: the delivery queue (tests may substitute a
    /// recording queue, or nil — submission then refuses remote recipients with 451 4.3.0).
    public var outbound: (any OutboundQueue)?
    /// Which accounts have an automatic reply on: one per process, shared by every door.
    public let autoReplyIndex = AutoReplyIndex()
    /// Sends accounts' automatic replies after deliveries (the doors' and the webmail's).
    public var autoResponder: AutoResponder {
        let logger = Logger(label: "mailward.auto-reply")
        return AutoResponder(mail: mail, accounts: accounts, outbound: outbound, index: autoReplyIndex,
                             report: { logger.warning("\($0)") })
    }
    /// What an account may send to other domains per hour and day (`smtp.max-remote-recipients-*`),
    /// for the submission doors and the webmail; nil when both are 0.
    public var sendingLimiter: SendingLimiter? {
        let limits = SendingLimits(recipientsPerHour: configuration.smtp.maxRemoteRecipientsPerHour,
                                   recipientsPerDay: configuration.smtp.maxRemoteRecipientsPerDay)
        return limits.isUnlimited ? nil : SendingLimiter(limits: limits, store: store, clock: clock)
    }

    /// Reads the configuration (file + `MAILWARD_*` environment) and opens the store in `dataPath`.
    public static func open(dataPath: String, configFile: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            clock: any WallClock = SystemWallClock()) async throws -> Runtime {
        let (folder, configuration) = try await configuration(dataPath: dataPath, configFile: configFile, environment: environment)
        return try await make(folder: folder, configuration: configuration, clock: clock)
    }

    /// The data folder (prepared) and the configuration, without opening the store: `serve`
    /// sets up logging from it first, so that what the store logs while opening (a PostgreSQL
    /// pool that cannot connect) follows `log.format` and `log.level` too.
    public static func configuration(dataPath: String, configFile: String?,
                                     environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws -> (DataFolder, MailwardConfiguration) {
        let folder = try DataFolder.prepare(dataPath)
        return (folder, try await ConfigurationLoader.load(file: folder.configFile(explicit: configFile), environment: environment))
    }

    /// The runtime over the configured store: PostgreSQL when `storage.postgres-url` is set,
    /// else the SQLite database of the data folder. With `checkOnly` (`mailward config check`)
    /// the store is opened without being changed: schema changes are left for `serve`
    /// (`MigratingStore.migrationsPendingAtOpen`).
    public static func make(folder: DataFolder, configuration: MailwardConfiguration,
                            clock: any WallClock = SystemWallClock(), checkOnly: Bool = false) async throws -> Runtime {
        guard !configuration.storage.postgresURL.isEmpty else {
            return try Runtime(folder: folder, configuration: configuration, clock: clock,
                               store: try openSQLite(folder, checkOnly: checkOnly))
        }
        let store: PostgresStore
        do {
            store = try await PostgresStore.open(url: configuration.storage.postgresURL,
                                                 connectionWait: .seconds(configuration.storage.postgresConnectionWait),
                                                 checkOnly: checkOnly)
        } catch {
            throw AppError("cannot open the PostgreSQL database (storage.postgres-url): \(String(reflecting: error))")
        }
        // Every body in the database, so every node sees every message (PostgresStore.keepsEveryBody).
        return try Runtime(folder: folder, configuration: configuration, clock: clock, store: store,
                           inlineBodyLimit: PostgresStore.keepsEveryBody ? .max : MailService.defaultInlineBodyLimit)
    }

    /// The data folder's SQLite database (see `SQLiteStore.init(path:checkOnly:)`).
    static func openSQLite(_ folder: DataFolder, checkOnly: Bool = false) throws -> SQLiteStore {
        do {
            return try SQLiteStore(path: folder.databasePath, checkOnly: checkOnly)
        } catch {
            throw AppError("cannot open the database \(folder.databasePath): \(error)")
        }
    }

    /// A server node on a shared database holds the key the database was first used with. With
    /// another one it could open no session, code or authenticator secret the other nodes made,
    /// and would say nothing about why; `serve` stops instead. (The command line is not held to
    /// it: an administration folder of its own, beside the nodes, keeps working.)
    public func requireTheNodesServerKey() async throws {
        guard let shared = store as? PostgresStore else { return }
        let fingerprint = serverKey.fingerprint
        guard try await shared.serverKeyFingerprint(claiming: fingerprint) == fingerprint else {
            throw AppError("\(folder.serverKeyPath) is not the server key of the other nodes on this database: "
                           + "copy the first node's server.key here (every node needs the same one), then start again")
        }
    }

    /// - Parameters:
    ///   - smsSender: replaces the configured provider (tests).
    ///   - store: an open store; nil opens the SQLite database of the data folder.
    ///   - inlineBodyLimit: bodies up to this size live in the store, larger ones in `<data>/blobs`.
    public init(folder: DataFolder, configuration: MailwardConfiguration, clock: any WallClock = SystemWallClock(),
                random: any RandomSource = SystemRandomSource(), smsSender: (any SMSSender)? = nil,
                store: (any MailwardStore)? = nil, inlineBodyLimit: Int = MailService.defaultInlineBodyLimit) throws {
        self.folder = folder
        self.configuration = configuration
        self.clock = clock
        self.store = try store ?? Self.openSQLite(folder)
        let store = self.store
        Self.logSchemaChanges(of: store)
        do {
            blobs = try FileBlobStore(root: folder.blobsPath)
        } catch {
            throw AppError("cannot use the message folder \(folder.blobsPath): \(error)")
        }
        let indexLogger = Logger(label: "mailward.search-index")
        let searchIndex = SearchIndexer(store: store, blobs: blobs, reportFailure: { error in
            indexLogger.error("full-text indexing failed; retried at the next delivery or search", metadata: ["error": "\(error)"])
        })
        let mail = MailService(store: store, blobs: blobs, clock: clock, defaultQuota: Int64(configuration.mail.defaultQuota),
                               inlineBodyLimit: inlineBodyLimit, searchIndex: searchIndex)
        self.mail = mail
        let postmaster = configuration.smtp.postmaster.isEmpty ? nil : try? EmailAddress(configuration.smtp.postmaster)
        accounts = AccountService(store: store, clock: clock, postmaster: postmaster, onAccountCreated: { account in
            try await mail.provision(accountID: account.id)
        })
        serverKey = try ServerKeyFile.loadOrCreate(folder.serverKeyPath)
        let sender: any SMSSender
        if let smsSender {
            sender = smsSender
            lazySMS = nil
        } else {
            let settings = try Self.smsSettings(configuration.sms)
            let dataURL = URL(fileURLWithPath: folder.path)
            let lazy = LazySMSSender {
                try SMSProviderFactory.make(config: settings, dataDirectory: dataURL, httpClient: .shared,
                                            logger: Logger(label: "mailward.sms"))
            }
            sender = lazy
            lazySMS = lazy
        }
        security = SecurityEnvironment(accounts: accounts, store: store, key: serverKey,
                                       settings: Self.twoStepSettings(configuration), clock: clock, random: random,
                                       sms: sender, deliverNotice: { message, accountID in
                                           _ = try await mail.deliver(message, to: [accountID])
                                       })
        authenticator = ProtocolAuthenticator(security)
        // With every body in the store (PostgreSQL), queued ones too: any node's worker sends them.
        dkimKeys = try DKIMKeyFiles.load(folder)
        let dkim = DKIMSigner(keys: dkimKeys)
        deliveryQueue = DeliveryQueue(store: store, blobs: blobs, inlineBodyLimit: inlineBodyLimit == .max ? .max : 0,
                                      signer: dkim.domains.isEmpty ? nil : dkim)
        outbound = deliveryQueue
        shares = ShareService(security, store: store, accessChanged: { [mail] ownerID in
            for mailbox in (try? await mail.store.mailboxes(accountID: ownerID)) ?? [] {
                mail.events.publish(.accessChanged, in: mailbox.id)
            }
        })
        resolver = CachingDNSResolver(Self.resolver(configuration.dns))
        filters = try Self.contentFilters(configuration.filters, resolver: resolver, hostname: configuration.hostname)
    }

    /// The stub resolver as configured (`dns.*`, else /etc/resolv.conf), without a cache.
    public static func resolver(_ settings: MailwardConfiguration.DNSSettings) -> DNSResolver {
        var resolvConf = ResolvConf.parse((try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "")
        if !settings.servers.isEmpty { resolvConf.nameservers = settings.servers }
        resolvConf.timeout = settings.timeout
        return DNSResolver(configuration: resolvConf, port: settings.port)
    }

    static func contentFilters(_ settings: MailwardConfiguration.FilterSettings, resolver: any DNSResolving,
                               hostname: String) throws -> MessageFilters? {
        var filters: [any MessageFilter] = []
        let timeout = Duration.seconds(settings.timeout)
        // The sender checks first: they are the cheapest and their header goes on top.
        if let mode = SenderAuthenticationFilter.Mode(rawValue: settings.authentication) {
            filters.append(SenderAuthenticationFilter(resolver: resolver, authservID: hostname, mode: mode, timeout: timeout))
        }
        if !settings.clamd.isEmpty {
            guard let address = ClamdFilter.Address(settings.clamd) else { throw AppError("filters.clamd: expected host:port or a socket path") }
            filters.append(ClamdFilter(address: address, timeout: timeout))
        }
        if !settings.rspamdURL.isEmpty { filters.append(RspamdFilter(baseURL: settings.rspamdURL, timeout: timeout)) }
        guard !filters.isEmpty else { return nil }
        let logger = Logger(label: "mailward.filters")
        return MessageFilters(filters, failOpen: settings.onError == "accept", onFailure: { name, error in
            logger.error("content filter unavailable", metadata: ["filter": "\(name)", "error": "\(error)"])
        })
    }

    /// Whether other server processes may share this store (PostgreSQL), or it is the data
    /// folder's own (SQLite: one server per folder, `ServerLock`).
    public var storeIsShared: Bool { store is PostgresStore }

    /// Outbound recipients claimed by a process that is gone become due again: on the data
    /// folder's own store, any claim is a dead process's when this process holds the folder's
    /// `ServerLock` (at the server's start) or nobody does (`mailward queue retry`). A shared
    /// store's claims may be another node's, mid-send: they wait for their lease.
    public func releaseDeadClaims() async throws -> Int {
        guard !storeIsShared else { return 0 }
        return try await deliveryQueue.store.releaseClaims(now: clock.now)
    }

    /// Builds the configured SMS provider now, so a bad configuration stops start-up (`serve`,
    /// `config check`) with one error naming it.
    public func prepareSMS() throws {
        do {
            try lazySMS?.prepare()
        } catch {
            throw AppError("cannot use the SMS provider: \(error)")
        }
    }

    /// The local domains whose postmaster address reaches nobody (RFC 5321 §4.5.1 asks every
    /// mail domain to take mail for postmaster): no account or alias, and no `smtp.postmaster`.
    public func domainsWithoutPostmaster() async -> [String] {
        guard let domains = try? await accounts.store.domains() else { return [] }
        var missing: [String] = []
        for domain in domains {
            guard let address = try? EmailAddress("postmaster@\(domain.name)"),
                  let route = try? await accounts.route(address) else { continue }
            if case .local = route { continue }
            missing.append(domain.name)
        }
        return missing
    }

    static func twoStepSettings(_ c: MailwardConfiguration) -> TwoStepSettings {
        var s = TwoStepSettings()
        s.codeLifetime = TimeInterval(c.twoStep.codeLifetime)
        s.maxCodeAttempts = c.twoStep.codeMaxAttempts
        s.resendInterval = TimeInterval(c.twoStep.codeResendInterval)
        s.dailyCodesPerNumber = c.twoStep.dailyCodesPerNumber
        s.dailyCodesPerAccount = c.twoStep.dailyCodesPerAccount
        s.hourlyCodesPerIP = c.twoStep.hourlyCodesPerIP
        s.challengeLifetime = TimeInterval(c.twoStep.challengeLifetime)
        s.trustedDeviceLifetime = TimeInterval(c.twoStep.trustedDeviceDays) * 86_400
        s.systemName = c.twoStep.systemName
        s.smsCountryCodes = c.twoStep.smsCountries
        s.monthlySMSLimit = c.twoStep.monthlySMSLimit
        s.sessionIdleTimeout = TimeInterval(c.http.sessionIdleTimeout)
        s.sessionAbsoluteTimeout = TimeInterval(c.http.sessionAbsoluteTimeout)
        s.failuresPerAccount = c.signIn.failuresPerAccount
        s.failuresPerIP = c.signIn.failuresPerIP
        s.failureWindow = TimeInterval(c.signIn.failureWindow)
        return s
    }

    static func smsSettings(_ sms: MailwardConfiguration.SMSConfig) throws -> SMSProviderSettings {
        switch sms.provider {
        case "webhook":
            guard let url = URL(string: sms.webhookURL) else { throw AppError("sms.webhook-url is not a URL") }
            return SMSProviderSettings(provider: .webhook, webhook: WebhookSMSSettings(url: url, secret: SMSSecret(sms.webhookSecret)),
                                       timeoutSeconds: sms.timeout)
        case "aliyun":
            let a = sms.aliyun
            return SMSProviderSettings(provider: .aliyun, aliyun: AliyunSMSSettings(
                accessKeyID: a.accessKeyID, accessKeySecret: SMSSecret(a.accessKeySecret), signName: a.signName,
                templates: templates(a.template, a.templateSignIn, a.templateBind, a.templateUnbind)),
                timeoutSeconds: sms.timeout)
        case "tencent":
            let t = sms.tencent
            return SMSProviderSettings(provider: .tencent, tencent: TencentSMSSettings(
                secretID: t.secretID, secretKey: SMSSecret(t.secretKey), smsSdkAppID: t.sdkAppID, signName: t.signName,
                templates: templates(t.template, t.templateSignIn, t.templateBind, t.templateUnbind), region: t.region),
                timeoutSeconds: sms.timeout)
        case "twilio":
            let w = sms.twilio
            return SMSProviderSettings(provider: .twilio, twilio: TwilioSMSSettings(
                accountSID: w.accountSID, authToken: SMSSecret(w.authToken), from: w.from.isEmpty ? nil : w.from,
                messagingServiceSID: w.messagingServiceSID.isEmpty ? nil : w.messagingServiceSID),
                timeoutSeconds: sms.timeout)
        default:
            return SMSProviderSettings(provider: .outbox, timeoutSeconds: sms.timeout)
        }
    }

    /// A gateway's template set: the default and the optional per-purpose overrides.
    static func templates(_ fallback: String, _ signIn: String, _ bind: String, _ unbind: String) -> SMSTemplateSet {
        var perPurpose: [SMSCodePurpose: String] = [:]
        if !signIn.isEmpty { perPurpose[.signIn] = signIn }
        if !bind.isEmpty { perPurpose[.bind] = bind }
        if !unbind.isEmpty { perPurpose[.unbind] = unbind }
        return SMSTemplateSet(defaultTemplate: fallback, perPurpose: perPurpose)
    }
}
