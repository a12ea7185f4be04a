import Foundation
import MailwardCore
import PostgresNIO

extension PostgresStore: SecurityStore {
    // MARK: Phones

    public func phoneBinding(accountID: AccountID) async throws -> PhoneBinding? {
        try await rows("SELECT * FROM phone_bindings WHERE account_id = \(accountID)").first.map { row in
            PhoneBinding(accountID: try row.get("account_id"), phone: PhoneNumber(storedE164: try row.get("phone")),
                         boundAt: try row.date("bound_at"))
        }
    }

    public func savePhoneBinding(_ binding: PhoneBinding) async throws {
        try await execute("""
            INSERT INTO phone_bindings (account_id, phone, bound_at)
            VALUES (\(binding.accountID), \(binding.phone.e164), \(binding.boundAt.timeIntervalSince1970))
            ON CONFLICT (account_id) DO UPDATE SET phone = excluded.phone, bound_at = excluded.bound_at
            """)
    }

    public func deletePhoneBinding(accountID: AccountID) async throws -> Bool {
        try await execute("DELETE FROM phone_bindings WHERE account_id = \(accountID) RETURNING 1") > 0
    }

    // MARK: Authenticator app and recovery codes (B1)

    public func authenticatorApp(accountID: AccountID) async throws -> AuthenticatorApp? {
        try await rows("SELECT * FROM authenticator_apps WHERE account_id = \(accountID)").first.map { row in
            AuthenticatorApp(accountID: try row.get("account_id"), sealedSecret: try row.get("sealed_secret"),
                             createdAt: try row.date("created_at"), lastStep: try row.get("last_step", as: Int64?.self),
                             lastUsedAt: try row.get("last_used_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func saveAuthenticatorApp(_ app: AuthenticatorApp) async throws {
        try await execute("""
            INSERT INTO authenticator_apps (account_id, sealed_secret, created_at, last_step, last_used_at)
            VALUES (\(app.accountID), \(app.sealedSecret), \(app.createdAt.timeIntervalSince1970), \(app.lastStep),
                    \(app.lastUsedAt?.timeIntervalSince1970))
            ON CONFLICT (account_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, created_at = excluded.created_at,
                last_step = excluded.last_step, last_used_at = excluded.last_used_at
            """)
    }

    public func deleteAuthenticatorApp(accountID: AccountID) async throws -> Bool {
        try await execute("DELETE FROM authenticator_apps WHERE account_id = \(accountID) RETURNING 1") > 0
    }

    public func advanceAuthenticatorStep(accountID: AccountID, to step: Int64, at: Date) async throws -> Bool {
        try await execute("""
            UPDATE authenticator_apps SET last_step = \(step), last_used_at = \(at.timeIntervalSince1970)
            WHERE account_id = \(accountID) AND (last_step IS NULL OR last_step < \(step)) RETURNING 1
            """) > 0
    }

    public func replaceRecoveryCodes(accountID: AccountID, hashes: [String], at: Date) async throws {
        try await transaction { connection in
            _ = try await connection.execute("DELETE FROM recovery_codes WHERE account_id = \(accountID)", logger: self.logger)
            for hash in hashes {
                _ = try await connection.execute("""
                    INSERT INTO recovery_codes (account_id, code_hash, created_at)
                    VALUES (\(accountID), \(hash), \(at.timeIntervalSince1970))
                    """, logger: self.logger)
            }
        }
    }

    public func consumeRecoveryCode(accountID: AccountID, hash: String, at: Date) async throws -> Bool {
        // The row is locked by the UPDATE: of two sign-ins with one code, the second finds it used.
        try await execute("""
            UPDATE recovery_codes SET used_at = \(at.timeIntervalSince1970) WHERE id = (
                SELECT id FROM recovery_codes WHERE account_id = \(accountID) AND code_hash = \(hash) AND used_at IS NULL
                LIMIT 1 FOR UPDATE)
            AND used_at IS NULL RETURNING 1
            """) > 0
    }

    public func recoveryCodeStatus(accountID: AccountID) async throws -> RecoveryCodeStatus {
        let row = try await rows("""
            SELECT COUNT(*) AS total, COUNT(*) - COUNT(used_at) AS remaining, MIN(created_at) AS created_at
            FROM recovery_codes WHERE account_id = \(accountID)
            """).first
        return RecoveryCodeStatus(remaining: Int(try row?.get("remaining", as: Int64.self) ?? 0),
                                  total: Int(try row?.get("total", as: Int64.self) ?? 0),
                                  createdAt: try row?.get("created_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    public func insertSecurityKey(_ key: NewSecurityKey) async throws -> SecurityKey {
        let row = try await rows("""
            INSERT INTO security_keys (account_id, credential_id, public_key, rp_id, name, sign_count, created_at)
            VALUES (\(key.accountID), \(Base64URL.encode(key.credentialID)), \(Base64URL.encode(key.publicKey)), \(key.rpID),
                    \(key.name), \(Int64(key.signCount)), \(key.createdAt.timeIntervalSince1970))
            RETURNING id
            """)
        return SecurityKey(id: try row[0].get("id"), accountID: key.accountID, credentialID: key.credentialID,
                           publicKey: key.publicKey, rpID: key.rpID, name: key.name, signCount: key.signCount,
                           createdAt: key.createdAt, lastUsedAt: nil)
    }

    public func securityKeys(accountID: AccountID) async throws -> [SecurityKey] {
        try await rows("SELECT * FROM security_keys WHERE account_id = \(accountID) ORDER BY id").map { row in
            SecurityKey(id: try row.get("id"), accountID: try row.get("account_id"),
                        credentialID: Base64URL.decode(try row.get("credential_id")) ?? [],
                        publicKey: Base64URL.decode(try row.get("public_key")) ?? [], rpID: try row.get("rp_id"),
                        name: try row.get("name"), signCount: UInt32(clamping: try row.get("sign_count", as: Int64.self)),
                        createdAt: try row.date("created_at"),
                        lastUsedAt: try row.get("last_used_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func recordSecurityKeyUse(id: Int64, signCount: UInt32, at: Date) async throws -> Bool {
        let count = Int64(signCount)
        return try await execute("""
            UPDATE security_keys SET sign_count = \(count), last_used_at = \(at.timeIntervalSince1970)
            WHERE id = \(id) AND (sign_count < \(count) OR (sign_count = 0 AND \(count) = 0)) RETURNING 1
            """) > 0
    }

    public func deleteSecurityKey(id: Int64, accountID: AccountID) async throws -> Bool {
        try await execute("DELETE FROM security_keys WHERE id = \(id) AND account_id = \(accountID) RETURNING 1") > 0
    }

    public func deleteSecurityKeys(accountID: AccountID) async throws -> Int {
        try await execute("DELETE FROM security_keys WHERE account_id = \(accountID) RETURNING 1")
    }

    // MARK: SMS codes

    public func insertCode(_ code: NewSMSCode) async throws -> SMSCode {
        let row = try await rows("""
            INSERT INTO sms_codes (account_id, phone, purpose, code_hash, challenge, created_at, expires_at)
            VALUES (\(code.accountID), \(code.phone), \(code.purpose.rawValue), \(code.codeHash), \(code.challenge),
                    \(code.createdAt.timeIntervalSince1970), \(code.expiresAt.timeIntervalSince1970))
            RETURNING id
            """)
        return SMSCode(id: try row[0].get("id"), accountID: code.accountID, phone: code.phone, purpose: code.purpose,
                       codeHash: code.codeHash, challenge: code.challenge, createdAt: code.createdAt,
                       expiresAt: code.expiresAt, failedAttempts: 0, consumed: false)
    }

    public func latestCode(accountID: AccountID, purpose: CodePurpose, challenge: String?) async throws -> SMSCode? {
        try await rows("""
            SELECT * FROM sms_codes WHERE account_id = \(accountID) AND purpose = \(purpose.rawValue)
              AND (\(challenge)::text IS NULL OR challenge = \(challenge)::text) ORDER BY id DESC LIMIT 1
            """).first.flatMap(Self.code)
    }

    public func recordFailedCodeAttempt(id: Int64) async throws -> Int {
        try await rows("""
            UPDATE sms_codes SET failed_attempts = failed_attempts + 1 WHERE id = \(id) RETURNING failed_attempts
            """).first?.get("failed_attempts", as: Int.self) ?? 0
    }

    public func consumeCode(id: Int64) async throws -> Bool {
        try await execute("UPDATE sms_codes SET consumed = TRUE WHERE id = \(id) AND NOT consumed RETURNING 1") > 0
    }

    public func deleteCodes(accountID: AccountID) async throws {
        try await execute("DELETE FROM sms_codes WHERE account_id = \(accountID)")
    }

    // MARK: Challenges

    public func insertChallenge(_ challenge: SignInChallenge) async throws {
        try await execute("""
            INSERT INTO sign_in_challenges (token_hash, account_id, state, remote_ip, created_at, expires_at, security_stamp)
            VALUES (\(challenge.tokenHash), \(challenge.accountID), \(challenge.state.rawValue), \(challenge.remoteIP),
                    \(challenge.createdAt.timeIntervalSince1970), \(challenge.expiresAt.timeIntervalSince1970),
                    \(challenge.securityStamp))
            """)
    }

    public func challenge(tokenHash: String) async throws -> SignInChallenge? {
        guard let row = try await rows("SELECT * FROM sign_in_challenges WHERE token_hash = \(tokenHash)").first,
              let state = SignInStateMachine.State(rawValue: try row.get("state")) else { return nil }
        return SignInChallenge(tokenHash: try row.get("token_hash"), accountID: try row.get("account_id"), state: state,
                               remoteIP: try row.get("remote_ip"), createdAt: try row.date("created_at"),
                               expiresAt: try row.date("expires_at"), securityStamp: try row.get("security_stamp"))
    }

    public func transitionChallenge(tokenHash: String, from expected: SignInStateMachine.State,
                                    to new: SignInStateMachine.State) async throws -> Bool {
        try await execute("""
            UPDATE sign_in_challenges SET state = \(new.rawValue)
            WHERE token_hash = \(tokenHash) AND state = \(expected.rawValue) RETURNING 1
            """) > 0
    }

    public func deleteChallenges(accountID: AccountID) async throws {
        _ = try await execute("DELETE FROM sign_in_challenges WHERE account_id = \(accountID) RETURNING 1")
    }

    // MARK: Trusted devices

    public func insertTrustedDevice(_ device: NewTrustedDevice) async throws -> TrustedDevice {
        let row = try await rows("""
            INSERT INTO trusted_devices (account_id, token_hash, name, ip, trusted_at, last_seen_at, expires_at)
            VALUES (\(device.accountID), \(device.tokenHash), \(device.name), \(device.ip),
                    \(device.trustedAt.timeIntervalSince1970), \(device.trustedAt.timeIntervalSince1970),
                    \(device.expiresAt.timeIntervalSince1970))
            RETURNING id
            """)
        return TrustedDevice(id: try row[0].get("id"), accountID: device.accountID, tokenHash: device.tokenHash,
                             name: device.name, ip: device.ip, trustedAt: device.trustedAt,
                             lastSeenAt: device.trustedAt, expiresAt: device.expiresAt)
    }

    public func trustedDevice(tokenHash: String) async throws -> TrustedDevice? {
        try await rows("SELECT * FROM trusted_devices WHERE token_hash = \(tokenHash)").first.map(Self.device)
    }

    public func trustedDevices(accountID: AccountID) async throws -> [TrustedDevice] {
        try await rows("""
            SELECT * FROM trusted_devices WHERE account_id = \(accountID) ORDER BY trusted_at DESC, id DESC
            """).map(Self.device)
    }

    public func touchTrustedDevice(id: Int64, at: Date, ip: String) async throws {
        try await execute("UPDATE trusted_devices SET last_seen_at = \(at.timeIntervalSince1970), ip = \(ip) WHERE id = \(id)")
    }

    public func deleteTrustedDevice(id: Int64, accountID: AccountID) async throws -> Bool {
        try await execute("DELETE FROM trusted_devices WHERE id = \(id) AND account_id = \(accountID) RETURNING 1") > 0
    }

    public func deleteTrustedDevices(accountID: AccountID) async throws -> Int {
        try await execute("DELETE FROM trusted_devices WHERE account_id = \(accountID) RETURNING 1")
    }

    // MARK: Client-specific passwords

    public func insertAppPassword(_ password: NewAppPassword) async throws -> AppPassword {
        let row = try await rows("""
            INSERT INTO app_passwords (account_id, name, secret_hash, created_at, doors, read_only, expires_at)
            VALUES (\(password.accountID), \(password.name), \(password.secretHash), \(password.createdAt.timeIntervalSince1970),
                    \(password.scope.doorNames.joined(separator: ",")), \(password.scope.readOnly),
                    \(password.scope.expiresAt?.timeIntervalSince1970))
            RETURNING id
            """)
        return AppPassword(id: try row[0].get("id"), accountID: password.accountID, name: password.name,
                           secretHash: password.secretHash, createdAt: password.createdAt, scope: password.scope)
    }

    public func appPasswords(accountID: AccountID) async throws -> [AppPassword] {
        try await rows("SELECT * FROM app_passwords WHERE account_id = \(accountID) ORDER BY id").map(Self.appPassword)
    }

    public func appPassword(id: Int64) async throws -> AppPassword? {
        try await rows("SELECT * FROM app_passwords WHERE id = \(id)").first.map(Self.appPassword)
    }

    public func appPassword(accountID: AccountID, secretHash: String) async throws -> AppPassword? {
        try await rows("""
            SELECT * FROM app_passwords WHERE account_id = \(accountID) AND secret_hash = \(secretHash)
            """).first.map(Self.appPassword)
    }

    public func recordAppPasswordUse(id: Int64, at: Date, door: String, ip: String, client: String?) async throws {
        try await execute("""
            UPDATE app_passwords SET last_used_at = \(at.timeIntervalSince1970), last_used_protocol = \(door), last_used_ip = \(ip),
                last_used_client = COALESCE(\(client), last_used_client)
            WHERE id = \(id)
            """)
    }

    public func deleteAppPassword(id: Int64, accountID: AccountID) async throws -> Bool {
        try await execute("DELETE FROM app_passwords WHERE id = \(id) AND account_id = \(accountID) RETURNING 1") > 0
    }

    public func deleteAppPasswords(accountID: AccountID) async throws -> Int {
        try await execute("DELETE FROM app_passwords WHERE account_id = \(accountID) RETURNING 1")
    }

    // MARK: Web sessions

    public func insertSession(_ session: WebSession) async throws {
        try await execute("""
            INSERT INTO web_sessions (id_hash, account_id, created_at, last_seen_at, expires_at, remote_ip, trusted_device_id)
            VALUES (\(session.idHash), \(session.accountID), \(session.createdAt.timeIntervalSince1970),
                    \(session.lastSeenAt.timeIntervalSince1970), \(session.expiresAt.timeIntervalSince1970),
                    \(session.remoteIP), \(session.trustedDeviceID))
            """)
    }

    public func session(idHash: String) async throws -> WebSession? {
        try await rows("SELECT * FROM web_sessions WHERE id_hash = \(idHash)").first.map { row in
            WebSession(idHash: try row.get("id_hash"), accountID: try row.get("account_id"), createdAt: try row.date("created_at"),
                       lastSeenAt: try row.date("last_seen_at"), expiresAt: try row.date("expires_at"),
                       remoteIP: try row.get("remote_ip"), trustedDeviceID: try row.get("trusted_device_id"))
        }
    }

    public func touchSession(idHash: String, at: Date) async throws {
        try await execute("UPDATE web_sessions SET last_seen_at = \(at.timeIntervalSince1970) WHERE id_hash = \(idHash)")
    }

    public func deleteSession(idHash: String) async throws -> Bool {
        try await execute("DELETE FROM web_sessions WHERE id_hash = \(idHash) RETURNING 1") > 0
    }

    public func deleteSessions(accountID: AccountID, keeping idHash: String?) async throws -> Int {
        try await execute("""
            DELETE FROM web_sessions WHERE account_id = \(accountID) AND id_hash IS DISTINCT FROM \(idHash) RETURNING 1
            """)
    }

    // MARK: Enforcement

    public func saveEnforcement(_ rule: EnforcementRule) async throws -> EnforcementChange {
        // One statement: no row back when the same rule was there; `xmax = 0` tells an insert
        // from an update.
        let grace = rule.graceUntil?.timeIntervalSince1970
        let inserted = try await rows("""
            INSERT INTO two_step_enforcements (kind, value, created_at, grace_until)
            VALUES (\(rule.scope.kind), \(rule.scope.value), \(rule.createdAt.timeIntervalSince1970), \(grace))
            ON CONFLICT (kind, value) DO UPDATE SET grace_until = EXCLUDED.grace_until
                WHERE two_step_enforcements.grace_until IS DISTINCT FROM EXCLUDED.grace_until
            RETURNING (xmax = 0) AS inserted
            """).map { try $0.get("inserted", as: Bool.self) }
        guard let first = inserted.first else { return .unchanged }
        return first ? .added : .updated
    }

    public func deleteEnforcement(_ scope: EnforcementScope) async throws -> Bool {
        try await execute("""
            DELETE FROM two_step_enforcements WHERE kind = \(scope.kind) AND value = \(scope.value) RETURNING 1
            """) > 0
    }

    public func enforcements() async throws -> [EnforcementRule] {
        try await rows("SELECT * FROM two_step_enforcements ORDER BY created_at, kind, value").compactMap { row in
            try EnforcementScope(kind: row.get("kind"), value: row.get("value")).map {
                EnforcementRule(scope: $0, createdAt: try row.date("created_at"),
                                graceUntil: try row.get("grace_until", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func insertExemption(_ exemption: EnforcementExemption) async throws -> Bool {
        try await execute("""
            INSERT INTO two_step_exemptions (kind, value, created_at)
            VALUES (\(exemption.scope.kind), \(exemption.scope.value), \(exemption.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """) > 0
    }

    public func deleteExemption(_ scope: EnforcementScope) async throws -> Bool {
        try await execute("""
            DELETE FROM two_step_exemptions WHERE kind = \(scope.kind) AND value = \(scope.value) RETURNING 1
            """) > 0
    }

    public func exemptions() async throws -> [EnforcementExemption] {
        try await rows("SELECT * FROM two_step_exemptions ORDER BY created_at, kind, value").compactMap { row in
            try EnforcementScope(kind: row.get("kind"), value: row.get("value")).map {
                EnforcementExemption(scope: $0, createdAt: try row.date("created_at"))
            }
        }
    }

    // MARK: Audit

    public func appendAuditEvent(_ event: NewAuditEvent) async throws {
        try await execute("""
            INSERT INTO audit_events (at, account_id, kind, door, method, success, ip, detail)
            VALUES (\(event.at.timeIntervalSince1970), \(event.accountID), \(event.kind.rawValue), \(event.door),
                    \(event.method), \(event.success), \(event.ip), \(event.detail))
            """)
    }

    public func auditEvents(accountID: AccountID, kinds: [AuditKind]?, limit: Int) async throws -> [AuditEvent] {
        let query: PostgresQuery
        if let kinds, !kinds.isEmpty {
            query = """
                SELECT * FROM audit_events WHERE account_id = \(accountID) AND kind = ANY(\(kinds.map(\.rawValue)))
                ORDER BY id DESC LIMIT \(limit)
                """
        } else {
            query = "SELECT * FROM audit_events WHERE account_id = \(accountID) ORDER BY id DESC LIMIT \(limit)"
        }
        return try await rows(query).map { row in
            AuditEvent(id: try row.get("id"), at: try row.date("at"), accountID: try row.get("account_id"),
                       kind: AuditKind(rawValue: try row.get("kind")), door: try row.get("door"), method: try row.get("method"),
                       success: try row.get("success"), ip: try row.get("ip"), detail: try row.get("detail"))
        }
    }

    // MARK: Rate limits

    public func recordRateEvent(key: String, at: Date) async throws {
        try await execute("INSERT INTO rate_events (key, at) VALUES (\(key), \(at.timeIntervalSince1970))")
    }

    public func takeFromPeriodCounter(name: String, period: String, limit: Int) async throws -> Bool {
        guard limit > 0 else { return false }
        // One statement: a new row starts at one; an existing one grows only below the limit
        // (no row comes back at the limit), atomically for every node.
        return try await !rows("""
            INSERT INTO period_counters (name, period, count) VALUES (\(name), \(period), 1)
            ON CONFLICT (name, period) DO UPDATE SET count = period_counters.count + 1
            WHERE period_counters.count < \(limit)
            RETURNING count
            """).isEmpty
    }

    public func giveBackToPeriodCounter(name: String, period: String) async throws {
        _ = try await execute("""
            UPDATE period_counters SET count = count - 1 WHERE name = \(name) AND period = \(period) AND count > 0
            """)
    }

    public func periodCounter(name: String, period: String) async throws -> Int {
        try await rows("SELECT count FROM period_counters WHERE name = \(name) AND period = \(period)")
            .first.map { try $0.get("count", as: Int.self) } ?? 0
    }

    public func rateEvents(key: String, since: Date) async throws -> [Date] {
        try await rows("""
            SELECT at FROM rate_events WHERE key = \(key) AND at >= \(since.timeIntervalSince1970) ORDER BY at
            """).map { try $0.date("at") }
    }

    public func pruneExpired(now: Date, rateEventsBefore before: Date) async throws {
        let t = now.timeIntervalSince1970
        let cutoff = before.timeIntervalSince1970
        try await transaction { connection in
            try await connection.execute("DELETE FROM sms_codes WHERE expires_at < \(t)", logger: self.logger)
            try await connection.execute("DELETE FROM sign_in_challenges WHERE expires_at < \(t)", logger: self.logger)
            try await connection.execute("DELETE FROM web_sessions WHERE expires_at < \(t)", logger: self.logger)
            try await connection.execute("DELETE FROM trusted_devices WHERE expires_at < \(t)", logger: self.logger)
            try await connection.execute("DELETE FROM rate_events WHERE at < \(cutoff)", logger: self.logger)
        }
    }

    // MARK: Row mapping

    static func code(_ row: PostgresRandomAccessRow) throws -> SMSCode? {
        guard let purpose = CodePurpose(rawValue: try row.get("purpose")) else { return nil }
        return SMSCode(id: try row.get("id"), accountID: try row.get("account_id"), phone: try row.get("phone"), purpose: purpose,
                       codeHash: try row.get("code_hash"), challenge: try row.get("challenge"),
                       createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
                       failedAttempts: try row.get("failed_attempts", as: Int.self), consumed: try row.get("consumed"))
    }

    static func device(_ row: PostgresRandomAccessRow) throws -> TrustedDevice {
        TrustedDevice(id: try row.get("id"), accountID: try row.get("account_id"), tokenHash: try row.get("token_hash"),
                      name: try row.get("name"), ip: try row.get("ip"), trustedAt: try row.date("trusted_at"),
                      lastSeenAt: try row.date("last_seen_at"), expiresAt: try row.date("expires_at"))
    }

    static func appPassword(_ row: PostgresRandomAccessRow) throws -> AppPassword {
        AppPassword(id: try row.get("id"), accountID: try row.get("account_id"), name: try row.get("name"),
                    secretHash: try row.get("secret_hash"), createdAt: try row.date("created_at"),
                    lastUsedAt: try row.get("last_used_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
                    lastUsedProtocol: try row.get("last_used_protocol"), lastUsedIP: try row.get("last_used_ip"),
                    lastUsedClient: try row.get("last_used_client"),
                    scope: AppPasswordScope(doors: AppPasswordScope.doors(stored: try row.get("doors")) ?? [],
                                            readOnly: try row.get("read_only"),
                                            expiresAt: try row.get("expires_at", as: Double?.self).map(Date.init(timeIntervalSince1970:))))
    }
}
