import Foundation
import Hummingbird
import MailwardCore

/// `/api/v1/security/…`: two-step settings (bind, change, unbind), trusted devices and recent
/// sign-ins of the signed-in user.
struct SecurityRoutes {
    let handler: APIHandler

    func register(on api: APIRoutes) {
        let handler = self.handler
        api.get("security/two-step") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.post("security/two-step/sms/start") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let wait = try await call.security.twoStep.startBinding(
                    session.account, phone: try body.string("phone", call.language, maxLength: 40), context: call.client)
                return SessionRoutes.sent(wait)
            }
        }
        api.post("security/two-step/sms/confirm") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                try await call.security.twoStep.confirmBinding(
                    session.account, phone: try body.string("phone", call.language, maxLength: 40),
                    code: try body.string("code", call.language, maxLength: 32), context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.post("security/two-step/sms/unbind/start") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                return SessionRoutes.sent(try await call.security.twoStep.startUnbind(session.account, context: call.client))
            }
        }
        api.delete("security/two-step") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body(allowEmpty: true)
                try await call.security.twoStep.unbind(session.account, code: body.optionalString("code"),
                                                      password: body.optionalString("password"), context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        // B1: the authenticator app (set up with a first code, removed) and recovery codes.
        api.post("security/two-step/totp/start") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let offer = try await call.security.secondFactors.offerAuthenticator(session.account)
                // The link as a QR code for the phone's camera: rows of `1` (dark) and `0`.
                let qr = QRCode(bytes: Array(offer.uri.utf8))
                return JSONValue.object([
                    "secret": .string(offer.secret), "otpauth_uri": .string(offer.uri), "setup_token": .string(offer.setupToken),
                    "qr": qr.map { .array($0.rows.map(JSONValue.string)) } ?? .null,
                ]).response()
            }
        }
        api.post("security/two-step/totp/confirm") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                try await call.security.secondFactors.confirmAuthenticator(
                    session.account, setupToken: try body.string("setup_token", call.language, maxLength: 512),
                    code: try body.string("code", call.language, maxLength: 32),
                    password: try body.string("password", call.language, maxLength: 1024), context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.delete("security/two-step/totp") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                try await call.security.secondFactors.removeAuthenticator(
                    session.account, password: try body.string("password", call.language, maxLength: 1024), context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.post("security/two-step/recovery-codes") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let codes = try await call.security.secondFactors.makeRecoveryCodes(
                    session.account, password: try body.string("password", call.language, maxLength: 1024), context: call.client)
                return JSONValue.object(["codes": .array(codes.map(JSONValue.string))]).response()
            }
        }
        // B1: security keys (WebAuthn). The page passes the browser's binary values as base64url.
        api.post("security/two-step/security-keys/start") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let party = try WebAuthnParty.of(call)
                let registration = try await call.security.secondFactors.startSecurityKey(session.account, party: party)
                return JSONValue.object([
                    "challenge": .string(Base64URL.encode(registration.challenge)),
                    "registration_token": .string(registration.token),
                    "rp": .object(["id": .string(party.id), "name": .string(call.security.env.settings.systemName)]),
                    "user": .object([
                        "id": .string(Base64URL.encode(registration.userHandle)),
                        "name": .string(session.account.address.description),
                        "display_name": .string(session.account.displayName),
                    ]),
                    "exclude_credentials": .array(registration.excludeCredentials.map { .string(Base64URL.encode($0)) }),
                    "algorithm": .int(WebAuthn.es256),
                ]).response()
            }
        }
        api.post("security/two-step/security-keys") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                let party = try WebAuthnParty.of(call)
                _ = try await call.security.secondFactors.addSecurityKey(
                    session.account, token: try body.string("registration_token", call.language, maxLength: 512),
                    name: body.optionalString("name") ?? "", password: try body.string("password", call.language, maxLength: 1024),
                    clientDataJSON: try body.base64url("client_data_json", call.language),
                    attestationObject: try body.base64url("attestation_object", call.language, maxLength: 16_384),
                    party: party, context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.get("security/two-step/security-keys") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let keys = try await call.security.secondFactors.securityKeys(session.account)
                return JSONValue.array(keys.map { key in
                    .object([
                        "id": .int(Int(key.id)), "name": .string(key.name), "site": .string(key.rpID),
                        "created_at": .date(key.createdAt), "last_used_at": .date(key.lastUsedAt),
                    ])
                }).response()
            }
        }
        api.delete("security/two-step/security-keys/:id") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIFailure.notFound(call.language) }
                let body = try await call.body()
                try await call.security.secondFactors.removeSecurityKey(
                    session.account, id: id, password: try body.string("password", call.language, maxLength: 1024), context: call.client)
                return Self.status(try await call.security.twoStep.status(session.account)).response()
            }
        }
        api.get("security/devices") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let current = session.session.trustedDeviceID
                let devices = try await call.security.twoStep.devices(session.account)
                return JSONValue.array(devices.map { device in
                    .object([
                        "id": .int(Int(device.id)), "name": .string(device.name), "ip": .string(device.ip),
                        "trusted_at": .date(device.trustedAt), "last_seen_at": .date(device.lastSeenAt),
                        "expires_at": .date(device.expiresAt), "current": .bool(device.id == current),
                    ])
                }).response()
            }
        }
        api.delete("security/devices/:id") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw APIFailure.notFound(call.language) }
                try await call.security.twoStep.removeDevice(session.account, id: id, context: call.client)
                return Response(status: .noContent, headers: [.cacheControl: "no-store"])
            }
        }
        api.get("security/sign-ins") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: false)
                let events = try await call.security.twoStep.recentSignIns(session.account, limit: 20)
                return JSONValue.array(events.map { event in
                    .object([
                        "at": .date(event.at), "door": .optional(event.door), "method": .optional(event.method),
                        "success": .bool(event.success), "ip": .optional(event.ip), "detail": .string(event.detail),
                        "method_text": .string(AuditText.signInMethod(door: event.door, method: event.method, language: call.language)),
                    ])
                }).response()
            }
        }
    }

    static func status(_ status: TwoStepStatus) -> JSONValue {
        .object([
            "enabled": .bool(status.enabled), "methods": .array(status.methods.map(JSONValue.string)),
            "phone_hint": .optional(status.phoneHint), "enforced": .bool(status.enforced),
            "enforced_from": .date(status.enforcedFrom),
            "recovery_codes_left": status.enabled ? .int(status.recoveryCodes?.remaining ?? 0) : .null,
        ])
    }
}
