import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// The JSON API v1 of SPEC (paths, fields, statuses) over real HTTP, with the real outbox.
@Suite(.serialized) struct TwoStepAPITests {
    let address = "zhang.san@example.edu.cn"
    let password = "Tea-Garden-42"

    func expectError(_ reply: APIClient.Reply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "\(reply.body)", sourceLocation: sourceLocation)
        #expect(reply.error == code, "\(reply.body)", sourceLocation: sourceLocation)
        #expect((reply["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    /// Signs `address` in on `web` with the password, binds `phone`, and signs out.
    func bindPhone(_ server: TwoStepServer, _ web: APIClient, _ address: String, _ phone: String) async throws {
        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        web.csrf = try #require(reply["csrf_token"] as? String)
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": phone])
        #expect(reply.status == 200)
        let code = try #require(server.outbox.lastCode(to: "+86" + phone))
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/confirm", ["phone": phone, "code": code])
        #expect(reply["enabled"] as? Bool == true)
        try await web.call(.DELETE, "/api/v1/session")
    }

    /// Signs in with the password and, when asked, the SMS code (trusting the device or not);
    /// returns whether a code was asked for.
    @discardableResult
    func signIn(_ server: TwoStepServer, _ web: APIClient, _ address: String, phone: String, trust: Bool) async throws -> Bool {
        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        if reply["status"] as? String == "ok" {
            web.csrf = try #require(reply["csrf_token"] as? String)
            return false
        }
        let challenge = try #require(reply["challenge"] as? String, "\(reply.body)")
        try await web.call(.POST, "/api/v1/session/sms", ["challenge": challenge])
        let code = try #require(server.outbox.lastCode(to: "+86" + phone))
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": challenge, "code": code, "trust_device": trust])
        #expect(reply["status"] as? String == "ok")
        web.csrf = try #require(reply["csrf_token"] as? String)
        return true
    }

