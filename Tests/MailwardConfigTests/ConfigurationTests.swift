import Foundation
import Configuration
@testable import MailwardConfig
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsAreTheEmbeddedMode() async throws {
        let c = try await ConfigurationLoader.load(file: nil, environment: [:])
        #expect(c.listenAddress == "127.0.0.1")
        #expect(c.http.port == 8080)
        #expect(c.smtp.port == 2525 && c.smtp.submissionPort == 1587 && c.smtp.submissionTLSPort == 1465)
        #expect(c.imap.port == 1143 && c.imap.tlsPort == 1993)
        #expect(c.pop3.port == 1110 && c.pop3.tlsPort == 1995)
        #expect(c.tls.certificate.isEmpty)
        #expect(c == MailwardConfiguration())
    }

    @Test func fileValuesAreRead() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            hostname: mail.example.edu.cn
            listen: 0.0.0.0
            http:
              port: 80
              secure-cookies: true
            smtp:
              port: 25
              submission-tls-port: 465
              max-message-size: 25 MiB
              mx-dsn: false
            log:
              level: debug
              format: json
            mail:
              default-quota: 2G
            """)
        #expect(c.hostname == "mail.example.edu.cn")
        #expect(c.listenAddress == "0.0.0.0")
        #expect(c.http.port == 80 && c.http.secureCookies)
        #expect(c.smtp.port == 25 && c.smtp.submissionTLSPort == 465 && c.smtp.submissionPort == 1587)
        #expect(c.smtp.maxMessageSize == 25 << 20)
        #expect(!c.smtp.mxDSN && MailwardConfiguration().smtp.mxDSN)
        #expect(c.log.level == "debug" && c.log.format == "json")
        #expect(c.mail.defaultQuota == 2 << 30)
        #expect(c.unknownKeys.isEmpty)
    }

    /// SPEC O2: every key the loader reads is in docs/configuration.md's table, and the example
    /// there uses only keys the loader reads.
    @Test func everyKeyReadIsDocumented() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        // The table's first column: one or more `key`s per row.
        let documented = Set(text.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { line in
            line.dropFirst(2).prefix { $0 != "|" }.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        })
        let asked = AskedKeys()
        _ = try ConfigurationLoader.parse(ConfigReader(providers: [InMemoryProvider(values: [:])]), asked: asked)
        #expect(asked.all.subtracting(documented).sorted() == [])
        // One table: a blank line between rows would end it, and Markdown shows the rest as text.
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let tableRows = rows.indices.filter { rows[$0].hasPrefix("| `") }
        #expect(tableRows.count == (tableRows.last ?? 0) - (tableRows.first ?? 0) + 1, "the key table is interrupted")
        // Every whole-number key's row says the values it takes, as the loader checks them.
        for (key, range) in asked.ranges.sorted(by: { $0.key < $1.key }) {
            let row = rows.first { $0.hasPrefix("| `") && $0.dropFirst(2).prefix { $0 != "|" }.contains("`\(key)`") } ?? ""
            #expect(row.contains("\(range.lowerBound)–\(range.upperBound)"), "\(key): the documentation should say \(range.lowerBound)–\(range.upperBound)")
        }
        let example = try #require(text.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(try await ConfigurationLoader.load(yaml: example).unknownKeys == [])
    }

    /// A misspelled key would leave its default in force without a word: the loader names it
    /// (the server logs a warning at start).
    @Test func keysNoSettingReadsAreNamed() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            nonsense-key: 1
            http:
              prot: 9
              port: 8081
            smtp:
              max-message-size: 25 MiB
              limits: [1, 2]
            """)
        #expect(c.http.port == 8081)
        #expect(c.unknownKeys == ["http.prot", "nonsense-key", "smtp.limits"])
    }

    /// A known key written as a YAML list or mapping stops the start with its name — read as
    /// text, such a value was passed over as if absent, leaving the default in force.
    @Test func listValuesOfKnownKeysAreRefused() async throws {
        for (yaml, key) in [("http:\n  port: [32080]\n", "http.port"), ("dns:\n  servers: [300.1.1.1]\n", "dns.servers"),
                            ("listen:\n  - 0.0.0.0\n", "listen"), ("delivery:\n  routes:\n    example.com: mx:25\n", "delivery.routes")] {
            await #expect(throws: ConfigurationError.self) {
                do { _ = try await ConfigurationLoader.load(yaml: yaml) } catch let error as ConfigurationError {
                    #expect(error.key == key, "\(error)")
                    throw error
                }
            }
        }
        // The comma-separated text form is the way to write several.
        let c = try await ConfigurationLoader.load(yaml: "dns:\n  servers: 192.0.2.53, 192.0.2.54\n")
        #expect(c.dns.servers.count == 2)
    }

    @Test func trustedProxiesAreAddressesAndNetworks() async throws {
        #expect(try await ConfigurationLoader.load(file: nil, environment: [:]).http.trustedProxies == ["127.0.0.0/8", "::1"])
        let c = try await ConfigurationLoader.load(yaml: "http:\n  trusted-proxies: 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32\n")
        #expect(c.http.trustedProxies == ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"])
        let none = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_HTTP_TRUSTED_PROXIES": ""])
        #expect(none.http.trustedProxies == [])
        #expect(none.connections.proxyProtocolNetworks == [])
        let balancers = try await ConfigurationLoader.load(file: nil,
                                                           environment: ["MAILWARD_CONNECTIONS_PROXY_PROTOCOL_NETWORKS": "10.0.0.5,10.0.1.0/24"])
        #expect(balancers.connections.proxyProtocolNetworks == ["10.0.0.5", "10.0.1.0/24"])
    }

    @Test func environmentOverridesFile() async throws {
        let c = try await ConfigurationLoader.load(
            yaml: "http:\n  port: 9000\nimap:\n  tls-port: 9993\n",
            environment: ["MAILWARD_HTTP_PORT": "9100", "MAILWARD_SMTP_SUBMISSION_TLS_PORT": "9465", "HTTP_PORT": "1"])
        #expect(c.http.port == 9100)
        #expect(c.imap.tlsPort == 9993)
        #expect(c.smtp.submissionTLSPort == 9465)
    }

    @Test(arguments: [
        ("http:\n  port: 70000\n", "http.port"),
        ("http:\n  port: eighty\n", "http.port"),
        ("listen: localhost:80\n", "listen"),
        ("log:\n  level: loud\n", "log.level"),
        ("smtp:\n  max-message-size: 10 parsecs\n", "smtp.max-message-size"),
        ("http:\n  secure-cookies: maybe\n", "http.secure-cookies"),
        ("tls:\n  certificate: /etc/cert.pem\n", "tls.key"),
        ("hostname: bad_host!\n", "hostname"),
        ("connections:\n  max-per-ip: 0\n", "connections.max-per-ip"),
        ("connections:\n  max: 100\n  max-per-ip: 200\n", "connections.max-per-ip"),
        ("connections:\n  message-memory: 10 MiB\n", "connections.message-memory"),
        ("smtp:\n  max-message-size: 300 MiB\n", "connections.message-memory"),
        ("http:\n  max-connections: 0\n", "http.max-connections"),
        ("http:\n  max-connections: 50\n  max-connections-per-ip: 60\n", "http.max-connections-per-ip"),
        ("smtp:\n  postmaster: nobody\n", "smtp.postmaster"),
        ("smtp:\n  postmaster: a@b@c\n", "smtp.postmaster"),
        ("http:\n  trusted-proxies: 10.0.0.0/33\n", "http.trusted-proxies"),
        ("http:\n  trusted-proxies: proxy.example.edu.cn\n", "http.trusted-proxies"),
        ("connections:\n  proxy-protocol-networks: 10.0.0.5, haproxy\n", "connections.proxy-protocol-networks"),
    ])
    func wrongValuesNameTheirKey(_ yaml: String, _ key: String) async throws {
        do {
            _ = try await ConfigurationLoader.load(yaml: yaml)
            Issue.record("expected an error for \(key)")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(error.description.contains(key))
        }
    }

    @Test func wrongEnvironmentValueNamesItsKey() async throws {
        await #expect(throws: ConfigurationError(key: "imap.port", reason: "expected a port number 0...65535, got `-1`")) {
            _ = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_IMAP_PORT": "-1"])
        }
    }

    @Test func connectionLimitsComeFromFileOrEnvironment() async throws {
        let defaults = MailwardConfiguration().connections
        #expect(defaults.max == 2000 && defaults.maxPerIP == 50)
        let c = try await ConfigurationLoader.load(
            yaml: "connections:\n  max: 5000\n  max-per-ip: 100\n",
            environment: ["MAILWARD_CONNECTIONS_MAX_PER_IP": "4000"])
        #expect(c.connections.max == 5000)
        #expect(c.connections.maxPerIP == 4000)
        #expect(defaults.messageMemory == 512 << 20 && c.connections.messageMemory == 512 << 20)
        let memory = try await ConfigurationLoader.load(yaml: "connections:\n  message-memory: 2 GiB\n", environment: [:])
        #expect(memory.connections.messageMemory == 2 << 30)
    }

    @Test func webConnectionLimitsComeFromFileOrEnvironment() async throws {
        let defaults = MailwardConfiguration().http
        #expect(defaults.maxConnections == 4000 && defaults.maxConnectionsPerIP == 100)
        let c = try await ConfigurationLoader.load(
            yaml: "http:\n  max-connections: 20000\n", environment: ["MAILWARD_HTTP_MAX_CONNECTIONS_PER_IP": "500"])
        #expect(c.http.maxConnections == 20000)
        #expect(c.http.maxConnectionsPerIP == 500)
    }

    /// A file of comments only sets nothing (it was refused: "Top level YAML value is not a
    /// mapping"); a misspelled `MAILWARD_…` variable is named like a misspelled key, while every
    /// setting's own variable, the data folder's and the tests' are not.
    @Test func anEmptyFileAndMisspelledVariables() async throws {
        for text in ["", "# hostname: mail.example.edu.cn\n", "---\n", "---\n# nothing yet\n"] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-\(UUID().uuidString).yaml").path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let c = try await ConfigurationLoader.load(file: file, environment: ["MAILWARD_HTTP_PORT": "18080"])
            #expect(c.http.port == 18080 && c.smtp.port == MailwardConfiguration().smtp.port && c.unknownKeys.isEmpty)
        }
        let c = try await ConfigurationLoader.load(file: nil, environment: [
            "MAILWARD_HTTP_PROT": "1", "MAILWARD_http_port": "2", "MAILWARD_SMS_ALIYUN_ACCESS_KEY_SECRET": "s",
            "MAILWARD_TWO_STEP_CODE_LIFETIME": "120", "MAILWARD_DATA": "/tmp/x", "MAILWARD_TEST_STORE": "postgres", "PATH": "/bin",
        ])
        #expect(c.unknownKeys == ["MAILWARD_HTTP_PROT (environment variable)", "MAILWARD_http_port (environment variable)"])
        #expect(c.twoStep.codeLifetime == 120)
    }

    /// Setting only a total below the per-address default lowers that default with it; a
    /// per-address limit written above the total is still refused, naming its key.
    @Test func aSmallTotalLowersThePerAddressDefault() async throws {
        let c = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_CONNECTIONS_MAX": "10", "MAILWARD_HTTP_MAX_CONNECTIONS": "5"])
        #expect(c.connections.maxPerIP == 10 && c.http.maxConnectionsPerIP == 5)
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_CONNECTIONS_MAX": "10", "MAILWARD_CONNECTIONS_MAX_PER_IP": "11"])
        }
    }

    @Test func missingFileIsAnError() async {
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationLoader.load(file: "/nonexistent/mailward.yaml", environment: [:])
        }
    }

    @Test(arguments: [("1024", 1024), ("50 MiB", 50 << 20), ("10G", 10 << 30), ("3kb", 3072)])
    func byteSizes(_ text: String, _ value: Int) {
        #expect(ByteSize.parse(text) == value)
    }

    @Test func senderChecksAndDNSAreRead() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            filters:
              authentication: enforce
            dns:
              servers: 192.0.2.53, 2001:db8::53
              port: 5353
              timeout: 2s
            """)
        #expect(c.filters.authentication == "enforce")
        #expect(c.dns.servers == ["192.0.2.53", "2001:db8::53"] && c.dns.port == 5353 && c.dns.timeout == 2)
        let defaults = try await ConfigurationLoader.load(file: nil, environment: [:])
        #expect(defaults.filters.authentication == "off" && defaults.dns.servers.isEmpty && defaults.dns.port == 53)
        let fromEnvironment = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_FILTERS_AUTHENTICATION": "report"])
        #expect(fromEnvironment.filters.authentication == "report")
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_FILTERS_AUTHENTICATION": "strict"])
        }
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_DNS_SERVERS": "dns.example.net"])
        }
    }

    @Test func postgresConnectionWaitIsADuration() async throws {
        let defaults = try await ConfigurationLoader.load(file: nil, environment: [:])
        #expect(defaults.storage.postgresConnectionWait == 15)
        let c = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_STORAGE_POSTGRES_CONNECTION_WAIT": "2s"])
        #expect(c.storage.postgresConnectionWait == 2)
        await #expect(throws: ConfigurationError.self) {
            _ = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_STORAGE_POSTGRES_CONNECTION_WAIT": "soon"])
        }
    }

    /// Keys in seconds take a unit as the duration keys do (`5m` where `300` was the only way),
    /// but only whole seconds within their range.
    @Test func secondsKeysTakeUnits() async throws {
        let c = try await ConfigurationLoader.load(
            yaml: "smtp:\n  command-timeout: 5m\n  data-timeout: 90s\nhttp:\n  session-absolute-timeout: 1d\n",
            environment: ["MAILWARD_SIGN_IN_FAILURE_WINDOW": "1h", "MAILWARD_TWO_STEP_CODE_LIFETIME": "600"])
        #expect(c.smtp.commandTimeout == 300)
        #expect(c.smtp.dataTimeout == 90)
        #expect(c.http.sessionAbsoluteTimeout == 86_400)
        #expect(c.signIn.failureWindow == 3600)
        #expect(c.twoStep.codeLifetime == 600)
        for (variable, value) in [("MAILWARD_SMTP_COMMAND_TIMEOUT", "1.5s"), ("MAILWARD_SMTP_COMMAND_TIMEOUT", "2h"),
                                  ("MAILWARD_SMS_TIMEOUT", "soon"), ("MAILWARD_TWO_STEP_CODE_LIFETIME", "30s")] {
            await #expect(throws: ConfigurationError.self, "\(variable)=\(value)") {
                _ = try await ConfigurationLoader.load(file: nil, environment: [variable: value])
            }
        }
    }

    /// Sizes for people (the CLI's quota line) read back as what they say.
    @Test func byteSizesFormatAndParseBack() {
        #expect(ByteSize.format(0) == "0 bytes" && ByteSize.format(512) == "512 bytes")
        #expect(ByteSize.format(10 << 30) == "10 GiB" && ByteSize.format(1536 << 20) == "1.5 GiB")
        for text in ["10 GiB", "500 MiB", "4 KiB"] {
            #expect(ByteSize.format(Int64(ByteSize.parse(text)!)) == text)
        }
    }
}
