import Foundation
import MailwardConfig
import MailwardTesting
import Testing

/// The web door holds its connections to `http.max-connections` and `http.max-connections-per-ip`
/// as the mail doors hold theirs: one address opening connections without end would otherwise
/// use up the process's file descriptors, the mail doors' with them. Raw sockets, as a flood
/// would open them.
@Suite struct WebConnectionLimitTests {
    static func server(max: Int, perIP: Int, trustedProxies: [String]) async throws -> TwoStepServer {
        try await TwoStepServer.start { configuration in
            configuration.http.maxConnections = max
            configuration.http.maxConnectionsPerIP = perIP
            configuration.http.trustedProxies = trustedProxies
        }
    }

    /// Opens `count` connections that send nothing (held open, as a flood holds them), and
    /// makes sure the server has taken each in (one request answered on each).
    static func hold(_ count: Int, port: Int) async throws -> [LineClient] {
        var held: [LineClient] = []
        for _ in 0..<count {
            let client = try await LineClient.connect(port: port)
            let head = try await request(client, path: "/healthz")
            #expect(head.first?.hasPrefix("HTTP/1.1 200") == true)
            held.append(client)
        }
        return held
    }

    /// Sends one keep-alive GET and reads the response's head and body (Content-Length bodies only).
    static func request(_ client: LineClient, path: String) async throws -> [String] {
        try await client.send("GET \(path) HTTP/1.1\r\nHost: mail.example.edu.cn\r\n\r\n")
        var lines = try await client.readLines { $0.isEmpty }
        let length = lines.compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        if length > 0 { lines.append(String(decoding: try await client.readBytes(length), as: UTF8.self)) }
        return lines
    }

    @Test func anAddressOverItsShareIsAnswered503AndOthersAreNot() async throws {
        let server = try await Self.server(max: 10, perIP: 3, trustedProxies: [])
        let held = try await Self.hold(3, port: server.port)

        let extra = try await LineClient.connect(port: server.port)
        let api = try await Self.request(extra, path: "/api/v1/session")
        #expect(api.first?.hasPrefix("HTTP/1.1 503") == true)
        #expect(api.contains { $0.lowercased() == "retry-after: 10" })
        #expect(api.last?.contains(#""error":"too_many_connections""#) == true)
        #expect(await extra.waitForClose())

        let page = try await LineClient.connect(port: server.port)
        let refusal = try await Self.request(page, path: "/login")
        #expect(refusal.first?.hasPrefix("HTTP/1.1 503") == true)
        #expect(refusal.last?.contains("请稍后重试") == true)
        #expect(await page.waitForClose())

        // Refused connections are not counted: one that sends no request is not kept either.
        let silent = try await LineClient.connect(port: server.port)
        #expect(await silent.waitForClose())

        // A connection that closes frees its place.
        await held[0].close()
        var answered: [String] = []
        for _ in 0..<50 {
            let next = try await LineClient.connect(port: server.port)
            answered = try await Self.request(next, path: "/healthz")
            await next.close()
            if answered.first?.hasPrefix("HTTP/1.1 200") == true { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(answered.first?.hasPrefix("HTTP/1.1 200") == true)
        for client in held.dropFirst() { await client.close() }
        try await server.stop()
    }

    /// A trusted proxy carries everybody's connections: it is held to the door's total only.
    @Test func aTrustedProxyIsHeldToTheTotalOnly() async throws {
        let server = try await Self.server(max: 4, perIP: 2, trustedProxies: ["127.0.0.0/8"])
        let held = try await Self.hold(4, port: server.port)
        let extra = try await LineClient.connect(port: server.port)
        #expect(try await Self.request(extra, path: "/healthz").first?.hasPrefix("HTTP/1.1 503") == true)
        await extra.close()
        for client in held { await client.close() }
        try await server.stop()
    }
}
