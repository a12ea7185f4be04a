import Configuration
import Foundation
import Synchronization
import Yams
import SystemPackage

/// A configuration value that cannot be used. The message names the key, so start-up can stop
/// with one line that tells the administrator what to fix.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "configuration: \(reason)" : "configuration key `\(key)`: \(reason)"
    }
}

/// Reads the YAML configuration file and `MAILWARD_*` environment overrides into a validated
/// `MailwardConfiguration`.
///
/// Precedence: environment over file over default. `http.port` is overridden by
/// `MAILWARD_HTTP_PORT`, `smtp.submission-tls-port` by `MAILWARD_SMTP_SUBMISSION_TLS_PORT`
/// (dots and dashes become underscores, upper case). Values are read as text and parsed here,
/// so a wrong value is an error that names its key instead of silently becoming the default.
public enum ConfigurationLoader {
    public static let environmentPrefix = "MAILWARD_"

    /// - Parameters:
    ///   - file: a YAML file; `nil` means none. A named file that does not exist is an error.
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    public static func load(file: String?, environment: [String: String]) async throws -> MailwardConfiguration {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: strippedEnvironment(environment))
        ]
        var text: String?
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw ConfigurationError(key: "", reason: "file not found: \(file)")
            }
            do {
                let contents = try String(contentsOfFile: file, encoding: .utf8)
                // A file of comments only (or empty, or `---`) holds no mapping, which the file
                // provider refuses: it sets nothing, as the defaults' documentation reads.
                if try !holdsNothing(yaml: contents) {
                    providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
                }
                text = contents
            } catch {
                throw ConfigurationError(key: "", reason: "cannot read \(file): \(error)")
            }
        }
        let asked = AskedKeys()
        var configuration = try parse(ConfigReader(providers: providers), asked: asked)
        configuration.unknownKeys = unknownVariables(in: environment, known: asked.all)
        if let text {
            let keys = fileKeys(inYAML: text, known: asked.all)
            if let key = keys.notOneValue.first {
                throw ConfigurationError(key: key, reason: "expected one value, not a YAML list or mapping"
                                                   + " (several values are written as one text, separated by commas)")
            }
            configuration.unknownKeys = keys.unknown + configuration.unknownKeys
        }
        return configuration
    }

    /// Whether YAML text holds no value at all: nothing, comments, or an empty document.
    static func holdsNothing(yaml text: String) throws -> Bool {
        guard let node = try Yams.compose(yaml: text) else { return true }
        // `---` alone is one document holding a null scalar.
        if case .scalar(let scalar) = node { return ["", "~", "null", "Null", "NULL"].contains(scalar.string) }
        return false
    }

    /// What the reader would pass over without a word, leaving defaults in force, dotted and
    /// sorted: keys of the file that no setting reads (a misspelling such as `http.prot`), and
    /// known keys whose value is a list or a mapping — every setting reads one text (lists as
    /// comma-separated text); `dns.servers: [300.1.1.1]` started with the system's resolvers.
    static func fileKeys(inYAML text: String, known: Set<String>) -> (unknown: [String], notOneValue: [String]) {
        guard let root = (try? Yams.load(yaml: text)) as? [String: Any] else { return ([], []) }
        var unknown: [String] = [], notOneValue: [String] = []
        func visit(_ value: Any, _ path: String) {
            if known.contains(path) {
                if value is [Any] || value is [String: Any] { notOneValue.append(path) }
            } else if let map = value as? [String: Any] {
                for (key, child) in map { visit(child, path.isEmpty ? key : path + "." + key) }
            } else {
                unknown.append(path)
            }
        }
        visit(root, "")
        return (unknown.sorted(), notOneValue.sorted())
    }

    /// Every door listens on its own port (0, any free port, may repeat): two on one port would
    /// stop `serve` with "the port is in use" only when it binds the second.
    static func requireDistinctPorts(_ c: MailwardConfiguration) throws {
        let doors: [(key: String, port: Int)] = [
            ("http.port", c.http.port), ("smtp.port", c.smtp.port), ("smtp.submission-port", c.smtp.submissionPort),
            ("smtp.submission-tls-port", c.smtp.submissionTLSPort), ("imap.port", c.imap.port), ("imap.tls-port", c.imap.tlsPort),
            ("pop3.port", c.pop3.port), ("pop3.tls-port", c.pop3.tlsPort),
        ]
        var seen: [Int: String] = [:]
        for door in doors where door.port != 0 {
            if let first = seen[door.port] {
                throw ConfigurationError(key: door.key, reason: "port \(door.port) is \(first)'s too: every door needs a port of its own")
            }
            seen[door.port] = door.key
        }
    }

    /// Parses YAML text directly (tests, `mailward config check`).
    public static func load(yaml: String, environment: [String: String] = [:]) async throws -> MailwardConfiguration {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await load(file: url.path, environment: environment)
    }

    /// `MAILWARD_…` variables no setting reads (`MAILWARD_HTTP_PROT`): like a misspelled key in
    /// the file, they would leave a default in force without a word. The data folder's variable
    /// (read by the command line) and the test suite's own (`MAILWARD_TEST_…`, `MAILWARD_BIN`)
    /// are not settings.
    static func unknownVariables(in environment: [String: String], known: Set<String>) -> [String] {
        let settings = Set(known.map { environmentPrefix + $0.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 } })
        let others: Set<String> = ["MAILWARD_DATA", "MAILWARD_BIN"]
        return environment.keys.filter {
            $0.hasPrefix(environmentPrefix) && !settings.contains($0) && !others.contains($0) && !$0.hasPrefix("MAILWARD_TEST_")
        }.sorted().map { "\($0) (environment variable)" }
    }

    static func strippedEnvironment(_ environment: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in environment where key.hasPrefix(environmentPrefix) {
            result[String(key.dropFirst(environmentPrefix.count))] = value
        }
        return result
    }

    static func parse(_ reader: ConfigReader, asked: AskedKeys = AskedKeys()) throws -> MailwardConfiguration {
        let values = Values(reader: reader, asked: asked)
        var c = MailwardConfiguration()
        c.hostname = try values.hostname("hostname", c.hostname)
        c.listenAddress = try values.ipAddress("listen", c.listenAddress)
        c.http.port = try values.port("http.port", c.http.port)
        c.http.secureCookies = try values.bool("http.secure-cookies", c.http.secureCookies)
        c.http.requestTimeout = try values.seconds("http.request-timeout", c.http.requestTimeout, range: 1...3600)
        c.http.sendTimeout = try values.seconds("http.send-timeout", c.http.sendTimeout, range: 1...3600)
        c.http.trustedProxies = try values.networks("http.trusted-proxies", c.http.trustedProxies)
        c.http.maxConnections = try values.int("http.max-connections", c.http.maxConnections, range: 1...1_000_000)
        c.http.maxConnectionsPerIP = try values.int("http.max-connections-per-ip", c.http.maxConnectionsPerIP,
                                                    range: 1...1_000_000)
        // A small total alone (a test machine's) lowers the per-address default with it; only a
        // per-address limit someone wrote above the total is a contradiction.
        if values.raw("http.max-connections-per-ip") == nil { c.http.maxConnectionsPerIP = min(c.http.maxConnectionsPerIP, c.http.maxConnections) }
        if c.http.maxConnectionsPerIP > c.http.maxConnections {
            throw ConfigurationError(key: "http.max-connections-per-ip", reason: "cannot be larger than http.max-connections")
        }
        c.smtp.port = try values.port("smtp.port", c.smtp.port)
        c.smtp.submissionPort = try values.port("smtp.submission-port", c.smtp.submissionPort)
        c.smtp.submissionTLSPort = try values.port("smtp.submission-tls-port", c.smtp.submissionTLSPort)
        c.smtp.maxMessageSize = try values.size("smtp.max-message-size", c.smtp.maxMessageSize, minimum: 1024)
        c.smtp.maxRecipients = try values.int("smtp.max-recipients", c.smtp.maxRecipients, range: 1...100_000)
        c.smtp.maxRemoteRecipientsPerHour = try values.int("smtp.max-remote-recipients-per-hour", c.smtp.maxRemoteRecipientsPerHour,
                                                           range: 0...10_000_000)
        c.smtp.maxRemoteRecipientsPerDay = try values.int("smtp.max-remote-recipients-per-day", c.smtp.maxRemoteRecipientsPerDay,
                                                          range: 0...10_000_000)
        c.smtp.commandTimeout = try values.seconds("smtp.command-timeout", c.smtp.commandTimeout, range: 1...3600)
        c.smtp.dataTimeout = try values.seconds("smtp.data-timeout", c.smtp.dataTimeout, range: 1...3600)
        c.smtp.mxDSN = try values.bool("smtp.mx-dsn", c.smtp.mxDSN)
        c.smtp.postmaster = try values.string("smtp.postmaster", c.smtp.postmaster).trimmingCharacters(in: .whitespaces)
        let postmasterParts = c.smtp.postmaster.split(separator: "@", omittingEmptySubsequences: false)
        if !c.smtp.postmaster.isEmpty && (postmasterParts.count != 2 || postmasterParts.contains { $0.isEmpty }
                                           || c.smtp.postmaster.contains(where: \.isWhitespace)) {
            throw ConfigurationError(key: "smtp.postmaster", reason: "expected an address like admin@example.edu.cn")
        }
        c.imap.port = try values.port("imap.port", c.imap.port)
        c.imap.tlsPort = try values.port("imap.tls-port", c.imap.tlsPort)
        c.pop3.port = try values.port("pop3.port", c.pop3.port)
        c.pop3.tlsPort = try values.port("pop3.tls-port", c.pop3.tlsPort)
        try requireDistinctPorts(c)
        c.connections.max = try values.int("connections.max", c.connections.max, range: 1...1_000_000)
        c.connections.maxPerIP = try values.int("connections.max-per-ip", c.connections.maxPerIP, range: 1...1_000_000)
        c.connections.proxyProtocolNetworks = try values.networks("connections.proxy-protocol-networks",
                                                                  c.connections.proxyProtocolNetworks)
        c.connections.messageMemory = try values.size("connections.message-memory", c.connections.messageMemory, minimum: 1024)
        // A message the webmail opens, or IMAP reads whole for BINARY, holds twice its size.
        if c.connections.messageMemory < 2 * c.smtp.maxMessageSize {
            throw ConfigurationError(key: "connections.message-memory", reason: "must be at least twice smtp.max-message-size")
        }
        if values.raw("connections.max-per-ip") == nil { c.connections.maxPerIP = min(c.connections.maxPerIP, c.connections.max) }
        if c.connections.maxPerIP > c.connections.max {
            throw ConfigurationError(key: "connections.max-per-ip", reason: "cannot be larger than connections.max")
        }
        c.tls.certificate = try values.string("tls.certificate", c.tls.certificate)
        c.tls.key = try values.string("tls.key", c.tls.key)
        if c.tls.certificate.isEmpty != c.tls.key.isEmpty {
            throw ConfigurationError(key: c.tls.key.isEmpty ? "tls.key" : "tls.certificate",
                                     reason: "tls.certificate and tls.key must be set together")
        }
        c.log.level = try values.choice("log.level", c.log.level,
                                        ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        c.log.format = try values.choice("log.format", c.log.format, ["text", "json"])
        c.mail.defaultQuota = try values.size("mail.default-quota", c.mail.defaultQuota, minimum: 1024 * 1024)
        c.storage.postgresURL = try values.string("storage.postgres-url", c.storage.postgresURL).trimmingCharacters(in: .whitespaces)
        if !c.storage.postgresURL.isEmpty
            && !(c.storage.postgresURL.hasPrefix("postgres://") || c.storage.postgresURL.hasPrefix("postgresql://")) {
            throw ConfigurationError(key: "storage.postgres-url", reason: "expected postgres://user:password@host:5432/database")
        }
        c.storage.postgresConnectionWait = try values.duration("storage.postgres-connection-wait", c.storage.postgresConnectionWait)
        c.http.sessionIdleTimeout = try values.seconds("http.session-idle-timeout", c.http.sessionIdleTimeout, range: 60...86_400)
        c.http.sessionAbsoluteTimeout = try values.seconds("http.session-absolute-timeout", c.http.sessionAbsoluteTimeout,
                                                           range: 300...(30 * 86_400))
        try parseTwoStep(values, into: &c)
        try parseDelivery(values, &c.delivery)
        c.filters.clamd = try values.string("filters.clamd", c.filters.clamd).trimmingCharacters(in: .whitespaces)
        if !c.filters.clamd.isEmpty && !c.filters.clamd.hasPrefix("/") {
            let port = c.filters.clamd.split(separator: ":").last.flatMap { Int($0) }
            if !c.filters.clamd.contains(":") || port == nil || !(1...65_535).contains(port!) {
                throw ConfigurationError(key: "filters.clamd", reason: "expected host:port (127.0.0.1:3310) or a socket path")
            }
        }
        c.filters.rspamdURL = try values.string("filters.rspamd-url", c.filters.rspamdURL).trimmingCharacters(in: .whitespaces)
        if !c.filters.rspamdURL.isEmpty && !(c.filters.rspamdURL.hasPrefix("http://") || c.filters.rspamdURL.hasPrefix("https://")) {
            throw ConfigurationError(key: "filters.rspamd-url", reason: "expected http://host:port of rspamd's normal worker")
        }
        c.filters.onError = try values.choice("filters.on-error", c.filters.onError, ["defer", "accept"])
        c.filters.timeout = try values.seconds("filters.timeout", c.filters.timeout, range: 1...600)
        c.filters.authentication = try values.choice("filters.authentication", c.filters.authentication, ["off", "report", "enforce"])
        values.asked.noteDefault("dns.servers", c.dns.servers.joined(separator: ", "))
        if let text = values.raw("dns.servers") {
            c.dns.servers = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { server in
                guard Values.isIPAddress(server) else {
                    throw ConfigurationError(key: "dns.servers", reason: "expected IP addresses separated by commas, got `\(server)`")
                }
                return server
            }
        }
        c.dns.port = try values.int("dns.port", c.dns.port, range: 1...65_535)
        c.clientSetup.hostname = try values.string("client-setup.hostname", c.clientSetup.hostname)
        c.clientSetup.imapPort = try values.int("client-setup.imap-port", c.clientSetup.imapPort, range: 0...65_535)
        c.clientSetup.imapTLSPort = try values.int("client-setup.imap-tls-port", c.clientSetup.imapTLSPort, range: 0...65_535)
        c.clientSetup.pop3Port = try values.int("client-setup.pop3-port", c.clientSetup.pop3Port, range: 0...65_535)
        c.clientSetup.pop3TLSPort = try values.int("client-setup.pop3-tls-port", c.clientSetup.pop3TLSPort, range: 0...65_535)
        c.clientSetup.submissionPort = try values.int("client-setup.submission-port", c.clientSetup.submissionPort, range: 0...65_535)
        c.clientSetup.submissionTLSPort = try values.int("client-setup.submission-tls-port", c.clientSetup.submissionTLSPort,
                                                         range: 0...65_535)
        c.dns.timeout = try values.duration("dns.timeout", c.dns.timeout)
        return c
    }

    static func parseTwoStep(_ values: Values, into c: inout MailwardConfiguration) throws {
        c.twoStep.codeLifetime = try values.seconds("two-step.code-lifetime", c.twoStep.codeLifetime, range: 60...3600)
        c.twoStep.codeMaxAttempts = try values.int("two-step.code-max-attempts", c.twoStep.codeMaxAttempts, range: 1...20)
        c.twoStep.codeResendInterval = try values.seconds("two-step.code-resend-interval", c.twoStep.codeResendInterval, range: 10...3600)
        c.twoStep.dailyCodesPerNumber = try values.int("two-step.daily-codes-per-number", c.twoStep.dailyCodesPerNumber, range: 1...1000)
        c.twoStep.dailyCodesPerAccount = try values.int("two-step.daily-codes-per-account", c.twoStep.dailyCodesPerAccount, range: 1...1000)
        c.twoStep.hourlyCodesPerIP = try values.int("two-step.hourly-codes-per-ip", c.twoStep.hourlyCodesPerIP, range: 1...100_000)
        c.twoStep.challengeLifetime = try values.seconds("two-step.challenge-lifetime", c.twoStep.challengeLifetime, range: 60...3600)
        c.twoStep.trustedDeviceDays = try values.int("two-step.trusted-device-days", c.twoStep.trustedDeviceDays, range: 1...365)
        c.twoStep.systemName = try values.string("two-step.system-name", c.twoStep.systemName)
        values.asked.noteDefault("two-step.sms-countries", c.twoStep.smsCountries.joined(separator: ", "))
        if let text = values.raw("two-step.sms-countries") {
            c.twoStep.smsCountries = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { code in
                let digits = code.hasPrefix("+") ? code.dropFirst() : Substring(code)
                guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.first != "0" else {
                    throw ConfigurationError(key: "two-step.sms-countries",
                                             reason: "expected country calling codes (86, 852, 1) separated by commas, got `\(code)`")
                }
                return String(digits)
            }
        }
        c.twoStep.monthlySMSLimit = try values.int("two-step.monthly-sms-limit", c.twoStep.monthlySMSLimit, range: 0...100_000_000)
        if c.twoStep.systemName.isEmpty || c.twoStep.systemName.count > 40 {
            throw ConfigurationError(key: "two-step.system-name", reason: "expected a name of 1 to 40 characters")
        }
        c.signIn.failuresPerAccount = try values.int("sign-in.failures-per-account", c.signIn.failuresPerAccount, range: 1...10_000)
        c.signIn.failuresPerIP = try values.int("sign-in.failures-per-ip", c.signIn.failuresPerIP, range: 1...1_000_000)
        c.signIn.failureWindow = try values.seconds("sign-in.failure-window", c.signIn.failureWindow, range: 10...86_400)
        c.sms.provider = try values.choice("sms.provider", c.sms.provider, ["outbox", "webhook", "aliyun", "tencent", "twilio"])
        let a = "sms.aliyun."
        c.sms.aliyun.accessKeyID = try values.string(a + "access-key-id", c.sms.aliyun.accessKeyID)
        c.sms.aliyun.accessKeySecret = try values.string(a + "access-key-secret", c.sms.aliyun.accessKeySecret)
        c.sms.aliyun.signName = try values.string(a + "sign-name", c.sms.aliyun.signName)
        c.sms.aliyun.template = try values.string(a + "template", c.sms.aliyun.template)
        c.sms.aliyun.templateSignIn = try values.string(a + "template-sign-in", c.sms.aliyun.templateSignIn)
        c.sms.aliyun.templateBind = try values.string(a + "template-bind", c.sms.aliyun.templateBind)
        c.sms.aliyun.templateUnbind = try values.string(a + "template-unbind", c.sms.aliyun.templateUnbind)
        let t = "sms.tencent."
        c.sms.tencent.secretID = try values.string(t + "secret-id", c.sms.tencent.secretID)
        c.sms.tencent.secretKey = try values.string(t + "secret-key", c.sms.tencent.secretKey)
        c.sms.tencent.sdkAppID = try values.string(t + "sdk-app-id", c.sms.tencent.sdkAppID)
        c.sms.tencent.signName = try values.string(t + "sign-name", c.sms.tencent.signName)
        c.sms.tencent.template = try values.string(t + "template", c.sms.tencent.template)
        c.sms.tencent.templateSignIn = try values.string(t + "template-sign-in", c.sms.tencent.templateSignIn)
        c.sms.tencent.templateBind = try values.string(t + "template-bind", c.sms.tencent.templateBind)
        c.sms.tencent.templateUnbind = try values.string(t + "template-unbind", c.sms.tencent.templateUnbind)
        c.sms.tencent.region = try values.string(t + "region", c.sms.tencent.region)
        let w = "sms.twilio."
        c.sms.twilio.accountSID = try values.string(w + "account-sid", c.sms.twilio.accountSID)
        c.sms.twilio.authToken = try values.string(w + "auth-token", c.sms.twilio.authToken)
        c.sms.twilio.from = try values.string(w + "from", c.sms.twilio.from)
        c.sms.twilio.messagingServiceSID = try values.string(w + "messaging-service-sid", c.sms.twilio.messagingServiceSID)
        c.sms.webhookURL = try values.string("sms.webhook-url", c.sms.webhookURL)
        c.sms.webhookSecret = try values.string("sms.webhook-secret", c.sms.webhookSecret)
        c.sms.timeout = try values.seconds("sms.timeout", c.sms.timeout, range: 1...300)
        if c.sms.provider == "webhook" {
            guard let url = URL(string: c.sms.webhookURL), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw ConfigurationError(key: "sms.webhook-url", reason: "expected an http(s) URL for the webhook provider")
            }
            if c.sms.webhookSecret.isEmpty {
                throw ConfigurationError(key: "sms.webhook-secret", reason: "the webhook provider needs a signing secret")
            }
        }
    }

    /// The smarthost's TLS and login. Credentials never go out in the clear or to a server whose
    /// certificate was not checked, so a login asks for `starttls` or `implicit`.
    static func parseRelaySecurity(_ values: Values, _ d: inout MailwardConfiguration.DeliverySettings) throws {
        let relayTLS = try values.choice("delivery.relay-tls", d.relayTLS.rawValue, MailwardConfiguration.DeliverySettings.RelayTLS.allCases.map(\.rawValue))
        d.relayTLS = MailwardConfiguration.DeliverySettings.RelayTLS(rawValue: relayTLS) ?? d.relayTLS
        d.relayCAFile = try values.string("delivery.relay-ca-file", d.relayCAFile)
        d.relayCertificate = try values.string("delivery.relay-certificate", d.relayCertificate)
        d.relayUsername = try values.string("delivery.relay-username", d.relayUsername)
        d.relayPassword = try values.string("delivery.relay-password", d.relayPassword)
        if d.relayUsername.isEmpty != d.relayPassword.isEmpty {
            throw ConfigurationError(key: d.relayUsername.isEmpty ? "delivery.relay-username" : "delivery.relay-password",
                                     reason: "delivery.relay-username and delivery.relay-password must be set together")
        }
        let relayConfigured = d.relayTLS != .opportunistic || !d.relayCAFile.isEmpty || !d.relayCertificate.isEmpty
            || !d.relayUsername.isEmpty
        if relayConfigured && d.relayHost.isEmpty {
            throw ConfigurationError(key: "delivery.relay-host",
                                     reason: "the relay's TLS and login settings need a relay host (`host:port`)")
        }
        if !d.relayUsername.isEmpty && d.relayTLS == .opportunistic {
            throw ConfigurationError(key: "delivery.relay-tls",
                                     reason: "a relay login is sent only over TLS with a verified certificate: set `starttls` or `implicit`")
        }
        if !d.relayCAFile.isEmpty && !d.relayCertificate.isEmpty {
            throw ConfigurationError(key: "delivery.relay-certificate",
                                     reason: "either a CA for the relay's chain (delivery.relay-ca-file) or its own certificate, not both")
        }
        for (key, file) in [("delivery.relay-ca-file", d.relayCAFile), ("delivery.relay-certificate", d.relayCertificate)] where !file.isEmpty {
            if d.relayTLS == .opportunistic {
                throw ConfigurationError(key: key, reason: "certificates are checked only with delivery.relay-tls `starttls` or `implicit`")
            }
            if !FileManager.default.isReadableFile(atPath: file) {
                throw ConfigurationError(key: key, reason: "cannot read `\(file)`")
            }
        }
    }

    static func parseDelivery(_ values: Values, _ d: inout MailwardConfiguration.DeliverySettings) throws {
        d.relayHost = try values.hostPort("delivery.relay-host", d.relayHost)
        try parseRelaySecurity(values, &d)
        values.asked.noteDefault("delivery.routes", d.routes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ", "))
        if let text = values.raw("delivery.routes") {
            var routes: [String: String] = [:]
            for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
                let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, Values.isHostPort(parts[1]) else {
                    throw ConfigurationError(key: "delivery.routes",
                                             reason: "expected `domain=host:port, …`, got `\(entry)`")
                }
                routes[parts[0].lowercased()] = parts[1]
            }
            d.routes = routes
        }
        d.smtpPort = try values.int("delivery.smtp-port", d.smtpPort, range: 1...65535)
        values.asked.noteDefault("delivery.retry-schedule", d.retrySchedule.map(DurationText.format).joined(separator: ", "))
        if let text = values.raw("delivery.retry-schedule") {
            let steps = text.split(separator: ",").map { DurationText.seconds(of: $0.trimmingCharacters(in: .whitespaces)) }
            guard !steps.isEmpty, steps.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ConfigurationError(key: "delivery.retry-schedule",
                                         reason: "expected durations such as `5m, 15m, 1h, 4h`, got `\(text)`")
            }
            d.retrySchedule = steps.map { $0! }
        }
        d.maxAge = try values.duration("delivery.max-age", d.maxAge)
        d.pollInterval = try values.duration("delivery.poll-interval", d.pollInterval)
        d.timeout = try values.duration("delivery.timeout", d.timeout)
        d.concurrency = try values.int("delivery.concurrency", d.concurrency, range: 1...256)
        values.asked.noteDefault("delivery.delay-notice-after", d.delayNoticeAfter == 0 ? "off" : DurationText.format(d.delayNoticeAfter))
        if let text = values.raw("delivery.delay-notice-after"), ["off", "never", "0"].contains(text.lowercased()) {
            d.delayNoticeAfter = 0
        } else {
            d.delayNoticeAfter = try values.duration("delivery.delay-notice-after", d.delayNoticeAfter)
        }
    }
}

