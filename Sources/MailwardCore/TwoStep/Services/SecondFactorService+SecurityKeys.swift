import Foundation

/// What `navigator.credentials.create` needs to make a security key's credential, and the token
/// that carries the challenge back (sealed, bound to the account and the RP ID, 10 minutes).
public struct SecurityKeyRegistration: Sendable, Equatable {
    public let challenge: [UInt8]
    public let token: String
    /// WebAuthn's `user.id`: opaque (a keyed hash of the account), never the address.
    public let userHandle: [UInt8]
    /// The account's keys already registered for this RP ID (the browser refuses to make a
    /// second credential on one of them).
    public let excludeCredentials: [[UInt8]]
}

/// A security key's answer at sign-in (`navigator.credentials.get`), with the page's origin.
public struct SecurityKeyAssertion: Sendable, Equatable {
    public let credentialID: [UInt8]
    public let clientDataJSON: [UInt8]
    public let authenticatorData: [UInt8]
    public let signature: [UInt8]

    public init(credentialID: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]) {
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
    }
}

/// Security keys (B1, WebAuthn): registered with the account password, used at sign-in instead
/// of a code, under the same wrong-answer limits. A key answers only for the RP ID (host name)
/// it was made for: the browser will not use it on another site, and the server checks that the
/// signed data names that host — what makes a security key proof against phishing.
extension SecondFactorService {
    public static let maximumSecurityKeys = 10
    static let registrationLifetime: TimeInterval = 10 * 60

    public func startSecurityKey(_ account: Account, party: WebAuthn.RelyingParty) async throws -> SecurityKeyRegistration {
        try await requirePhone(account)
        let keys = try await env.store.securityKeys(accountID: account.id)
        guard keys.count < Self.maximumSecurityKeys else { throw TwoStepError.securityKeyLimit(Self.maximumSecurityKeys) }
        let challenge = env.random.bytes(32)
        let token = try env.key.sealExpiring(.webAuthn, challenge, expiresAt: env.clock.now.addingTimeInterval(Self.registrationLifetime),
                                             context: Self.registrationContext(account.id, party))
        return SecurityKeyRegistration(challenge: challenge, token: token, userHandle: userHandle(account.id),
                                       excludeCredentials: keys.filter { $0.rpID == party.id }.map(\.credentialID))
    }

    /// Stores the credential the browser made, once the account password is right.
    public func addSecurityKey(_ account: Account, token: String, name rawName: String, password: String,
                               clientDataJSON: [UInt8], attestationObject: [UInt8], party: WebAuthn.RelyingParty,
                               context: ClientContext) async throws -> SecurityKey {
        try await requirePhone(account)
        guard let challenge = env.key.openUnexpired(.webAuthn, token, context: Self.registrationContext(account.id, party),
                                                    now: env.clock.now), challenge.count == 32 else { throw TwoStepError.setupExpired }
        let trimmed = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let name = AppPasswordFormat.validName(trimmed.isEmpty ? "Security key" : trimmed) else { throw TwoStepError.invalidName }
        try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
        let credential: WebAuthn.NewCredential
        do {
            credential = try WebAuthn.verifyRegistration(attestationObject: attestationObject, clientDataJSON: clientDataJSON,
                                                         challenge: challenge, party: party)
        } catch let refusal as WebAuthn.Refusal {
            throw TwoStepError.securityKeyRefused(refusal.reason)
        }
        let keys = try await env.store.securityKeys(accountID: account.id)
        guard keys.count < Self.maximumSecurityKeys else { throw TwoStepError.securityKeyLimit(Self.maximumSecurityKeys) }
        guard !keys.contains(where: { $0.credentialID == credential.credentialID }) else {
            throw TwoStepError.securityKeyRefused("this key is registered already")
        }
        let key = try await env.store.insertSecurityKey(NewSecurityKey(
            accountID: account.id, credentialID: credential.credentialID, publicKey: credential.publicKey, rpID: party.id,
            name: name, signCount: credential.signCount, createdAt: env.clock.now))
        await env.audit.record(.securityKeyAdded, account: account.id, ip: context.ip, detail: name)
        return key
    }

    public func securityKeys(_ account: Account) async throws -> [SecurityKey] {
        try await env.store.securityKeys(accountID: account.id)
    }

    public func removeSecurityKey(_ account: Account, id: Int64, password: String, context: ClientContext) async throws {
        try await ProtocolAuthenticator(env).reconfirm(account, password: password, remoteIP: context.ip)
        let name = try await env.store.securityKeys(accountID: account.id).first { $0.id == id }?.name
        guard try await env.store.deleteSecurityKey(id: id, accountID: account.id) else { throw TwoStepError.notFound }
        await env.audit.record(.securityKeyRemoved, account: account.id, ip: context.ip, detail: name ?? "")
    }

    // MARK: Sign-in

    /// The challenge a sign-in attempt's security key signs: derived from the attempt (its token
    /// hash) under the server key, so it needs no storage and is used once with the attempt.
    func assertionChallenge(attempt: String) -> [UInt8] {
        env.key.mac(.webAuthn, "sign-in\u{0}\(attempt)")
    }

    /// The account's credentials usable on `rpID`.
    func credentials(of account: Account, rpID: String) async throws -> [[UInt8]] {
        try await env.store.securityKeys(accountID: account.id).filter { $0.rpID == rpID }.map(\.credentialID)
    }

    /// Checks a security key's answer at sign-in under the wrong-answer limits.
    func verify(_ assertion: SecurityKeyAssertion, account: Account, attempt: String, origin: String) async throws {
        let keys = try await env.store.securityKeys(accountID: account.id)
        guard !keys.isEmpty else { throw TwoStepError.methodNotAvailable }
        let challenge = assertionChallenge(attempt: attempt)
        try await underLimits(account: account, challenge: attempt) {
            guard let key = keys.first(where: { $0.credentialID == assertion.credentialID }),
                  let count = try? WebAuthn.verifyAssertion(
                      authenticatorData: assertion.authenticatorData, clientDataJSON: assertion.clientDataJSON,
                      signature: assertion.signature, publicKey: key.publicKey, challenge: challenge,
                      party: WebAuthn.RelyingParty(id: key.rpID, origin: origin)) else { return false }
            // A counter that did not go up: a cloned key, or this answer replayed.
            return try await env.store.recordSecurityKeyUse(id: key.id, signCount: count, at: env.clock.now)
        }
    }

    func userHandle(_ accountID: AccountID) -> [UInt8] {
        Array(env.key.mac(.webAuthn, "user\u{0}\(accountID)").prefix(16))
    }

    static func registrationContext(_ accountID: AccountID, _ party: WebAuthn.RelyingParty) -> String {
        "account:\(accountID)\u{0}rp:\(party.id)\u{0}origin:\(party.origin)"
    }
}
