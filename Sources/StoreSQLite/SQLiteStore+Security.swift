import Foundation
import GRDB
import MailwardCore

extension SQLiteStore: SecurityStore {
    // MARK: Phones

    public func phoneBinding(accountID: AccountID) async throws -> PhoneBinding? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM phone_bindings WHERE account_id = ?"), arguments: [accountID]).map {
                PhoneBinding(accountID: $0["account_id"], phone: PhoneNumber(storedE164: $0["phone"]), boundAt: Self.date($0["bound_at"]))
            }
        }
    }

    public func savePhoneBinding(_ binding: PhoneBinding) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO phone_bindings (account_id, phone, bound_at) VALUES (?, ?, ?)
                ON CONFLICT(account_id) DO UPDATE SET phone = excluded.phone, bound_at = excluded.bound_at
                """, arguments: [binding.accountID, binding.phone.e164, binding.boundAt.timeIntervalSince1970])
        }
    }

    public func deletePhoneBinding(accountID: AccountID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM phone_bindings WHERE account_id = ?", arguments: [accountID])
            return db.changesCount > 0
        }
    }

    // MARK: Authenticator app and recovery codes (B1)

    public func authenticatorApp(accountID: AccountID) async throws -> AuthenticatorApp? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM authenticator_apps WHERE account_id = ?"), arguments: [accountID]).map {
                AuthenticatorApp(accountID: $0["account_id"], sealedSecret: $0["sealed_secret"], createdAt: Self.date($0["created_at"]),
                                 lastStep: $0["last_step"], lastUsedAt: ($0["last_used_at"] as Double?).map(Self.date))
            }
        }
    }

    public func saveAuthenticatorApp(_ app: AuthenticatorApp) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO authenticator_apps (account_id, sealed_secret, created_at, last_step, last_used_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [app.accountID, app.sealedSecret, app.createdAt.timeIntervalSince1970, app.lastStep,
                                 app.lastUsedAt?.timeIntervalSince1970])
        }
    }

    public func deleteAuthenticatorApp(accountID: AccountID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM authenticator_apps WHERE account_id = ?", arguments: [accountID])
            return db.changesCount > 0
        }
    }

    public func advanceAuthenticatorStep(accountID: AccountID, to step: Int64, at: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE authenticator_apps SET last_step = ?, last_used_at = ?
                WHERE account_id = ? AND (last_step IS NULL OR last_step < ?)
                """, arguments: [step, at.timeIntervalSince1970, accountID, step])
            return db.changesCount > 0
        }
    }

    public func replaceRecoveryCodes(accountID: AccountID, hashes: [String], at: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM recovery_codes WHERE account_id = ?", arguments: [accountID])
            for hash in hashes {
                try db.execute(sql: "INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?, ?, ?)",
                               arguments: [accountID, hash, at.timeIntervalSince1970])
            }
        }
    }

    public func consumeRecoveryCode(accountID: AccountID, hash: String, at: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE recovery_codes SET used_at = ? WHERE id = (
                    SELECT id FROM recovery_codes WHERE account_id = ? AND code_hash = ? AND used_at IS NULL LIMIT 1)
                """, arguments: [at.timeIntervalSince1970, accountID, hash])
            return db.changesCount > 0
        }
    }

    public func recoveryCodeStatus(accountID: AccountID) async throws -> RecoveryCodeStatus {
        try quickLookup { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) AS total, COUNT(*) - COUNT(used_at) AS remaining, MIN(created_at) AS created_at
                FROM recovery_codes WHERE account_id = ?
                """), arguments: [accountID])
            return RecoveryCodeStatus(remaining: row?["remaining"] ?? 0, total: row?["total"] ?? 0,
                                      createdAt: (row?["created_at"] as Double?).map(Self.date))
        }
    }

    public func insertSecurityKey(_ key: NewSecurityKey) async throws -> SecurityKey {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO security_keys (account_id, credential_id, public_key, rp_id, name, sign_count, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.accountID, Base64URL.encode(key.credentialID), Base64URL.encode(key.publicKey), key.rpID,
                                 key.name, Int64(key.signCount), key.createdAt.timeIntervalSince1970])
            return SecurityKey(id: db.lastInsertedRowID, accountID: key.accountID, credentialID: key.credentialID,
                               publicKey: key.publicKey, rpID: key.rpID, name: key.name, signCount: key.signCount,
                               createdAt: key.createdAt, lastUsedAt: nil)
        }
    }

    public func securityKeys(accountID: AccountID) async throws -> [SecurityKey] {
        try quickRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM security_keys WHERE account_id = ? ORDER BY id", arguments: [accountID]).map { row in
                SecurityKey(id: row["id"], accountID: row["account_id"], credentialID: Base64URL.decode(row["credential_id"]) ?? [],
                            publicKey: Base64URL.decode(row["public_key"]) ?? [], rpID: row["rp_id"], name: row["name"],
                            signCount: UInt32(clamping: row["sign_count"] as Int64), createdAt: Self.date(row["created_at"]),
                            lastUsedAt: (row["last_used_at"] as Double?).map(Self.date))
            }
        }
    }

    public func recordSecurityKeyUse(id: Int64, signCount: UInt32, at: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE security_keys SET sign_count = ?, last_used_at = ?
                WHERE id = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))
                """, arguments: [Int64(signCount), at.timeIntervalSince1970, id, Int64(signCount), Int64(signCount)])
            return db.changesCount > 0
        }
    }

    public func deleteSecurityKey(id: Int64, accountID: AccountID) async throws -> Bool {
        try await deleteAccountRow("security_keys", id: id, accountID: accountID)
    }

    public func deleteSecurityKeys(accountID: AccountID) async throws -> Int {
        try await deleteAccountRows("security_keys", accountID: accountID)
    }

    // MARK: SMS codes

    public func insertCode(_ code: NewSMSCode) async throws -> SMSCode {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO sms_codes (account_id, phone, purpose, code_hash, challenge, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [code.accountID, code.phone, code.purpose.rawValue, code.codeHash, code.challenge,
                                 code.createdAt.timeIntervalSince1970, code.expiresAt.timeIntervalSince1970])
            return SMSCode(id: db.lastInsertedRowID, accountID: code.accountID, phone: code.phone, purpose: code.purpose,
                           codeHash: code.codeHash, challenge: code.challenge, createdAt: code.createdAt,
                           expiresAt: code.expiresAt, failedAttempts: 0, consumed: false)
        }
    }

    public func latestCode(accountID: AccountID, purpose: CodePurpose, challenge: String?) async throws -> SMSCode? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM sms_codes WHERE account_id = ? AND purpose = ? AND (? IS NULL OR challenge = ?)
                ORDER BY id DESC LIMIT 1
                """, arguments: [accountID, purpose.rawValue, challenge, challenge]).flatMap(Self.code)
        }
    }

    public func recordFailedCodeAttempt(id: Int64) async throws -> Int {
        try await write { db in
            try db.execute(sql: "UPDATE sms_codes SET failed_attempts = failed_attempts + 1 WHERE id = ?", arguments: [id])
            return try Int.fetchOne(db, sql: "SELECT failed_attempts FROM sms_codes WHERE id = ?", arguments: [id]) ?? 0
        }
    }

    public func consumeCode(id: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE sms_codes SET consumed = 1 WHERE id = ? AND consumed = 0", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func deleteCodes(accountID: AccountID) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sms_codes WHERE account_id = ?", arguments: [accountID])
        }
    }

    // MARK: Challenges

    public func insertChallenge(_ challenge: SignInChallenge) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO sign_in_challenges (token_hash, account_id, state, remote_ip, created_at, expires_at, security_stamp)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [challenge.tokenHash, challenge.accountID, challenge.state.rawValue, challenge.remoteIP,
                                 challenge.createdAt.timeIntervalSince1970, challenge.expiresAt.timeIntervalSince1970,
                                 challenge.securityStamp])
        }
    }

    public func challenge(tokenHash: String) async throws -> SignInChallenge? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sign_in_challenges WHERE token_hash = ?", arguments: [tokenHash]).flatMap { row in
                guard let state = SignInStateMachine.State(rawValue: row["state"]) else { return nil }
                return SignInChallenge(tokenHash: row["token_hash"], accountID: row["account_id"], state: state,
                                       remoteIP: row["remote_ip"], createdAt: Self.date(row["created_at"]),
                                       expiresAt: Self.date(row["expires_at"]), securityStamp: row["security_stamp"])
            }
        }
    }

    public func transitionChallenge(tokenHash: String, from expected: SignInStateMachine.State,
                                    to new: SignInStateMachine.State) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE sign_in_challenges SET state = ? WHERE token_hash = ? AND state = ?",
                           arguments: [new.rawValue, tokenHash, expected.rawValue])
            return db.changesCount > 0
        }
    }

    public func deleteChallenges(accountID: AccountID) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sign_in_challenges WHERE account_id = ?", arguments: [accountID])
        }
    }

    // MARK: Trusted devices

    public func insertTrustedDevice(_ device: NewTrustedDevice) async throws -> TrustedDevice {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO trusted_devices (account_id, token_hash, name, ip, trusted_at, last_seen_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [device.accountID, device.tokenHash, device.name, device.ip,
                                 device.trustedAt.timeIntervalSince1970, device.trustedAt.timeIntervalSince1970,
                                 device.expiresAt.timeIntervalSince1970])
            return TrustedDevice(id: db.lastInsertedRowID, accountID: device.accountID, tokenHash: device.tokenHash,
                                 name: device.name, ip: device.ip, trustedAt: device.trustedAt,
                                 lastSeenAt: device.trustedAt, expiresAt: device.expiresAt)
        }
    }

    public func trustedDevice(tokenHash: String) async throws -> TrustedDevice? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM trusted_devices WHERE token_hash = ?", arguments: [tokenHash]).map(Self.device)
        }
    }

    public func trustedDevices(accountID: AccountID) async throws -> [TrustedDevice] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM trusted_devices WHERE account_id = ? ORDER BY trusted_at DESC, id DESC",
                             arguments: [accountID]).map(Self.device)
        }
    }

    public func touchTrustedDevice(id: Int64, at: Date, ip: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE trusted_devices SET last_seen_at = ?, ip = ? WHERE id = ?",
                           arguments: [at.timeIntervalSince1970, ip, id])
        }
    }

    public func deleteTrustedDevice(id: Int64, accountID: AccountID) async throws -> Bool {
        try await deleteAccountRow("trusted_devices", id: id, accountID: accountID)
    }

    public func deleteTrustedDevices(accountID: AccountID) async throws -> Int {
        try await deleteAccountRows("trusted_devices", accountID: accountID)
    }

    // MARK: Client-specific passwords

    public func insertAppPassword(_ password: NewAppPassword) async throws -> AppPassword {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO app_passwords (account_id, name, secret_hash, created_at, doors, read_only, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                           arguments: [password.accountID, password.name, password.secretHash,
                                       password.createdAt.timeIntervalSince1970, password.scope.doorNames.joined(separator: ","),
                                       password.scope.readOnly, password.scope.expiresAt?.timeIntervalSince1970])
            return AppPassword(id: db.lastInsertedRowID, accountID: password.accountID, name: password.name,
                               secretHash: password.secretHash, createdAt: password.createdAt, scope: password.scope)
        }
    }

    public func appPasswords(accountID: AccountID) async throws -> [AppPassword] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM app_passwords WHERE account_id = ? ORDER BY id", arguments: [accountID])
                .map(Self.appPassword)
        }
    }

    public func appPassword(id: Int64) async throws -> AppPassword? {
        try quickLookup { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM app_passwords WHERE id = ?"), arguments: [id]).map(Self.appPassword)
        }
    }

    public func appPassword(accountID: AccountID, secretHash: String) async throws -> AppPassword? {
        try quickRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM app_passwords WHERE account_id = ? AND secret_hash = ?"),
                             arguments: [accountID, secretHash]).map(Self.appPassword)
        }
    }

    public func recordAppPasswordUse(id: Int64, at: Date, door: String, ip: String, client: String?) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE app_passwords SET last_used_at = ?, last_used_protocol = ?, last_used_ip = ?,
                    last_used_client = COALESCE(?, last_used_client)
                WHERE id = ?
                """,
                           arguments: [at.timeIntervalSince1970, door, ip, client, id])
        }
    }

    public func deleteAppPassword(id: Int64, accountID: AccountID) async throws -> Bool {
        try await deleteAccountRow("app_passwords", id: id, accountID: accountID)
    }

    public func deleteAppPasswords(accountID: AccountID) async throws -> Int {
        try await deleteAccountRows("app_passwords", accountID: accountID)
    }

    // MARK: Web sessions

    public func insertSession(_ session: WebSession) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO web_sessions (id_hash, account_id, created_at, last_seen_at, expires_at, remote_ip, trusted_device_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [session.idHash, session.accountID, session.createdAt.timeIntervalSince1970,
                                 session.lastSeenAt.timeIntervalSince1970, session.expiresAt.timeIntervalSince1970,
                                 session.remoteIP, session.trustedDeviceID])
        }
    }

    public func session(idHash: String) async throws -> WebSession? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM web_sessions WHERE id_hash = ?", arguments: [idHash]).map { row in
                WebSession(idHash: row["id_hash"], accountID: row["account_id"], createdAt: Self.date(row["created_at"]),
                           lastSeenAt: Self.date(row["last_seen_at"]), expiresAt: Self.date(row["expires_at"]),
                           remoteIP: row["remote_ip"], trustedDeviceID: row["trusted_device_id"])
            }
        }
    }

    public func touchSession(idHash: String, at: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?",
                           arguments: [at.timeIntervalSince1970, idHash])
        }
    }

    public func deleteSession(idHash: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM web_sessions WHERE id_hash = ?", arguments: [idHash])
            return db.changesCount > 0
        }
    }

    public func deleteSessions(accountID: AccountID, keeping idHash: String?) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM web_sessions WHERE account_id = ? AND id_hash IS NOT ?",
                           arguments: [accountID, idHash])
            return db.changesCount
        }
    }

    // MARK: Enforcement

    public func saveEnforcement(_ rule: EnforcementRule) async throws -> EnforcementChange {
        try await write { db in
            let grace = rule.graceUntil?.timeIntervalSince1970
            guard let existing = try Row.fetchOne(db, sql: "SELECT grace_until FROM two_step_enforcements WHERE kind = ? AND value = ?",
                                                  arguments: [rule.scope.kind, rule.scope.value]) else {
                try db.execute(sql: "INSERT INTO two_step_enforcements (kind, value, created_at, grace_until) VALUES (?, ?, ?, ?)",
                               arguments: [rule.scope.kind, rule.scope.value, rule.createdAt.timeIntervalSince1970, grace])
                return .added
            }
            guard (existing["grace_until"] as Double?) != grace else { return .unchanged }
            try db.execute(sql: "UPDATE two_step_enforcements SET grace_until = ? WHERE kind = ? AND value = ?",
                           arguments: [grace, rule.scope.kind, rule.scope.value])
            return .updated
        }
    }

    public func deleteEnforcement(_ scope: EnforcementScope) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM two_step_enforcements WHERE kind = ? AND value = ?",
                           arguments: [scope.kind, scope.value])
            return db.changesCount > 0
        }
    }

    public func enforcements() async throws -> [EnforcementRule] {
        try quickRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM two_step_enforcements ORDER BY created_at, kind, value").compactMap { row in
                EnforcementScope(kind: row["kind"], value: row["value"]).map {
                    EnforcementRule(scope: $0, createdAt: Self.date(row["created_at"]),
                                    graceUntil: (row["grace_until"] as Double?).map(Date.init(timeIntervalSince1970:)))
                }
            }
        }
    }

    public func insertExemption(_ exemption: EnforcementExemption) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO two_step_exemptions (kind, value, created_at) VALUES (?, ?, ?)",
                           arguments: [exemption.scope.kind, exemption.scope.value, exemption.createdAt.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    public func deleteExemption(_ scope: EnforcementScope) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM two_step_exemptions WHERE kind = ? AND value = ?", arguments: [scope.kind, scope.value])
            return db.changesCount > 0
        }
    }

    public func exemptions() async throws -> [EnforcementExemption] {
        try quickRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM two_step_exemptions ORDER BY created_at, kind, value").compactMap { row in
                EnforcementScope(kind: row["kind"], value: row["value"]).map {
                    EnforcementExemption(scope: $0, createdAt: Self.date(row["created_at"]))
                }
            }
        }
    }

    // MARK: Audit

    public func appendAuditEvent(_ event: NewAuditEvent) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO audit_events (at, account_id, kind, door, method, success, ip, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.at.timeIntervalSince1970, event.accountID, event.kind.rawValue, event.door,
                                 event.method, event.success, event.ip, event.detail])
        }
    }

    public func auditEvents(accountID: AccountID, kinds: [AuditKind]?, limit: Int) async throws -> [AuditEvent] {
        try await pool.read { db in
            var sql = "SELECT * FROM audit_events WHERE account_id = ?"
            var arguments: StatementArguments = [accountID]
            if let kinds, !kinds.isEmpty {
                sql += " AND kind IN (" + Array(repeating: "?", count: kinds.count).joined(separator: ",") + ")"
                for kind in kinds { arguments += [kind.rawValue] }
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                AuditEvent(id: row["id"], at: Self.date(row["at"]), accountID: row["account_id"],
                           kind: AuditKind(rawValue: row["kind"]), door: row["door"], method: row["method"],
                           success: row["success"], ip: row["ip"], detail: row["detail"])
            }
        }
    }

    // MARK: Rate limits

    public func recordRateEvent(key: String, at: Date) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO rate_events (key, at) VALUES (?, ?)", arguments: [key, at.timeIntervalSince1970])
        }
    }

    public func takeFromPeriodCounter(name: String, period: String, limit: Int) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT INTO period_counters (name, period, count) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
                           arguments: [name, period])
            try db.execute(sql: "UPDATE period_counters SET count = count + 1 WHERE name = ? AND period = ? AND count < ?",
                           arguments: [name, period, limit])
            return db.changesCount > 0
        }
    }

    public func giveBackToPeriodCounter(name: String, period: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE period_counters SET count = count - 1 WHERE name = ? AND period = ? AND count > 0",
                           arguments: [name, period])
        }
    }

    public func periodCounter(name: String, period: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count FROM period_counters WHERE name = ? AND period = ?", arguments: [name, period]) ?? 0
        }
    }

    public func rateEvents(key: String, since: Date) async throws -> [Date] {
        try await pool.read { db in
            try Double.fetchAll(db, sql: "SELECT at FROM rate_events WHERE key = ? AND at >= ? ORDER BY at",
                                arguments: [key, since.timeIntervalSince1970]).map(Self.date)
        }
    }

    public func pruneExpired(now: Date, rateEventsBefore before: Date) async throws {
        let t = now.timeIntervalSince1970
        try await write { db in
            try db.execute(sql: "DELETE FROM sms_codes WHERE expires_at < ?", arguments: [t])
            try db.execute(sql: "DELETE FROM sign_in_challenges WHERE expires_at < ?", arguments: [t])
            try db.execute(sql: "DELETE FROM web_sessions WHERE expires_at < ?", arguments: [t])
            try db.execute(sql: "DELETE FROM trusted_devices WHERE expires_at < ?", arguments: [t])
            try db.execute(sql: "DELETE FROM rate_events WHERE at < ?", arguments: [before.timeIntervalSince1970])
        }
    }

    /// Deletes row `id` of `table` (one of this store's own table names, never input) when it is
    /// the account's; whether there was one.
    private func deleteAccountRow(_ table: String, id: Int64, accountID: AccountID) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ? AND account_id = ?", arguments: [id, accountID])
            return db.changesCount > 0
        }
    }

    /// Deletes the account's rows of `table` (one of this store's own table names); how many.
    private func deleteAccountRows(_ table: String, accountID: AccountID) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE account_id = ?", arguments: [accountID])
            return db.changesCount
        }
    }

    // MARK: Row mapping

    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

    static func code(_ row: Row) -> SMSCode? {
        guard let purpose = CodePurpose(rawValue: row["purpose"]) else { return nil }
        return SMSCode(id: row["id"], accountID: row["account_id"], phone: row["phone"], purpose: purpose,
                       codeHash: row["code_hash"], challenge: row["challenge"], createdAt: date(row["created_at"]),
                       expiresAt: date(row["expires_at"]), failedAttempts: row["failed_attempts"], consumed: row["consumed"])
    }

    static func device(_ row: Row) -> TrustedDevice {
        TrustedDevice(id: row["id"], accountID: row["account_id"], tokenHash: row["token_hash"], name: row["name"],
                      ip: row["ip"], trustedAt: date(row["trusted_at"]), lastSeenAt: date(row["last_seen_at"]),
                      expiresAt: date(row["expires_at"]))
    }

    static func appPassword(_ row: Row) -> AppPassword {
        AppPassword(id: row["id"], accountID: row["account_id"], name: row["name"], secretHash: row["secret_hash"],
                    createdAt: date(row["created_at"]), lastUsedAt: (row["last_used_at"] as Double?).map(date),
                    lastUsedProtocol: row["last_used_protocol"], lastUsedIP: row["last_used_ip"],
                    lastUsedClient: row["last_used_client"],
                    scope: AppPasswordScope(doors: AppPasswordScope.doors(stored: row["doors"]) ?? [], readOnly: row["read_only"],
                                            expiresAt: (row["expires_at"] as Double?).map(date)))
    }
}
