import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// B1 over real HTTP: an authenticator app set up on the settings API and used at sign-in,
/// recovery codes, and the refusals with their codes. The server's clock is fixed, so the app's
/// codes are computed for a known moment.
@Suite(.serialized) struct SecondFactorAPITests {
    let address = "zhang.san@example.edu.cn"
    let password = "Tea-Garden-42"

    /// A signed-in browser of a user with a bound phone.
    func boundUser(_ server: TwoStepServer) async throws -> APIClient {
        try await server.addUser(address)
        let web = server.client()
        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        web.csrf = try #require(reply["csrf_token"] as? String)
        try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"])
        let code = try #require(server.outbox.lastCode(to: "+8613800138000"))
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/confirm", ["phone": "13800138000", "code": code])
        #expect(reply["methods"] as? [String] == ["sms"])
        #expect(reply["recovery_codes_left"] as? Int == 0)
        return web
    }

    func challenge(_ web: APIClient) async throws -> (String, [String]) {
        let reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "second_factor_required", "\(reply.body)")
        return (try #require(reply["challenge"] as? String), reply["methods"] as? [String] ?? [])
    }

    @Test func authenticatorAppAndRecoveryCodesAtSignIn() async throws {
        let clock = FixedClock(Date(timeIntervalSince1970: 1_800_000_000))
        let server = try await TwoStepServer.start(clock: clock)
        defer { Task { try? await server.stop() } }
        let web = try await boundUser(server)

        var reply = try await web.call(.POST, "/api/v1/security/two-step/totp/start")
        #expect(reply.status == 200, "\(reply.body)")
        let uri = try #require(reply["otpauth_uri"] as? String)
        #expect(uri.hasPrefix("otpauth://totp/Mailward:zhang.san@example.edu.cn?secret="))
        let shown = try #require(reply["secret"] as? String)
        let secret = try #require(Base32.decode(shown))
        let token = try #require(reply["setup_token"] as? String)
        let qr = try #require(reply["qr"] as? [String], "the link as a QR code's rows")
        #expect(qr.count >= 21 && qr.allSatisfy { $0.count == qr.count && $0.allSatisfy { "01".contains($0) } })
        func code(_ offset: Int64 = 0) -> String { TOTP.code(secret: secret, step: TOTP.step(at: clock.now) + offset) }
        reply = try await web.call(.POST, "/api/v1/security/two-step/totp/confirm", ["setup_token": token, "code": code(), "password": "wrong"])
        #expect(reply.status == 400 && reply.error == "wrong_password", "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/security/two-step/totp/confirm", ["setup_token": token + "x", "code": code(), "password": password])
        #expect(reply.status == 400 && reply.error == "setup_expired", "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/security/two-step/totp/confirm", ["setup_token": token, "code": code(), "password": password])
        #expect(reply.status == 200 && reply["methods"] as? [String] == ["sms", "totp"], "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/security/two-step/recovery-codes", ["password": password])
        let recovery = try #require(reply["codes"] as? [String])
        #expect(recovery.count == 10)
        // Security keys need the webmail reached by a name: an IP address is no WebAuthn RP ID;
        // a key registered on the name is not offered at the address.
        reply = try await web.call(.POST, "/api/v1/security/two-step/security-keys/start")
        #expect(reply.status == 400 && reply.error == "security_key_unavailable", "\(reply.body)")
        let account = try await server.runtime.accounts.account(address)
        _ = try await server.runtime.store.insertSecurityKey(NewSecurityKey(
            accountID: account.id, credentialID: Array(0..<32), publicKey: [4] + Array(repeating: 7, count: 64),
            rpID: "mail.example.edu.cn", name: "YubiKey", signCount: 0, createdAt: clock.now))
        reply = try await web.call(.GET, "/api/v1/security/two-step")
        #expect(reply["recovery_codes_left"] as? Int == 10)
        try await web.call(.DELETE, "/api/v1/session")

        // Sign-in with the app: offered, no text message sent, the code taken once.
        clock.advance(by: 30)
        let texts = server.outbox.count
        var (attempt, methods) = try await challenge(web)
        #expect(methods == ["sms", "totp", "recovery_code"], "no security key at an IP address")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": code(), "method": "authenticator"])
        #expect(reply.status == 400, "an unknown method: \(reply.body)")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": code(2), "method": "totp"])
        #expect(reply.status == 400 && reply.error == "invalid_code" && reply["tries_left"] as? Int == 4, "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": code(), "method": "totp"])
        #expect(reply["status"] as? String == "ok", "\(reply.body)")
        web.csrf = try #require(reply["csrf_token"] as? String)
        #expect(server.outbox.count == texts)
        reply = try await web.call(.GET, "/api/v1/security/sign-ins")
        let latest = try #require((reply.json as? [[String: Any]])?.first)
        #expect(latest["method"] as? String == "password+totp")
        #expect(latest["method_text"] as? String == "网页 · 密码 + 身份验证器")
        try await web.call(.DELETE, "/api/v1/session")

        (attempt, _) = try await challenge(web)
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": code(), "method": "totp"])
        #expect(reply.error == "invalid_code", "a code is good once: \(reply.body)")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": recovery[0].uppercased(), "method": "recovery_code"])
        #expect(reply["status"] as? String == "ok", "\(reply.body)")
        web.csrf = try #require(reply["csrf_token"] as? String)
        reply = try await web.call(.GET, "/api/v1/security/two-step")
        #expect(reply["recovery_codes_left"] as? Int == 9)

        // Removing the app needs the password; then the sign-in offers SMS and the codes left.
        reply = try await web.call(.DELETE, "/api/v1/security/two-step/totp", ["password": "wrong"])
        #expect(reply.error == "wrong_password")
        reply = try await web.call(.DELETE, "/api/v1/security/two-step/totp", ["password": password])
        #expect(reply["methods"] as? [String] == ["sms", "recovery_code", "security_key"], "the settings list every factor: \(reply.body)")
        try await web.call(.DELETE, "/api/v1/session")
        (attempt, methods) = try await challenge(web)
        #expect(methods == ["sms", "recovery_code"])
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": code(1), "method": "totp"])
        #expect(reply.status == 409 && reply.error == "method_not_available", "\(reply.body)")
    }

    @Test func fiveWrongCodesEndTheSignIn() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let web = try await boundUser(server)
        var reply = try await web.call(.POST, "/api/v1/security/two-step/recovery-codes", ["password": password])
        let recovery = try #require(reply["codes"] as? [String])
        try await web.call(.DELETE, "/api/v1/session")
        let (attempt, _) = try await challenge(web)
        for left in (1...4).reversed() {
            reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": "aaaaa-aaaaa", "method": "recovery_code"])
            #expect(reply.error == "invalid_code" && reply["tries_left"] as? Int == left, "\(reply.body)")
        }
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": "aaaaa-aaaab", "method": "recovery_code"])
        #expect(reply.status == 400 && reply.error == "too_many_attempts", "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": attempt, "code": recovery[1], "method": "recovery_code"])
        #expect(reply.status == 401 && reply.error == "invalid_challenge", "closed: \(reply.body)")
        // A right code on a new sign-in still works (and was not used up by the closed one).
        let (again, _) = try await challenge(web)
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": again, "code": recovery[1], "method": "recovery_code"])
        #expect(reply["status"] as? String == "ok", "\(reply.body)")
    }
}