/// Durations as seconds or with a unit: `30`, `30s`, `5m`, `4h`, `5d` (fractions allowed: `0.5s`).
enum DurationText {
    /// A duration as a person writes it and ``seconds(of:)`` reads it back: `5d`, `4h`, `15m`,
    /// `30s`, `250ms`, the largest unit that divides it.
    static func format(_ seconds: Double) -> String {
        for (suffix, factor) in [("d", 86_400.0), ("h", 3600), ("m", 60), ("s", 1)] where seconds >= factor || factor == 1 {
            let count = seconds / factor
            if count == count.rounded() { return "\(Int(count))\(suffix)" }
        }
        let milliseconds = seconds * 1000
        if milliseconds == milliseconds.rounded() { return "\(Int(milliseconds))ms" }
        return "\(seconds)s"
    }

    static func seconds(of text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if let value = Double(number), value.isFinite, value >= 0, number.allSatisfy({ $0.isNumber || $0 == "." }) {
                return value * factor
            }
            return nil
        }
        guard let value = Double(trimmed), value.isFinite, value >= 0, trimmed.allSatisfy({ $0.isNumber || $0 == "." }) else {
            return nil
        }
        return value
    }
}

/// Typed, validated reads of text values; each error names its key.
struct Values {
    let reader: ConfigReader
    let asked: AskedKeys

