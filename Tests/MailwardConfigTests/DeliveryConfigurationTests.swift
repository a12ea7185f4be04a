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

    @Test func environmentOverridesRoutes() async throws {
        let c = try await ConfigurationLoader.load(file: nil, environment: ["MAILWARD_DELIVERY_ROUTES": "a.test=127.0.0.1:2525"])
        #expect(c.delivery.routes == ["a.test": "127.0.0.1:2525"])
    }
}
