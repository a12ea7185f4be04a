import Foundation
import MailwardCore

/// The in-memory twin of `SecurityStore`, held to the same conformance suite as SQLite.
public actor InMemorySecurityStore: SecurityStore {
    private var phones: [AccountID: PhoneBinding] = [:]
    private var codes: [SMSCode] = []
    private var challenges: [String: SignInChallenge] = [:]
    private var devices: [TrustedDevice] = []
    private var apps: [AppPassword] = []
    private var sessions: [String: WebSession] = [:]
    private var rules: [EnforcementRule] = []
    private var exempt: [EnforcementExemption] = []
    private var audit: [AuditEvent] = []
    private var rates: [String: [Date]] = [:]
    private var authenticators: [AccountID: AuthenticatorApp] = [:]
    private var securityKeyRows: [SecurityKey] = []
    private var recoveryCodes: [(accountID: AccountID, hash: String, createdAt: Date, usedAt: Date?)] = []
    private var nextID: Int64 = 1
    /// How long the reads a limit is checked with (the latest code, the rate events) take: a
    /// database's round trip, during which other requests run — as against a real store, where
    /// parallel requests overlap between a check and its counting.
    private let readLatency: Duration

    public init(readLatency: Duration = .zero) {
        self.readLatency = readLatency
    }

    private func waitForRead() async {
        if readLatency > .zero { try? await Task.sleep(for: readLatency) }
    }

    /// Removes the rows that match; how many went.
    private func removing<Row>(_ rows: inout [Row], where match: (Row) -> Bool) -> Int {
        let before = rows.count
        rows.removeAll(where: match)
        return before - rows.count
    }

    private func newID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    // MARK: Phones

    public func phoneBinding(accountID: AccountID) -> PhoneBinding? { phones[accountID] }
    public func savePhoneBinding(_ binding: PhoneBinding) { phones[binding.accountID] = binding }
    public func deletePhoneBinding(accountID: AccountID) -> Bool { phones.removeValue(forKey: accountID) != nil }

    // MARK: Authenticator app and recovery codes

    public func authenticatorApp(accountID: AccountID) -> AuthenticatorApp? { authenticators[accountID] }
    public func saveAuthenticatorApp(_ app: AuthenticatorApp) { authenticators[app.accountID] = app }
    public func deleteAuthenticatorApp(accountID: AccountID) -> Bool { authenticators.removeValue(forKey: accountID) != nil }

    public func advanceAuthenticatorStep(accountID: AccountID, to step: Int64, at: Date) -> Bool {
        guard var app = authenticators[accountID], app.lastStep.map({ $0 < step }) ?? true else { return false }
        app.lastStep = step
        app.lastUsedAt = at
        authenticators[accountID] = app
        return true
    }

    public func replaceRecoveryCodes(accountID: AccountID, hashes: [String], at: Date) {
        recoveryCodes.removeAll { $0.accountID == accountID }
        recoveryCodes += hashes.map { (accountID, $0, at, nil) }
    }

    public func consumeRecoveryCode(accountID: AccountID, hash: String, at: Date) -> Bool {
        guard let index = recoveryCodes.firstIndex(where: { $0.accountID == accountID && $0.hash == hash && $0.usedAt == nil }) else {
            return false
        }
        recoveryCodes[index].usedAt = at
        return true
    }

    public func recoveryCodeStatus(accountID: AccountID) -> RecoveryCodeStatus {
        let codes = recoveryCodes.filter { $0.accountID == accountID }
        return RecoveryCodeStatus(remaining: codes.filter { $0.usedAt == nil }.count, total: codes.count,
                                  createdAt: codes.map(\.createdAt).min())
    }

    public func insertSecurityKey(_ key: NewSecurityKey) -> SecurityKey {
        let stored = SecurityKey(id: newID(), accountID: key.accountID, credentialID: key.credentialID, publicKey: key.publicKey,
                                 rpID: key.rpID, name: key.name, signCount: key.signCount, createdAt: key.createdAt, lastUsedAt: nil)
        securityKeyRows.append(stored)
        return stored
    }

    public func securityKeys(accountID: AccountID) -> [SecurityKey] { securityKeyRows.filter { $0.accountID == accountID } }

    public func recordSecurityKeyUse(id: Int64, signCount: UInt32, at: Date) -> Bool {
        guard let index = securityKeyRows.firstIndex(where: { $0.id == id }) else { return false }
        let old = securityKeyRows[index].signCount
        guard old < signCount || (old == 0 && signCount == 0) else { return false }
        securityKeyRows[index].signCount = signCount
        securityKeyRows[index].lastUsedAt = at
        return true
    }

    public func deleteSecurityKey(id: Int64, accountID: AccountID) -> Bool {
        removing(&securityKeyRows) { $0.id == id && $0.accountID == accountID } > 0
    }

    public func deleteSecurityKeys(accountID: AccountID) -> Int {
        removing(&securityKeyRows) { $0.accountID == accountID }
    }

    // MARK: Codes

    public func insertCode(_ code: NewSMSCode) -> SMSCode {
        let stored = SMSCode(id: newID(), accountID: code.accountID, phone: code.phone, purpose: code.purpose,
                             codeHash: code.codeHash, challenge: code.challenge, createdAt: code.createdAt,
                             expiresAt: code.expiresAt, failedAttempts: 0, consumed: false)
        codes.append(stored)
        return stored
    }

    public func latestCode(accountID: AccountID, purpose: CodePurpose, challenge: String?) async -> SMSCode? {
        let latest = codes.last { $0.accountID == accountID && $0.purpose == purpose && (challenge == nil || $0.challenge == challenge) }
        await waitForRead()
        return latest
    }

    public func recordFailedCodeAttempt(id: Int64) -> Int {
        guard let index = codes.firstIndex(where: { $0.id == id }) else { return 0 }
        codes[index].failedAttempts += 1
        return codes[index].failedAttempts
    }

    public func consumeCode(id: Int64) -> Bool {
        guard let index = codes.firstIndex(where: { $0.id == id }), !codes[index].consumed else { return false }
        codes[index].consumed = true
        return true
    }

    public func deleteCodes(accountID: AccountID) { codes.removeAll { $0.accountID == accountID } }

    // MARK: Challenges

    public func insertChallenge(_ challenge: SignInChallenge) throws {
        guard challenges[challenge.tokenHash] == nil else { throw StoreError.duplicate("challenge") }
        challenges[challenge.tokenHash] = challenge
    }

    public func challenge(tokenHash: String) -> SignInChallenge? { challenges[tokenHash] }

    public func transitionChallenge(tokenHash: String, from expected: SignInStateMachine.State,
                                    to new: SignInStateMachine.State) -> Bool {
        guard challenges[tokenHash]?.state == expected else { return false }
        challenges[tokenHash]?.state = new
        return true
    }

    public func deleteChallenges(accountID: AccountID) {
        challenges = challenges.filter { $0.value.accountID != accountID }
    }

    // MARK: Devices

    public func insertTrustedDevice(_ device: NewTrustedDevice) throws -> TrustedDevice {
        guard !devices.contains(where: { $0.tokenHash == device.tokenHash }) else { throw StoreError.duplicate("device") }
        let stored = TrustedDevice(id: newID(), accountID: device.accountID, tokenHash: device.tokenHash, name: device.name,
                                   ip: device.ip, trustedAt: device.trustedAt, lastSeenAt: device.trustedAt,
                                   expiresAt: device.expiresAt)
        devices.append(stored)
        return stored
    }

    public func trustedDevice(tokenHash: String) -> TrustedDevice? { devices.first { $0.tokenHash == tokenHash } }

    public func trustedDevices(accountID: AccountID) -> [TrustedDevice] {
        devices.filter { $0.accountID == accountID }.sorted { ($0.trustedAt, $0.id) > ($1.trustedAt, $1.id) }
    }

    public func touchTrustedDevice(id: Int64, at: Date, ip: String) {
        guard let index = devices.firstIndex(where: { $0.id == id }) else { return }
        devices[index].lastSeenAt = at
        devices[index].ip = ip
    }

    public func deleteTrustedDevice(id: Int64, accountID: AccountID) -> Bool {
        removing(&devices) { $0.id == id && $0.accountID == accountID } > 0
    }

    public func deleteTrustedDevices(accountID: AccountID) -> Int {
        removing(&devices) { $0.accountID == accountID }
    }

    // MARK: App passwords

    public func insertAppPassword(_ password: NewAppPassword) -> AppPassword {
        let stored = AppPassword(id: newID(), accountID: password.accountID, name: password.name,
                                 secretHash: password.secretHash, createdAt: password.createdAt, scope: password.scope)
        apps.append(stored)
        return stored
    }

    public func appPasswords(accountID: AccountID) -> [AppPassword] { apps.filter { $0.accountID == accountID } }
    public func appPassword(id: Int64) -> AppPassword? { apps.first { $0.id == id } }

    public func appPassword(accountID: AccountID, secretHash: String) -> AppPassword? {
        apps.first { $0.accountID == accountID && $0.secretHash == secretHash }
    }

    public func recordAppPasswordUse(id: Int64, at: Date, door: String, ip: String, client: String?) {
        guard let index = apps.firstIndex(where: { $0.id == id }) else { return }
        apps[index].lastUsedAt = at
        apps[index].lastUsedProtocol = door
        apps[index].lastUsedIP = ip
        if let client { apps[index].lastUsedClient = client }
    }

    public func deleteAppPassword(id: Int64, accountID: AccountID) -> Bool {
        removing(&apps) { $0.id == id && $0.accountID == accountID } > 0
    }

    public func deleteAppPasswords(accountID: AccountID) -> Int {
        removing(&apps) { $0.accountID == accountID }
    }

    // MARK: Sessions

    public func insertSession(_ session: WebSession) throws {
        guard sessions[session.idHash] == nil else { throw StoreError.duplicate("session") }
        sessions[session.idHash] = session
    }

    public func session(idHash: String) -> WebSession? { sessions[idHash] }
    public func touchSession(idHash: String, at: Date) { sessions[idHash]?.lastSeenAt = at }
    public func deleteSession(idHash: String) -> Bool { sessions.removeValue(forKey: idHash) != nil }

    public func deleteSessions(accountID: AccountID, keeping idHash: String?) -> Int {
        let doomed = sessions.values.filter { $0.accountID == accountID && $0.idHash != idHash }.map(\.idHash)
        for hash in doomed { sessions[hash] = nil }
        return doomed.count
    }

    // MARK: Enforcement

    public func saveEnforcement(_ rule: EnforcementRule) -> EnforcementChange {
        guard let index = rules.firstIndex(where: { $0.scope == rule.scope }) else {
            rules.append(rule)
            return .added
        }
        guard rules[index].graceUntil != rule.graceUntil else { return .unchanged }
        rules[index].graceUntil = rule.graceUntil
        return .updated
    }

    public func deleteEnforcement(_ scope: EnforcementScope) -> Bool {
        let before = rules.count
        rules.removeAll { $0.scope == scope }
        return rules.count < before
    }

    public func enforcements() -> [EnforcementRule] { rules }

    public func insertExemption(_ exemption: EnforcementExemption) -> Bool {
        guard !exempt.contains(where: { $0.scope == exemption.scope }) else { return false }
        exempt.append(exemption)
        return true
    }

    public func deleteExemption(_ scope: EnforcementScope) -> Bool {
        let before = exempt.count
        exempt.removeAll { $0.scope == scope }
        return exempt.count < before
    }

    public func exemptions() -> [EnforcementExemption] { exempt }

    // MARK: Audit

    public func appendAuditEvent(_ event: NewAuditEvent) {
        audit.append(AuditEvent(id: newID(), at: event.at, accountID: event.accountID, kind: event.kind, door: event.door,
                                method: event.method, success: event.success, ip: event.ip, detail: event.detail))
    }

    public func auditEvents(accountID: AccountID, kinds: [AuditKind]?, limit: Int) -> [AuditEvent] {
        Array(audit.reversed().filter { $0.accountID == accountID && (kinds?.contains($0.kind) ?? true) }.prefix(limit))
    }

    // MARK: Rates

    public func recordRateEvent(key: String, at: Date) { rates[key, default: []].append(at) }

    private var periodCounters: [String: Int] = [:]

    public func takeFromPeriodCounter(name: String, period: String, limit: Int) -> Bool {
        let key = name + "|" + period
        guard periodCounters[key, default: 0] < limit else { return false }
        periodCounters[key, default: 0] += 1
        return true
    }

    public func giveBackToPeriodCounter(name: String, period: String) {
        let key = name + "|" + period
        periodCounters[key] = max(0, periodCounters[key, default: 0] - 1)
    }

    public func periodCounter(name: String, period: String) -> Int { periodCounters[name + "|" + period, default: 0] }

    /// How many times rate events were read (a test's measure of requests that keep looking again).
    public private(set) var rateReads = 0

    public func rateEvents(key: String, since: Date) async -> [Date] {
        rateReads += 1
        let events = (rates[key] ?? []).filter { $0 >= since }.sorted()
        await waitForRead()
        return events
    }

    public func pruneExpired(now: Date, rateEventsBefore before: Date) {
        codes.removeAll { $0.expiresAt < now }
        challenges = challenges.filter { $0.value.expiresAt >= now }
        sessions = sessions.filter { $0.value.expiresAt >= now }
        devices.removeAll { $0.expiresAt < now }
        rates = rates.mapValues { $0.filter { $0 >= before } }.filter { !$0.value.isEmpty }
    }
}