    /// B8 through the API: the configured countries and the month's budget, refused in words.
    @Test func smsPumpingLimitsAnswerWithTheirCodes() async throws {
        let server = try await TwoStepServer.start { $0.twoStep.smsCountries = ["86"]; $0.twoStep.monthlySMSLimit = 1 }
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        try await server.addUser("li.si@example.edu.cn")
        let web = server.client()
        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "+44 7700 900123"])
        expectError(reply, 400, "phone_country_not_allowed")
        #expect(server.outbox.count == 0)
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"])
        #expect(reply.status == 200)
        let other = server.client()
        try await other.call(.POST, "/api/v1/session", ["username": "li.si@example.edu.cn", "password": password])
        reply = try await other.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13900139000"], extraHeaders: [("Accept-Language", "en")])
        expectError(reply, 503, "sms_budget_exhausted")
        #expect(server.outbox.count == 1)
        // The month's use, as `/metrics` shows it (`mailward_sms_sent_this_month`, ServeTests).
        #expect(try await SMSCodeIssuer(server.runtime.security).sentInMonth(of: Date()) == 1)
    }

    /// SPEC A4 for a computer two people share (the contract audit: trusting the second
    /// account's sign-in replaced the first one's cookie, which then had to type a code again).
    @Test func oneBrowserKeepsTheTrustOfEachAccount() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let other = "li.si@example.edu.cn"
        try await server.addUser(address)
        try await server.addUser(other)
        let web = server.client()
        try await bindPhone(server, web, address, "13800138000")
        try await bindPhone(server, web, other, "13900139000")

        #expect(try await signIn(server, web, address, phone: "13800138000", trust: true), "first sign-in asks for the code")
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await signIn(server, web, other, phone: "13900139000", trust: true), "the other account has no trust here yet")
        try await web.call(.DELETE, "/api/v1/session")
        #expect(web.cookieNames(prefix: "mw_device").count == 2, "one trusted-device cookie per account")
        #expect(try await signIn(server, web, address, phone: "13800138000", trust: false) == false, "the first trust still holds")
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await signIn(server, web, other, phone: "13900139000", trust: false) == false)
        // Other cookies of that name's shape do not push the account's own aside.
        for i in 0..<9 { web.setCookie("mw_device_junk\(i)", String(repeating: "A", count: 43)) }
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await signIn(server, web, address, phone: "13800138000", trust: false) == false)
        for i in 0..<9 { web.setCookie("mw_device_junk\(i)", nil) }
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await signIn(server, web, other, phone: "13900139000", trust: false) == false)

        // Changing one account's password ends its trust only.
        let reply = try await web.call(.POST, "/api/v1/account/password", ["current_password": password, "new_password": "Moon-River-77"])
        #expect(reply.status == 200)
        #expect(web.cookieNames(prefix: "mw_device").count == 1)
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await signIn(server, web, address, phone: "13800138000", trust: false) == false, "the first account's trust is untouched")
    }

    @Test func signInBindCodeTrustedDeviceAndSignOut() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()

        expectError(try await web.call(.POST, "/api/v1/session", ["username": address, "password": "wrong"]), 401, "invalid_credentials")
        expectError(try await web.call(.POST, "/api/v1/session", ["username": "nobody@example.edu.cn", "password": password]),
                    401, "invalid_credentials")
        expectError(try await web.call(.GET, "/api/v1/security/two-step"), 401, "unauthorized")

        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply.status == 200)
        #expect(reply["status"] as? String == "ok")
        let csrf = try #require(reply["csrf_token"] as? String)
        #expect(reply.setCookies.contains { $0.hasPrefix("mw_session=") && $0.contains("HttpOnly") && $0.contains("SameSite=Lax") })

        reply = try await web.call(.GET, "/api/v1/security/two-step")
        #expect(reply.status == 200)
        #expect(reply["enabled"] as? Bool == false)
        #expect((reply["methods"] as? [Any])?.isEmpty == true)
        #expect(reply.object.keys.contains("phone_hint"))
        #expect(reply["enforced"] as? Bool == false)

        // CSRF: refused without the header, or with another token.
        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"], sendCSRF: false),
                    403, "csrf_failed")
        web.csrf = String(repeating: "0", count: csrf.count)
        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"]), 403, "csrf_failed")
        web.csrf = csrf
        #expect(server.outbox.count == 0)

        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "12345"]), 400, "invalid_phone")
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "138 0013 8000"])
        #expect(reply.status == 200)
        #expect(reply["sent"] as? Bool == true)
        #expect(reply["resend_after"] as? Int == 60)
        let line = try #require(server.outbox.lines.last)
        #expect(line["to"] as? String == "+8613800138000")
        #expect(line["at"] != nil)
        #expect((line["text"] as? String)?.contains("Mailward") == true)
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"])
        expectError(reply, 429, "cooldown")
        #expect((reply["retry_after"] as? Int).map { $0 > 0 && $0 <= 60 } == true)
        #expect(reply.headers.first(name: "Retry-After") != nil)

        let bindCode = try #require(server.outbox.lastCode(to: "+8613800138000"))
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/confirm",
                                   ["phone": "13800138000", "code": bindCode == "000000" ? "000001" : "000000"])
        expectError(reply, 400, "invalid_code")
        #expect(reply["tries_left"] as? Int == 4)
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/confirm", ["phone": "13800138000", "code": bindCode])
        #expect(reply.status == 200)
        #expect(reply["enabled"] as? Bool == true)
        #expect(reply["methods"] as? [String] == ["sms"])
        #expect(reply["phone_hint"] as? String == "+86 138****8000")

        reply = try await web.call(.DELETE, "/api/v1/session")
        #expect(reply.status == 200)
        #expect(web.cookie("mw_session") == nil)
        expectError(try await web.call(.GET, "/api/v1/security/two-step"), 401, "unauthorized")

        // Password, then the code: POST /session never sends one; /session/sms does.
        let sent = server.outbox.count
        reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply.status == 200)
        #expect(reply["status"] as? String == "second_factor_required")
        #expect(reply["methods"] as? [String] == ["sms"])
        #expect(reply["phone_hint"] as? String == "+86 138****8000")
        #expect(reply["csrf_token"] == nil)
        let challenge = try #require(reply["challenge"] as? String)
        #expect(server.outbox.count == sent)
        expectError(try await web.call(.POST, "/api/v1/session/verify", ["challenge": challenge, "code": "123456", "trust_device": false]),
                    400, "code_missing")
        reply = try await web.call(.POST, "/api/v1/session/sms", ["challenge": challenge])
        #expect(reply.status == 200)
        #expect(reply["sent"] as? Bool == true && reply["resend_after"] as? Int == 60)
        expectError(try await web.call(.POST, "/api/v1/session/sms", ["challenge": challenge]), 429, "cooldown")
        let code = try #require(server.outbox.lastCode(to: "+8613800138000"))
        expectError(try await web.call(.POST, "/api/v1/session/verify",
                                       ["challenge": challenge, "code": code == "999999" ? "999998" : "999999", "trust_device": true]),
                    400, "invalid_code")
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": challenge, "code": code, "trust_device": true])
        #expect(reply.status == 200)
        #expect(reply["status"] as? String == "ok")
        #expect(reply["csrf_token"] as? String != nil)
        let deviceCookie = try #require(reply.setCookies.first { $0.hasPrefix("mw_device_") })
        #expect(deviceCookie.contains("HttpOnly") && deviceCookie.contains("SameSite=Lax") && deviceCookie.contains("Max-Age=604800"))
        #expect(!deviceCookie.contains("Secure"))
        // The challenge is single-use.
        expectError(try await web.call(.POST, "/api/v1/session/verify", ["challenge": challenge, "code": code, "trust_device": false]),
                    401, "invalid_challenge")

        reply = try await web.call(.GET, "/api/v1/security/devices")
        #expect(reply.status == 200)
        let device = try #require(reply.array.first)
        #expect(reply.array.count == 1)
        #expect(Set(device.keys) == ["id", "name", "ip", "trusted_at", "last_seen_at", "expires_at", "current"])
        #expect(device["current"] as? Bool == true)
        #expect(device["ip"] as? String == "127.0.0.1")
        #expect(device["name"] as? String == "Chrome 120 · Linux")
        let deviceID = try #require(device["id"] as? Int)

        // Signing in again on the trusted device needs no code.
        try await web.call(.DELETE, "/api/v1/session")
        reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "ok")
        // Another browser (no device cookie) still needs one.
        let other = server.client()
        reply = try await other.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "second_factor_required")

        reply = try await web.call(.GET, "/api/v1/security/sign-ins")
        #expect(reply.status == 200)
        #expect(reply.array.contains { $0["method"] as? String == "password+trusted-device" && $0["method_text"] as? String == "网页 · 密码 + 可信任设备" })

        expectError(try await web.call(.DELETE, "/api/v1/security/devices/\(deviceID)", sendCSRF: false), 403, "csrf_failed")
        #expect(try await web.call(.DELETE, "/api/v1/security/devices/\(deviceID)").status == 204)
        expectError(try await web.call(.DELETE, "/api/v1/security/devices/\(deviceID)"), 404, "not_found")
        expectError(try await web.call(.DELETE, "/api/v1/security/devices/abc"), 404, "not_found")
        try await web.call(.DELETE, "/api/v1/session")
        reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "second_factor_required", "a cancelled device asks for a code again")
    }

    @Test func unbindAndEnforcement() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        _ = try await TwoStepService(server.runtime.security).enforce(.domain("example.edu.cn"))

        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "enrollment_required")
        let challenge = try #require(reply["challenge"] as? String)
        expectError(try await web.call(.GET, "/api/v1/security/two-step"), 401, "unauthorized")
        expectError(try await web.call(.POST, "/api/v1/session/sms", ["challenge": challenge]), 401, "invalid_challenge")
        expectError(try await web.call(.POST, "/api/v1/session/enroll/sms", ["challenge": challenge, "phone": "abc"]), 400, "invalid_phone")
        reply = try await web.call(.POST, "/api/v1/session/enroll/sms", ["challenge": challenge, "phone": "+44 7700 900123"])
        #expect(reply["sent"] as? Bool == true)
        let code = try #require(server.outbox.lastCode(to: "+447700900123"))
        reply = try await web.call(.POST, "/api/v1/session/enroll/confirm", ["challenge": challenge, "phone": "+447700900123", "code": code])
        #expect(reply.status == 200)
        #expect(reply["status"] as? String == "ok")
        reply = try await web.call(.GET, "/api/v1/security/two-step")
        #expect(reply["enabled"] as? Bool == true)
        #expect(reply["enforced"] as? Bool == true)
        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/unbind/start"), 403, "two_step_enforced")
        expectError(try await web.call(.DELETE, "/api/v1/security/two-step", ["password": password]), 403, "two_step_enforced")

        _ = try await TwoStepService(server.runtime.security).relax(.domain("example.edu.cn"))
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/unbind/start")
        #expect(reply["sent"] as? Bool == true)
        let unbindCode = try #require(server.outbox.lastCode(to: "+447700900123"))
        expectError(try await web.call(.DELETE, "/api/v1/security/two-step", ["code": unbindCode], sendCSRF: false), 403, "csrf_failed")
        // Neither a code nor the password: an incomplete request, whatever was sent before.
        expectError(try await web.call(.DELETE, "/api/v1/security/two-step", [String: Any]()), 400, "bad_request")
        expectError(try await web.call(.DELETE, "/api/v1/security/two-step", ["code": "", "password": ""]), 400, "bad_request")
        reply = try await web.call(.DELETE, "/api/v1/security/two-step", ["code": unbindCode])
        #expect(reply.status == 200)
        #expect(reply["enabled"] as? Bool == false)
        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/unbind/start"), 409, "not_enabled")
    }

    @Test func appPasswordsAndPasswordChange() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        expectError(try await web.call(.GET, "/api/v1/app-passwords"), 401, "unauthorized")
        try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])

        expectError(try await web.call(.POST, "/api/v1/app-passwords", ["name": "Foxmail"], sendCSRF: false), 403, "csrf_failed")
        expectError(try await web.call(.POST, "/api/v1/app-passwords", ["name": "   "]), 400, "invalid_name")
        var reply = try await web.call(.POST, "/api/v1/app-passwords", ["name": "Foxmail"])
        #expect(reply.status == 201)
        let secret = try #require(reply["password"] as? String)
        #expect(secret.count == 16)
        #expect(reply["name"] as? String == "Foxmail")
        let id = try #require(reply["id"] as? Int)

        // The client-specific password works at a mail door, never on the web.
        let auth = ProtocolAuthenticator(server.runtime.security)
        guard case .valid(let opened, .appPassword(let usedID, "Foxmail", false)) = await auth.authenticate(
            username: address, password: secret.uppercased(), door: .imap, remoteIP: "127.0.0.1", clientID: nil) else {
            Issue.record("the client-specific password must open IMAP"); return
        }
        #expect(usedID == Int64(id))
        expectError(try await server.client().call(.POST, "/api/v1/session", ["username": address, "password": secret]),
                    401, "invalid_credentials")

        reply = try await web.call(.GET, "/api/v1/app-passwords")
        #expect(reply.status == 200)
        let listed = try #require(reply.array.first)
        #expect(listed["password"] == nil)
        #expect(!reply.body.contains(secret))
        #expect(listed["last_used_protocol"] as? String == "imap")
        #expect(listed["last_used_ip"] as? String == "127.0.0.1")
        #expect(listed["last_used_at"] is String)

        #expect(try await web.call(.DELETE, "/api/v1/app-passwords/\(id)").status == 204)
        expectError(try await web.call(.DELETE, "/api/v1/app-passwords/\(id)"), 404, "not_found")
        #expect(try await auth.revocation(of: .appPassword(id: Int64(id), name: "Foxmail"), account: opened) == .clientPasswordDeleted)

        // A13: changing the password ends the other sessions and revokes client-specific passwords.
        try await web.call(.POST, "/api/v1/app-passwords", ["name": "iPhone"])
        let second = server.client()
        try await second.call(.POST, "/api/v1/session", ["username": address, "password": password])
        expectError(try await web.call(.POST, "/api/v1/account/password", ["current_password": "nope", "new_password": "Moon-River-77"]),
                    400, "wrong_password")
        expectError(try await web.call(.POST, "/api/v1/account/password", ["current_password": password, "new_password": "1"]),
                    400, "weak_password")
        // An IMAP session opened with the account password (no phone is bound here)…
        guard case .valid(let imapOpened, .accountPassword) = await auth.authenticate(
            username: address, password: password, door: .imap, remoteIP: "127.0.0.1", clientID: nil) else {
            Issue.record("the account password must open IMAP while no phone is bound"); return
        }
        #expect(try await auth.revocation(of: .accountPassword, account: imapOpened) == nil)
        reply = try await web.call(.POST, "/api/v1/account/password", ["current_password": password, "new_password": "Moon-River-77"])
        #expect(reply.status == 200)
        #expect(try await web.call(.GET, "/api/v1/app-passwords").array.isEmpty)
        expectError(try await second.call(.GET, "/api/v1/app-passwords"), 401, "unauthorized")
        // … ends with the change too.
        #expect(try await auth.revocation(of: .accountPassword, account: imapOpened) == .passwordChanged)
    }

    /// SPEC B2: a mail client refused for the account password leaves the owner one message in
    /// the INBOX saying how to make a client-specific password (then none for a day).
    @Test func aRefusedAccountPasswordLeavesANoticeInTheInbox() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let account = try await server.runtime.accounts.account(address)
        _ = try await TwoStepService(server.runtime.security).enforce(.account(account.id))
        let auth = ProtocolAuthenticator(server.runtime.security)
        for door in [DoorKind.imap, .smtp] {
            #expect(await auth.authenticate(username: address, password: password, door: door, remoteIP: "127.0.0.1",
                                            clientID: "Foxmail") == .clientPasswordRequired(account))
        }
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        let messages = try await server.runtime.mail.store.messages(mailboxID: inbox.id)
        #expect(messages.count == 1)
        #expect(messages.first?.summary.subject == "邮件客户端需要使用客户端专用密码 / A mail client needs a client-specific password")
        #expect(messages.first?.summary.preview.contains("Foxmail") == true)
    }

    @Test func hostileRequestsGetClearErrors() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        expectError(try await web.call(.POST, "/api/v1/session", rawBody: "{not json"), 400, "bad_request")
        expectError(try await web.call(.POST, "/api/v1/session", rawBody: "[1,2]"), 400, "bad_request")
        expectError(try await web.call(.POST, "/api/v1/session", ["username": address]), 400, "bad_request")
        expectError(try await web.call(.POST, "/api/v1/session", ["username": 5, "password": true]), 400, "bad_request")
        expectError(try await web.call(.POST, "/api/v1/session", rawBody: String(repeating: "x", count: 100_000)), 413, "too_large")
        expectError(try await web.call(.POST, "/api/v1/session/sms", ["challenge": "forged"]), 401, "invalid_challenge")
        expectError(try await web.call(.POST, "/api/v1/session/verify",
                                       ["challenge": String(repeating: "A", count: 43), "code": "123456"]), 401, "invalid_challenge")
        web.setCookie("mw_session", "forged-session")
        expectError(try await web.call(.GET, "/api/v1/security/devices"), 401, "unauthorized")
        // English on request.
        let reply = try await web.call(.POST, "/api/v1/session?lang=en", ["username": address, "password": "x"])
        #expect(reply["message"] as? String == "Wrong address or password.")
    }

    @Test func providerFailureIsA502AndNothingIsIssued() async throws {
        let sms = RecordingSMSSender()
        sms.setFailing(true)
        let server = try await TwoStepServer.start(smsSender: sms)
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        expectError(try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"]), 502, "sms_failed")
        sms.setFailing(false)
        let reply = try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"])
        #expect(reply.status == 200, "no cooldown was left behind")
        #expect(sms.messages.count == 1)
    }

    @Test func pagesNeedASessionAndCarrySecurityHeaders() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        // Without a session the page redirects to the sign-in page (the client follows redirects).
        var reply = try await web.call(.GET, "/settings/security/two-step")
        #expect(reply.status == 200)
        #expect(reply.body.contains("id=\"login-form\""))
        #expect(!reply.body.contains("id=\"bind-form\""))
        reply = try await web.call(.GET, "/login")
        #expect(reply.status == 200)
        #expect(reply.body.contains("设为可信任设备"))
        #expect(reply.body.contains("浏览器7天内不需要验证码登录"))
        #expect(reply.body.contains("帐号安全二次验证"))
        #expect(reply.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(reply.headers.first(name: "X-Frame-Options") == "DENY")
        try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        for path in ["/mail", "/settings", "/settings/security/two-step", "/settings/security/devices", "/settings/profile/password"] {
            reply = try await web.call(.GET, path)
            #expect(reply.status == 200, "\(path)")
            #expect(reply.body.contains(web.csrf ?? "-"), "\(path) carries the CSRF token")
        }
        #expect(try await web.call(.GET, "/settings/profile/password").body.contains("客户端专用密码"))
        #expect(try await web.call(.GET, "/settings?lang=en").body.contains("Two-step verification"))
        #expect(try await web.call(.GET, "/static/app.js").status == 200)
        #expect(try await web.call(.GET, "/static/nothing.js").status == 404)
    }

    /// The "trust this device" hint says as many days as the setting (A4: 7 by default, configurable).
    @Test func trustHintFollowsTheSetting() async throws {
        let server = try await TwoStepServer.start(configure: { $0.twoStep.trustedDeviceDays = 2 })
        defer { Task { try? await server.stop() } }
        let web = server.client()
        #expect(try await web.call(.GET, "/login").body.contains("浏览器2天内不需要验证码登录"))
        #expect(try await web.call(.GET, "/login?lang=en").body.contains("without a code for 2 days"))
    }
}
