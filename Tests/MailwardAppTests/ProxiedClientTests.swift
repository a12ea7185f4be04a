import Foundation
import MailwardConfig
import MailwardCore
import Testing

/// The webmail behind a proxy (production.md): every connection comes from the proxy, and the
/// client is what the proxy's `X-Forwarded-For` names — for the per-IP limits, the audit log and
/// `/metrics`, which answers only requests that did not come through the proxy.
@Suite struct ProxiedClientTests {
    static func server(trustedProxies: [String]? = nil) async throws -> TwoStepServer {
        let server = try await TwoStepServer.start { configuration in
            configuration.signIn.failuresPerIP = 3
            if let trustedProxies { configuration.http.trustedProxies = trustedProxies }
        }
        try await server.addUser("li.si@example.edu.cn")
        return server
    }

    static func proxied(_ server: TwoStepServer, for client: String) -> APIClient {
        APIClient(port: server.port, headers: [("X-Forwarded-For", client)])
    }

    static func failThrice(_ client: APIClient) async throws {
        for n in 0..<3 {
            let reply = try await client.call(.POST, "/api/v1/session", ["username": "nobody\(n)@example.edu.cn", "password": "guess"])
            #expect(reply.status == 401)
        }
        #expect(try await client.call(.POST, "/api/v1/session", ["username": "nobody@example.edu.cn", "password": "guess"]).status == 429)
    }

    /// One guesser behind the institution's proxy does not lock everybody else out.
    @Test func perIPLimitsCountTheClientTheProxyNames() async throws {
        let server = try await Self.server()
        try await Self.failThrice(Self.proxied(server, for: "203.0.113.7"))
        // nginx appends the peer it saw to what the browser sent (here a made-up entry).
        let colleague = Self.proxied(server, for: "10.9.9.9, 198.51.100.23")
        let reply = try await colleague.call(.POST, "/api/v1/session", ["username": "li.si@example.edu.cn", "password": "Tea-Garden-42"])
        #expect(reply.status == 200)
        let account = try #require(try await server.runtime.store.account(address: EmailAddress("li.si@example.edu.cn")))
        let signIns = try await server.runtime.store.auditEvents(accountID: account.id, kinds: [.signIn], limit: 5)
        #expect(signIns.first?.ip == "198.51.100.23")
        try await server.stop()
    }

    /// A forwarded-for from a peer that is not a trusted proxy is the client's own say-so.
    @Test func aForwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let server = try await Self.server(trustedProxies: ["192.0.2.1"])
        try await Self.failThrice(Self.proxied(server, for: "203.0.113.7"))
        let other = Self.proxied(server, for: "198.51.100.23")
        let reply = try await other.call(.POST, "/api/v1/session", ["username": "li.si@example.edu.cn", "password": "Tea-Garden-42"])
        #expect(reply.status == 429)
        try await server.stop()
    }

    /// A proxy that terminates TLS says so; the session cookie is then `Secure` even though
    /// `http.secure-cookies` was left off. Only a trusted proxy's word counts.
    @Test func cookiesAreSecureWhenTheProxySaysHTTPS() async throws {
        let server = try await Self.server()
        let credentials: [String: Any] = ["username": "li.si@example.edu.cn", "password": "Tea-Garden-42"]
        let viaHTTPS = APIClient(port: server.port, headers: [("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https")])
        let secured = try await viaHTTPS.call(.POST, "/api/v1/session", credentials)
        #expect(secured.status == 200)
        #expect(!secured.setCookies.isEmpty)
        #expect(secured.setCookies.allSatisfy { $0.hasSuffix("; Secure") || $0.contains("; Secure;") }, "\(secured.setCookies)")

        let plain = try await Self.proxied(server, for: "203.0.113.8").call(.POST, "/api/v1/session", credentials)
        #expect(plain.status == 200)
        #expect(!plain.setCookies.contains { $0.contains("Secure") })
        try await server.stop()

        let untrusting = try await Self.server(trustedProxies: ["192.0.2.1"])
        let claimed = try await APIClient(port: untrusting.port, headers: [("X-Forwarded-Proto", "https")])
            .call(.POST, "/api/v1/session", credentials)
        #expect(claimed.status == 200)
        #expect(!claimed.setCookies.contains { $0.contains("Secure") })
        try await untrusting.stop()

        // `http.secure-cookies` marks every cookie, the page's language cookie too.
        let always = try await TwoStepServer.start { $0.http.secureCookies = true }
        try await always.addUser("li.si@example.edu.cn")
        let direct = try await always.client().call(.POST, "/api/v1/session", credentials)
        #expect(direct.status == 200 && !direct.setCookies.isEmpty)
        #expect(direct.setCookies.allSatisfy { $0.hasSuffix("; Secure") || $0.contains("; Secure;") }, "\(direct.setCookies)")
        let page = try await always.client().call(.GET, "/login?lang=en")
        #expect(page.setCookies.count == 1 && page.setCookies.allSatisfy { $0.contains("Secure") }, "\(page.setCookies)")
        try await always.stop()
    }

    @Test func metricsAreNotServedThroughTheProxy() async throws {
        let server = try await Self.server()
        #expect(try await server.client().call(.GET, "/metrics").status == 200)
        #expect(try await Self.proxied(server, for: "203.0.113.7").call(.GET, "/metrics").status == 404)
        try await server.stop()
    }
}
