import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// B1: security keys (WebAuthn) — the relying party's checks against a software key, and the
/// sign-in through Core's use cases.
@Suite struct SecurityKeyTests {
    let party = WebAuthn.RelyingParty(id: "mail.example.edu.cn", origin: "https://mail.example.edu.cn")

    @Test func registrationAndAssertionVerify() throws {
        let key = SoftwareSecurityKey()
        let challenge = Array(repeating: UInt8(7), count: 32)
        let made = key.register(challenge: challenge, rpID: party.id, origin: party.origin)
        let credential = try WebAuthn.verifyRegistration(attestationObject: made.attestationObject, clientDataJSON: made.clientDataJSON,
                                                         challenge: challenge, party: party)
        #expect(credential.credentialID == key.credentialID)
        #expect(credential.publicKey == Array(key.privateKey.publicKey.x963Representation))
        let signIn = Array(repeating: UInt8(9), count: 32)
        let answer = key.sign(challenge: signIn, rpID: party.id, origin: party.origin)
        #expect(try WebAuthn.verifyAssertion(authenticatorData: answer.authenticatorData, clientDataJSON: answer.clientDataJSON,
                                             signature: answer.signature, publicKey: credential.publicKey, challenge: signIn,
                                             party: party) == 1)
    }

    @Test func refusals() throws {
        let key = SoftwareSecurityKey()
        let challenge = Array(repeating: UInt8(7), count: 32)
        func register(_ rpID: String = "mail.example.edu.cn", origin: String = "https://mail.example.edu.cn",
                      challenge sent: [UInt8]? = nil) throws {
            let made = key.register(challenge: sent ?? challenge, rpID: rpID, origin: origin)
            _ = try WebAuthn.verifyRegistration(attestationObject: made.attestationObject, clientDataJSON: made.clientDataJSON,
                                                challenge: challenge, party: party)
        }
        #expect(throws: WebAuthn.Refusal(reason: "made for another site")) { try register("evil.example") }
        #expect(throws: WebAuthn.Refusal(reason: "another origin")) { try register(origin: "https://mail.example.edu.cn.evil.example") }
        #expect(throws: WebAuthn.Refusal(reason: "not our challenge")) { try register(challenge: Array(repeating: 8, count: 32)) }

        let made = key.register(challenge: challenge, rpID: party.id, origin: party.origin)
        let publicKey = try WebAuthn.verifyRegistration(attestationObject: made.attestationObject, clientDataJSON: made.clientDataJSON,
                                                        challenge: challenge, party: party).publicKey
        func assert(_ answer: SecurityKeyAssertion, publicKey: [UInt8] = publicKey) throws {
            _ = try WebAuthn.verifyAssertion(authenticatorData: answer.authenticatorData, clientDataJSON: answer.clientDataJSON,
                                             signature: answer.signature, publicKey: publicKey, challenge: challenge, party: party)
        }
        #expect(throws: WebAuthn.Refusal(reason: "the client data is not for webauthn.get")) {
            try assert(key.sign(challenge: challenge, rpID: party.id, origin: party.origin, type: "webauthn.create"))
        }
        #expect(throws: WebAuthn.Refusal(reason: "the user was not present")) {
            try assert(key.sign(challenge: challenge, rpID: party.id, origin: party.origin, userPresent: false))
        }
        let other = SoftwareSecurityKey()
        #expect(throws: WebAuthn.Refusal(reason: "the signature does not verify")) {
            try assert(other.sign(challenge: challenge, rpID: party.id, origin: party.origin))
        }
        var tampered = key.sign(challenge: challenge, rpID: party.id, origin: party.origin)
        tampered = SecurityKeyAssertion(credentialID: tampered.credentialID, clientDataJSON: tampered.clientDataJSON,
                                        authenticatorData: tampered.authenticatorData.dropLast() + [99], signature: tampered.signature)
        #expect(throws: WebAuthn.Refusal(reason: "the signature does not verify")) { try assert(tampered) }
    }

    @Test func cborDecodingIsBoundedAndStrict() throws {
        #expect(try CBOR.decode([0xA1, 0x01, 0x02])[1]?.integer == 2)
        #expect(try CBOR.decode([0x38, 0x18]).integer == -25)
        for junk: [UInt8] in [[], [0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x9B] + [UInt8](repeating: 0xFF, count: 8),
                              [0xBF], [0x5F], [0xC0, 0x00], [0xF9, 0x00, 0x00], [0xA2, 0x01, 0x02, 0x01, 0x03],
                              [UInt8](repeating: 0x81, count: 100) + [0x00], [0x01, 0x02], [0x62, 0xFF, 0xFE]] {
            #expect(throws: CBOR.DecodingError.self) { _ = try CBOR.decode(junk) }
        }
        // Random input never crashes nor reads past the end.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? CBOR.decode(bytes)
        }
    }

    @Test func signInWithASecurityKey() async throws {
        let h = Harness()
        let account = try await h.user()
        try await h.bind(account)
        let service = SecondFactorService(h.env)
        let registration = try await service.startSecurityKey(account, party: party)
        let key = SoftwareSecurityKey()
        let made = key.register(challenge: registration.challenge, rpID: party.id, origin: party.origin)
        await #expect(throws: TwoStepError.wrongPassword) {
            _ = try await service.addSecurityKey(account, token: registration.token, name: "YubiKey", password: "x",
                                                 clientDataJSON: made.clientDataJSON, attestationObject: made.attestationObject,
                                                 party: party, context: h.web)
        }
        let otherSite = WebAuthn.RelyingParty(id: "webmail.example.edu.cn", origin: "https://webmail.example.edu.cn")
        await #expect(throws: TwoStepError.setupExpired, "a token is for the site it was asked on") {
            _ = try await service.addSecurityKey(account, token: registration.token, name: "YubiKey", password: Harness.password,
                                                 clientDataJSON: made.clientDataJSON, attestationObject: made.attestationObject,
                                                 party: otherSite, context: h.web)
        }
        let stored = try await service.addSecurityKey(account, token: registration.token, name: "YubiKey", password: Harness.password,
                                                      clientDataJSON: made.clientDataJSON, attestationObject: made.attestationObject,
                                                      party: party, context: h.web)
        #expect(stored.name == "YubiKey" && stored.rpID == party.id)
        #expect(try await h.twoStep.status(account).methods == ["sms", "security_key"])

        // Offered only where a key was registered: not at another host name, nor without one.
        for site in [nil, "webmail.example.edu.cn"] {
            guard case .secondFactorRequired(_, _, let methods) = try await h.signIn.begin(
                username: account.address.description, password: Harness.password, deviceToken: nil, oldSessionToken: nil,
                securityKeySite: site, context: h.web) else { Issue.record("no second factor"); return }
            #expect(methods == [.sms], "\(site ?? "no site")")
        }
        guard case .secondFactorRequired(let attempt, _, let methods) = try await h.signIn.begin(
            username: account.address.description, password: Harness.password, deviceToken: nil, oldSessionToken: nil,
            securityKeySite: party.id, context: h.web) else { Issue.record("no second factor"); return }
        #expect(methods == [.sms, .securityKey])
        let request = try await h.signIn.securityKeyRequest(challenge: attempt, rpID: party.id)
        #expect(request.credentials == [key.credentialID])
        let wrong = key.sign(challenge: Array(repeating: 1, count: 32), rpID: party.id, origin: party.origin)
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4)) {
            _ = try await h.signIn.verify(challenge: attempt, securityKey: wrong, origin: party.origin, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        let answer = key.sign(challenge: request.challenge, rpID: party.id, origin: party.origin)
        let verified = try await h.signIn.verify(challenge: attempt, securityKey: answer, origin: party.origin, trustDevice: false,
                                                 oldSessionToken: nil, context: h.web)
        #expect(verified.session.account.id == account.id)

        // The same answer replayed on a new sign-in: another challenge, and the counter did not go up.
        guard case .secondFactorRequired(let again, _, _) = try await h.begin(account.address.description) else { return }
        await #expect(throws: TwoStepError.invalidCode(triesLeft: 4)) {
            _ = try await h.signIn.verify(challenge: again, securityKey: answer, origin: party.origin, trustDevice: false,
                                          oldSessionToken: nil, context: h.web)
        }
        // Removing needs the password; unbinding the phone removes the rest.
        await #expect(throws: TwoStepError.wrongPassword) {
            try await service.removeSecurityKey(account, id: stored.id, password: "x", context: h.web)
        }
        try await h.twoStep.unbind(account, code: nil, password: Harness.password, context: h.web)
        #expect(await h.store.securityKeys(accountID: account.id).isEmpty)
    }
}
