import Foundation
import MailwardConfig
import Testing

@Suite struct DeliveryConfigurationTests {
    @Test func deliveryKeysAreRead() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            delivery:
              relay-host: smtp.example.net:587
              routes: "Partner.edu.cn=mx.partner.edu.cn:25, v6.test=[2001:db8::1]:2525"
              smtp-port: 2526
              retry-schedule: 30s, 5m, 1h
              max-age: 2d
              poll-interval: 500ms
              timeout: 2m
              concurrency: 4
              delay-notice-after: off
            """)
        #expect(c.delivery.relayHost == "smtp.example.net:587")
        #expect(c.delivery.routes == ["partner.edu.cn": "mx.partner.edu.cn:25", "v6.test": "[2001:db8::1]:2525"])
        #expect(c.delivery.smtpPort == 2526)
        #expect(c.delivery.retrySchedule == [30, 300, 3600])
        #expect(c.delivery.maxAge == 2 * 86400 && c.delivery.pollInterval == 0.5 && c.delivery.timeout == 120)
        #expect(c.delivery.concurrency == 4 && c.delivery.delayNoticeAfter == 0)
        let defaults = MailwardConfiguration().delivery
        #expect(defaults.relayHost.isEmpty && defaults.routes.isEmpty && defaults.maxAge == 5 * 86400)
        #expect(defaults.delayNoticeAfter == 4 * 3600)
    }

    @Test(arguments: [
        ("delivery:\n  relay-host: no-port\n", "delivery.relay-host"),
        ("delivery:\n  relay-host: host:99999\n", "delivery.relay-host"),
        ("delivery:\n  routes: example.org\n", "delivery.routes"),
        ("delivery:\n  routes: example.org=bad host:25\n", "delivery.routes"),
        ("delivery:\n  retry-schedule: 5m, soon\n", "delivery.retry-schedule"),
        ("delivery:\n  retry-schedule: 0s\n", "delivery.retry-schedule"),
        ("delivery:\n  max-age: forever\n", "delivery.max-age"),
        ("delivery:\n  concurrency: 0\n", "delivery.concurrency"),
    ])
    func badValuesNameTheirKey(_ yaml: String, _ key: String) async {
        await #expect(throws: ConfigurationError.self) { _ = try await ConfigurationLoader.load(yaml: yaml) }
        do {
            _ = try await ConfigurationLoader.load(yaml: yaml)
        } catch let error as ConfigurationError {
            #expect(error.key == key)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theRelaysTLSAndLoginAreRead() async throws {
        let caFile = FileManager.default.temporaryDirectory.appendingPathComponent("relay-ca-\(UUID().uuidString).pem").path
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: caFile))
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        let c = try await ConfigurationLoader.load(file: nil, environment: [
            "MAILWARD_DELIVERY_RELAY_HOST": "smtp.provider.example:465", "MAILWARD_DELIVERY_RELAY_TLS": "Implicit",
            "MAILWARD_DELIVERY_RELAY_CA_FILE": caFile, "MAILWARD_DELIVERY_RELAY_USERNAME": "relay@school.example",
            "MAILWARD_DELIVERY_RELAY_PASSWORD": "s3cret pass",
        ])
        #expect(c.delivery.relayTLS == .implicit && c.delivery.relayCAFile == caFile)
        #expect(c.delivery.relayUsername == "relay@school.example" && c.delivery.relayPassword == "s3cret pass")
        let defaults = MailwardConfiguration().delivery
        #expect(defaults.relayTLS == .opportunistic && defaults.relayUsername.isEmpty && defaults.relayPassword.isEmpty)
    }

    @Test(arguments: [
        // A login needs TLS that is checked; a CA file means nothing without it.
        ("delivery:\n  relay-host: r.test:587\n  relay-username: a\n  relay-password: b\n", "delivery.relay-tls"),
        ("delivery:\n  relay-host: r.test:587\n  relay-ca-file: /etc/hostname\n", "delivery.relay-ca-file"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: starttls\n  relay-username: a\n", "delivery.relay-password"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: starttls\n  relay-password: b\n", "delivery.relay-username"),
        ("delivery:\n  relay-tls: starttls\n", "delivery.relay-host"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: always\n", "delivery.relay-tls"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: starttls\n  relay-ca-file: /nonexistent/ca.pem\n", "delivery.relay-ca-file"),
        ("delivery:\n  relay-host: r.test:587\n  relay-certificate: /etc/hostname\n", "delivery.relay-certificate"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: starttls\n  relay-certificate: /nonexistent/relay.pem\n",
         "delivery.relay-certificate"),
        ("delivery:\n  relay-host: r.test:587\n  relay-tls: starttls\n  relay-ca-file: /etc/hostname\n  relay-certificate: /etc/hostname\n",
         "delivery.relay-certificate"),
    ])
    func relaySettingsThatCannotWorkNameTheirKey(_ yaml: String, _ key: String) async {
        do {
            _ = try await ConfigurationLoader.load(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func environmentOverridesRoutes() async throws {
        let c = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_DELIVERY_ROUTES": "a.test=127.0.0.1:2525"])
        #expect(c.delivery.routes == ["a.test": "127.0.0.1:2525"])
    }
}
