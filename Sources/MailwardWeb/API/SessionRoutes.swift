import Foundation
import Hummingbird
import MailwardCore
import MailwardNet

/// `/api/v1/session…`: sign-in with password, the SMS second factor, forced enrollment, sign-out.
struct SessionRoutes {
    let handler: APIHandler

    /// A wrong password (or unknown account), or one refused while the account or address is throttled.
    static func isRefusedSignIn(_ error: TwoStepError) -> Bool {
        if case .rateLimited = error { return true }
        return error == .invalidCredentials
    }

    func register(on api: APIRoutes) {
        let handler = self.handler
        api.post("session") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let signIn = call.security.signIn
                let username = try body.string("username", call.language, maxLength: 320)
                let password = try body.string("password", call.language, maxLength: 1024)
                // Counted with the mail doors' sign-ins (`mailward_logins_total{door="web"}`): password
                // guessing at the webmail is alerted on like guessing at IMAP.
                let step: SignInStep
                do {
                    step = try await signIn.begin(
                        username: username, password: password,
                        deviceTokens: { request.trustedDeviceTokens(tag: signIn.deviceCookieTag(for: $0)) },
                        oldSessionToken: request.cookie(CookieNames.session), securityKeySite: (try? WebAuthnParty.of(call))?.id,
                        context: call.client)
                    MailMetrics.login(door: "web", result: "success")
                } catch let error as TwoStepError where Self.isRefusedSignIn(error) {
                    MailMetrics.login(door: "web", result: "failure")
                    throw error
                } catch StoreError.unavailable(let reason) {
                    MailMetrics.login(door: "web", result: "unavailable")
                    throw StoreError.unavailable(reason)
                }
                switch step {
                case .signedIn(let grant):
                    return Self.signedIn(grant, device: nil, call: call)
                case .secondFactorRequired(let challenge, let hint, let methods):
                    return JSONValue.object([
                        "status": .string("second_factor_required"), "challenge": .string(challenge),
                        "methods": .array(methods.map { .string($0.rawValue) }), "phone_hint": .string(hint),
                    ]).response()
                case .enrollmentRequired(let challenge):
                    return JSONValue.object([
                        "status": .string("enrollment_required"), "challenge": .string(challenge),
                        "methods": .array([.string("sms")]),
                    ]).response()
                }
            }
        }
        api.post("session/sms") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let wait = try await call.security.signIn.sendCode(challenge: try body.string("challenge", call.language),
                                                                   context: call.client)
                return Self.sent(wait)
            }
        }
        api.post("session/verify") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let result = try await call.security.signIn.verify(
                    challenge: try body.string("challenge", call.language), code: try body.string("code", call.language, maxLength: 32),
                    method: try Self.method(body, call.language), trustDevice: try body.bool("trust_device", call.language), oldSessionToken: request.cookie(CookieNames.session),
                    context: call.client)
                return Self.signedIn(result.session, device: result.device, call: call)
            }
        }
        // B1: a security key as the second factor — the request for `navigator.credentials.get`,
        // then its answer (binary values as base64url).
        api.post("session/security-key/options") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let party = try WebAuthnParty.of(call)
                let (challenge, credentials) = try await call.security.signIn.securityKeyRequest(
                    challenge: try body.string("challenge", call.language), rpID: party.id)
                return JSONValue.object([
                    "challenge": .string(Base64URL.encode(challenge)), "rp_id": .string(party.id),
                    "allow_credentials": .array(credentials.map { .string(Base64URL.encode($0)) }),
                ]).response()
            }
        }
        api.post("session/security-key") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let party = try WebAuthnParty.of(call)
                let assertion = SecurityKeyAssertion(
                    credentialID: try body.base64url("credential_id", call.language, maxLength: 2_048),
                    clientDataJSON: try body.base64url("client_data_json", call.language),
                    authenticatorData: try body.base64url("authenticator_data", call.language),
                    signature: try body.base64url("signature", call.language, maxLength: 1_024))
                let result = try await call.security.signIn.verify(
                    challenge: try body.string("challenge", call.language), securityKey: assertion, origin: party.origin,
                    trustDevice: try body.bool("trust_device", call.language), oldSessionToken: request.cookie(CookieNames.session),
                    context: call.client)
                return Self.signedIn(result.session, device: result.device, call: call)
            }
        }
        api.post("session/enroll/sms") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let wait = try await call.security.signIn.sendEnrollmentCode(
                    challenge: try body.string("challenge", call.language), phone: try body.string("phone", call.language, maxLength: 40),
                    context: call.client)
                return Self.sent(wait)
            }
        }
        api.post("session/enroll/confirm") { request, context in
            await handler.run(request, context) { call in
                let body = try await call.body()
                let result = try await call.security.signIn.confirmEnrollment(
                    challenge: try body.string("challenge", call.language), phone: try body.string("phone", call.language, maxLength: 40),
                    code: try body.string("code", call.language, maxLength: 32), trustDevice: try body.bool("trust_device", call.language),
                    oldSessionToken: request.cookie(CookieNames.session), context: call.client)
                return Self.signedIn(result.session, device: result.device, call: call)
            }
        }
        api.get("session") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                return JSONValue.object([
                    "address": .string(session.account.address.description),
                    "display_name": .string(session.account.displayName),
                    "csrf_token": .string(session.csrfToken),
                ]).response()
            }
        }
        api.delete("session") { request, context in
            await handler.run(request, context) { call in
                let (_, token) = try await call.session(csrf: true)
                await call.security.signIn.signOut(sessionToken: token, context: call.client)
                var response = JSONValue.object(["status": .string("signed_out")]).response()
                response.setCookie(CookieNames.expired(CookieNames.session))
                return response
            }
        }
    }

    /// `"method"`: `sms` (also when absent), `totp` or `recovery_code` (B1; a security key has
    /// its own endpoint).
    static func method(_ body: JSONBody, _ language: Language) throws -> SecondFactorMethod {
        guard let raw = body.optionalString("method") else { return .sms }
        guard let method = SecondFactorMethod(rawValue: raw), method != .securityKey else {
            throw APIFailure.badRequest(language, language == .en ? "Field \"method\" must be sms, totp or recovery_code."
                                            : "字段 method 须为 sms、totp 或 recovery_code")
        }
        return method
    }

    static func sent(_ wait: Int) -> Response {
        JSONValue.object(["sent": .bool(true), "resend_after": .int(wait)]).response()
    }

    /// `{"status":"ok","csrf_token"}` with a fresh session cookie (and the trusted-device cookie).
    static func signedIn(_ grant: SessionGrant, device: DeviceGrant?, call: APICall) -> Response {
        var response = JSONValue.object(["status": .string("ok"), "csrf_token": .string(grant.csrfToken)]).response()
        response.setCookie(CookieNames.session(grant.token))
        if let device {
            response.setCookie(CookieNames.trustedDevice(device.token, tag: call.security.signIn.deviceCookieTag(for: grant.account.id),
                                                         trustedAt: device.trustedAt, expiresAt: device.expiresAt))
        }
        return response
    }
}