    func raw(_ key: String) -> String? {
        asked.insert(key)
        return reader.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)))?
            .trimmingCharacters(in: .whitespaces)
    }

    func string(_ key: String, _ fallback: String) throws -> String {
        asked.noteDefault(key, fallback)
        return raw(key) ?? fallback
    }

    func int(_ key: String, _ fallback: Int, range: ClosedRange<Int>) throws -> Int {
        asked.insert(key, range: range)
        asked.noteDefault(key, "\(fallback)")
        guard let text = raw(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(key: key, reason: "expected a whole number in \(range.lowerBound)...\(range.upperBound), got `\(text)`")
        }
        return value
    }

    /// A whole number of seconds in `range`, written bare (`300`) or with a unit as the duration
    /// keys take it (`300s`, `5m`, `1h`, `1d`).
    func seconds(_ key: String, _ fallback: Int, range: ClosedRange<Int>) throws -> Int {
        asked.insert(key, range: range)
        asked.noteDefault(key, "\(fallback)")
        guard let text = raw(key) else { return fallback }
        guard let value = DurationText.seconds(of: text), let whole = Int(exactly: value), range.contains(whole) else {
            throw ConfigurationError(key: key, reason: "expected whole seconds in \(range.lowerBound)...\(range.upperBound) "
                                     + "(such as `\(range.lowerBound)` or, with a unit, `5m`), got `\(text)`")
        }
        return whole
    }

    /// 0 asks the system for any free port (tests).
    func port(_ key: String, _ fallback: Int) throws -> Int {
        asked.noteDefault(key, "\(fallback)")
        guard let text = raw(key) else { return fallback }
        guard let value = Int(text), (0...65535).contains(value) else {
            throw ConfigurationError(key: key, reason: "expected a port number 0...65535, got `\(text)`")
        }
        return value
    }

    func duration(_ key: String, _ fallback: Double) throws -> Double {
        asked.noteDefault(key, DurationText.format(fallback))
        guard let text = raw(key) else { return fallback }
        guard let value = DurationText.seconds(of: text), value > 0 else {
            throw ConfigurationError(key: key, reason: "expected a duration such as `30s`, `5m` or `5d`, got `\(text)`")
        }
        return value
    }

    /// `host:port` (host name, IPv4, or `[IPv6]`), or empty.
    func hostPort(_ key: String, _ fallback: String) throws -> String {
        asked.noteDefault(key, fallback)
        guard let text = raw(key) else { return fallback }
        guard text.isEmpty || Self.isHostPort(text) else {
            throw ConfigurationError(key: key, reason: "expected `host:port` such as `smtp.example.net:587`, got `\(text)`")
        }
        return text
    }

    static func isHostPort(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port) else { return false }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()); return host.contains(":") }
        return !host.isEmpty && host.count <= 253
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        asked.noteDefault(key, "\(fallback)")
        guard let text = raw(key)?.lowercased() else { return fallback }
        switch text {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigurationError(key: key, reason: "expected true or false, got `\(text)`")
        }
    }

    func choice(_ key: String, _ fallback: String, _ allowed: [String]) throws -> String {
        asked.noteDefault(key, fallback)
        guard let text = raw(key)?.lowercased() else { return fallback }
        guard allowed.contains(text) else {
            throw ConfigurationError(key: key, reason: "expected one of \(allowed.joined(separator: ", ")), got `\(text)`")
        }
        return text
    }

    /// Sizes as bytes or with a unit: `52428800`, `50 MiB`, `10G`.
    func size(_ key: String, _ fallback: Int, minimum: Int) throws -> Int {
        let human = ByteSize.format(Int64(fallback))
        asked.noteDefault(key, ByteSize.parse(human) == fallback ? human : "\(fallback)")
        guard let text = raw(key) else { return fallback }
        guard let value = ByteSize.parse(text), value >= minimum else {
            throw ConfigurationError(key: key, reason: "expected a size of at least \(minimum) bytes such as `50 MiB`, got `\(text)`")
        }
        return value
    }

    func hostname(_ key: String, _ fallback: String) throws -> String {
        asked.noteDefault(key, fallback)
        guard let text = raw(key) else { return fallback }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let ok = !text.isEmpty && text.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        guard ok else { throw ConfigurationError(key: key, reason: "expected a host name, got `\(text)`") }
        return text.lowercased()
    }

    func ipAddress(_ key: String, _ fallback: String) throws -> String {
        asked.noteDefault(key, fallback)
        guard let text = raw(key) else { return fallback }
        guard Self.isIPAddress(text) else {
            throw ConfigurationError(key: key, reason: "expected an IP address such as 127.0.0.1 or 0.0.0.0, got `\(text)`")
        }
        return text
    }

    /// An IPv4 or IPv6 address in text form.
    /// A comma-separated list of addresses and networks (``isNetwork(_:)``); empty text: none.
    func networks(_ key: String, _ fallback: [String]) throws -> [String] {
        asked.noteDefault(key, fallback.joined(separator: ", "))
        guard let text = raw(key) else { return fallback }
        return try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { network in
            guard Self.isNetwork(network) else {
                throw ConfigurationError(key: key, reason: "expected IP addresses or networks (10.0.0.0/8) separated by commas, got `\(network)`")
            }
            return network
        }
    }

    /// An address, or an address and a prefix length within its family (`10.0.0.0/8`, `2001:db8::/32`).
    static func isNetwork(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, isIPAddress(String(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        let width = parts[0].contains(":") ? 128 : 32
        guard let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else { return false }
        return (0...width).contains(prefix)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

/// Human sizes: a number with an optional unit (K, KB, KiB, M, MB, MiB, G, GB, GiB; all binary).
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multiplier: Int
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1 << 10
        case "m", "mb", "mib": multiplier = 1 << 20
        case "g", "gb", "gib": multiplier = 1 << 30
        case "t", "tb", "tib": multiplier = 1 << 40
        default: return nil
        }
        let (result, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : result
    }

    /// The other way round, for people: `0 bytes`, `512 bytes`, `1.5 GiB`, `10 GiB` (binary units,
    /// one decimal where it matters) — what ``parse(_:)`` reads back.
    public static func format(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths)) \(units[unit])" : "\(tenths) \(units[unit])"
    }
}

/// Every key the settings read (see ``ConfigurationLoader/fileKeys(inYAML:known:)``), with its
/// default as the file would spell it (``ConfigurationLoader/defaults()``).
final class AskedKeys: Sendable {
    private let keys = Mutex(Set<String>())
    private let allowed = Mutex([String: ClosedRange<Int>]())
    private let fallbacks = Mutex((list: [(key: String, value: String)](), noted: Set<String>()))

    /// The value a key takes when nothing sets it, in the order the keys are read; the first
    /// word for a key stands (a key read twice, such as a per-address limit, keeps its default).
    func noteDefault(_ key: String, _ text: String) {
        fallbacks.withLock { fallbacks in
            if fallbacks.noted.insert(key).inserted { fallbacks.list.append((key, text)) }
        }
    }

    var defaults: [(key: String, value: String)] { fallbacks.withLock { $0.list } }

    func insert(_ key: String) { keys.withLock { _ = $0.insert(key) } }

    /// A whole-number key and the values it takes (the documentation must say them).
    func insert(_ key: String, range: ClosedRange<Int>) { allowed.withLock { $0[key] = range } }

    var all: Set<String> { keys.withLock { $0 } }

    var ranges: [String: ClosedRange<Int>] { allowed.withLock { $0 } }
}
