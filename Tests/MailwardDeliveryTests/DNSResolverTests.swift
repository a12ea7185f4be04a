import Foundation
import MailwardCore
import MailwardTesting
import Testing
@testable import MailwardDelivery

/// The NIO resolver against a real name server on loopback (`Tests/e2e/fake_dns.py`): UDP,
/// TCP after truncation, spoofed ids ignored, NXDOMAIN, null MX; then MX routing end to end.
@Suite(.serialized) struct DNSResolverTests {
    static func withFakeDNS(_ body: (DNSResolver, Int) async throws -> Void) async throws {
        let (process, folder, port) = try await launchScript("fake_dns.py", [])
        defer { stopScript(process, folder: folder) }
        let resolver = DNSResolver(configuration: ResolvConf(nameservers: ["127.0.0.1"], timeout: 2, attempts: 1), port: port)
        try await body(resolver, port)
    }

    @Test func lookupsOverUDPAndTCP() async throws {
        try await Self.withFakeDNS { resolver, _ async throws in
            // Truncated over UDP: the answer only arrives over TCP.
            #expect(try await resolver.mx("mx.test") == .exchanges(["mail.mx.test"]))
            #expect(try await resolver.addresses("mail.mx.test") == ["127.0.0.1"])
            #expect(try await resolver.mx("nomx.test") == .noMX)
            #expect(try await resolver.mx("null.test") == .nullMX)
            #expect(try await resolver.mx("nowhere.test") == .noSuchDomain)
            #expect(try await resolver.txt("txt.test") == ["v=spf1 -all"])
            // The reply with the wrong id comes first and is ignored.
            #expect(try await resolver.addresses("spoof.test") == ["127.0.0.1"])
        }
    }

    @Test func silentServerTimesOut() async throws {
        // A UDP port nobody answers on (bound by us, never read).
        let socket = try await DatagramBootstrapHelper.silentPort()
        defer { socket.close() }
        let resolver = DNSResolver(configuration: ResolvConf(nameservers: ["127.0.0.1"], timeout: 0.3, attempts: 1), port: socket.port)
        let start = Date()
        await #expect(throws: DNSResolverError.self) { _ = try await resolver.query("example.org", type: .mx) }
        // 0.3 s configured; the bound only tells "gave up" from "hung", however loaded the run.
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func routerFollowsMXAndRefusesNullMX() async throws {
        try await Self.withFakeDNS { resolver, _ async throws in
            let router = DeliveryRouter(routes: [:], relay: nil, smtpPort: 2525, resolver: resolver)
            #expect(try await router.nextHops(for: "mx.test") == [NextHop(host: "127.0.0.1", port: 2525, name: "mail.mx.test")])
            #expect(try await router.nextHops(for: "nomx.test") == [NextHop(host: "127.0.0.1", port: 2525, name: "nomx.test")])
            await #expect(throws: RoutingError.permanent("domain null.test accepts no mail (null MX)", status: "5.1.10")) {
                _ = try await router.nextHops(for: "null.test")
            }
            await #expect(throws: RoutingError.permanent("domain nowhere.test does not exist")) {
                _ = try await router.nextHops(for: "nowhere.test")
            }
            let routed = DeliveryRouter(routes: ["mx.test": NextHop(host: "relay.example", port: 587)], relay: nil, resolver: resolver)
            #expect(try await routed.nextHops(for: "MX.test") == [NextHop(host: "relay.example", port: 587)])
        }
    }

    @Test func deliveryThroughMXToARealPeer() async throws {
        let sink = try await SinkPeer.start()
        defer { sink.stop() }
        try await Self.withFakeDNS { resolver, _ async throws in
            let mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore())
            let accounts = AccountService(store: InMemoryDirectoryStore())
            let queue = DeliveryQueue(store: InMemoryDeliveryQueueStore(), blobs: InMemoryBlobStore())
            let worker = DeliveryWorker(
                queue: queue, mail: mail, accounts: accounts,
                router: DeliveryRouter(routes: [:], relay: nil, smtpPort: sink.port, resolver: resolver),
                transport: SMTPClientTransport(timeout: .seconds(10)), settings: .init(hostname: "mail.demo.test"))
            let raw = Array("Subject: via MX\r\n\r\nhello\r\n".utf8)
            try await queue.enqueue(OutboundMessage(id: "mx-1", sender: "alice@demo.test", recipients: ["bob@mx.test"],
                                                    raw: raw, createdAt: Date()))
            #expect(await worker.deliverDue() == 1)
            let received = try await sink.waitForMessages(1)
            #expect(received[0].to == ["bob@mx.test"] && received[0].bytes == raw)
            #expect(try await queue.store.allMessages().isEmpty)
        }
    }
}
