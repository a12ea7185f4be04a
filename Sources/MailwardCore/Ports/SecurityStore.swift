import Foundation

/// The port for everything two-step verification keeps: phones, SMS codes, sign-in challenges,
/// trusted devices, client-specific passwords, web sessions, enforcement rules, the audit log
/// and rate-limit counters. Secrets arrive here already hashed (keyed hashes from `ServerKey`).
///
/// Implemented by StoreSQLite and the in-memory twin in MailwardTesting; both pass one
/// conformance suite. Operations that must not race (using a code, moving a challenge on) are
/// single compare-and-set calls, so two requests with the same code cannot both succeed.
public protocol SecurityStore: Sendable {
    // MARK: Phones
    func phoneBinding(accountID: AccountID) async throws -> PhoneBinding?
    /// Binds or replaces the account's phone.
    func savePhoneBinding(_ binding: PhoneBinding) async throws
    func deletePhoneBinding(accountID: AccountID) async throws -> Bool

    // MARK: Authenticator app and recovery codes (B1)
    func authenticatorApp(accountID: AccountID) async throws -> AuthenticatorApp?
    /// Adds the account's authenticator app, or replaces the one it had.
    func saveAuthenticatorApp(_ app: AuthenticatorApp) async throws
    func deleteAuthenticatorApp(accountID: AccountID) async throws -> Bool
    /// Records that a code of `step` was accepted, when no code of this step or a later one was:
    /// `false` for a replay (or a race lost), atomically.
    func advanceAuthenticatorStep(accountID: AccountID, to step: Int64, at: Date) async throws -> Bool
    /// Replaces the account's recovery codes with `hashes` (an empty list removes them).
    func replaceRecoveryCodes(accountID: AccountID, hashes: [String], at: Date) async throws
    /// Marks the unused code with this hash used; `false` when there is none (wrong, or used).
    func consumeRecoveryCode(accountID: AccountID, hash: String, at: Date) async throws -> Bool
    func recoveryCodeStatus(accountID: AccountID) async throws -> RecoveryCodeStatus
    func insertSecurityKey(_ key: NewSecurityKey) async throws -> SecurityKey
    /// Oldest first.
    func securityKeys(accountID: AccountID) async throws -> [SecurityKey]
    /// Records a use with the key's new signature counter: `false` when the counter did not go up
    /// (a cloned key, or a replay) — unless both are zero, as for keys that keep no counter.
    func recordSecurityKeyUse(id: Int64, signCount: UInt32, at: Date) async throws -> Bool
    func deleteSecurityKey(id: Int64, accountID: AccountID) async throws -> Bool
    func deleteSecurityKeys(accountID: AccountID) async throws -> Int

    // MARK: SMS codes
    func insertCode(_ code: NewSMSCode) async throws -> SMSCode
    /// The most recently created code for the account and purpose (used or not); with a
    /// `challenge`, the latest sent for that sign-in attempt (two attempts at once — two
    /// browsers — each check their own code).
    func latestCode(accountID: AccountID, purpose: CodePurpose, challenge: String?) async throws -> SMSCode?
    /// Counts one try at the code (before it is compared: see `SMSCodeIssuer.verify`); returns
    /// the new number of tries, atomically (parallel tries each get their own number).
    func recordFailedCodeAttempt(id: Int64) async throws -> Int
    /// Marks the code used; `false` when it was already used (a replay or a race lost).
    func consumeCode(id: Int64) async throws -> Bool
    func deleteCodes(accountID: AccountID) async throws

    // MARK: Sign-in challenges
    func insertChallenge(_ challenge: SignInChallenge) async throws
    func challenge(tokenHash: String) async throws -> SignInChallenge?
    /// Moves a challenge from `expected` to `new`; `false` when it was not in `expected` any more.
    func transitionChallenge(tokenHash: String, from expected: SignInStateMachine.State,
                             to new: SignInStateMachine.State) async throws -> Bool
    /// Removes the account's sign-in attempts in progress: after a change of password, phone
    /// or account state none of them may go on (the next request finds no challenge).
    func deleteChallenges(accountID: AccountID) async throws

    // MARK: Trusted devices
    func insertTrustedDevice(_ device: NewTrustedDevice) async throws -> TrustedDevice
    func trustedDevice(tokenHash: String) async throws -> TrustedDevice?
    /// The account's devices, most recently trusted first.
    func trustedDevices(accountID: AccountID) async throws -> [TrustedDevice]
    func touchTrustedDevice(id: Int64, at: Date, ip: String) async throws
    func deleteTrustedDevice(id: Int64, accountID: AccountID) async throws -> Bool
    func deleteTrustedDevices(accountID: AccountID) async throws -> Int

    // MARK: Client-specific passwords
    func insertAppPassword(_ password: NewAppPassword) async throws -> AppPassword
    /// The account's client-specific passwords, oldest first.
    func appPasswords(accountID: AccountID) async throws -> [AppPassword]
    func appPassword(id: Int64) async throws -> AppPassword?
    func appPassword(accountID: AccountID, secretHash: String) async throws -> AppPassword?
    /// Records a use; `client` (the IMAP `ID` name, B3) replaces the stored one only when given.
    func recordAppPasswordUse(id: Int64, at: Date, door: String, ip: String, client: String?) async throws
    func deleteAppPassword(id: Int64, accountID: AccountID) async throws -> Bool
    func deleteAppPasswords(accountID: AccountID) async throws -> Int

    // MARK: Web sessions
    func insertSession(_ session: WebSession) async throws
    func session(idHash: String) async throws -> WebSession?
    func touchSession(idHash: String, at: Date) async throws
    func deleteSession(idHash: String) async throws -> Bool
    /// Ends every session of the account except `keeping` (the one that asked, if any).
    func deleteSessions(accountID: AccountID, keeping idHash: String?) async throws -> Int

    // MARK: Enforcement
    /// Adds the rule, or replaces the grace of the rule of the same scope (keeping its
    /// `createdAt`, the order of `enforcements()`); `.unchanged` when that rule was there as is.
    func saveEnforcement(_ rule: EnforcementRule) async throws -> EnforcementChange
    func deleteEnforcement(_ scope: EnforcementScope) async throws -> Bool
    /// Oldest first.
    func enforcements() async throws -> [EnforcementRule]
    /// `false` when the scope was already exempt.
    func insertExemption(_ exemption: EnforcementExemption) async throws -> Bool
    func deleteExemption(_ scope: EnforcementScope) async throws -> Bool
    /// Oldest first.
    func exemptions() async throws -> [EnforcementExemption]

    // MARK: Audit log
    func appendAuditEvent(_ event: NewAuditEvent) async throws
    /// The account's events, newest first; only `kinds` when given.
    func auditEvents(accountID: AccountID, kinds: [AuditKind]?, limit: Int) async throws -> [AuditEvent]

    // MARK: Rate limits
    func recordRateEvent(key: String, at: Date) async throws
    /// Times of the events under `key` at or after `since`, oldest first.
    func rateEvents(key: String, since: Date) async throws -> [Date]

    // MARK: Period counters
    /// Counts one more under `name` for `period` (a calendar month, `2026-12`) when fewer than
    /// `limit` are counted, as one atomic step shared by every node; false (nothing counted) at
    /// the limit. For budgets longer than the rate events are kept (SMS per month, B8).
    func takeFromPeriodCounter(name: String, period: String, limit: Int) async throws -> Bool
    /// Gives one back (a send the provider refused); never below zero.
    func giveBackToPeriodCounter(name: String, period: String) async throws
    func periodCounter(name: String, period: String) async throws -> Int

    /// Forgets what can no longer matter: expired codes, challenges, sessions and devices, and
    /// rate events older than `before`.
    func pruneExpired(now: Date, rateEventsBefore before: Date) async throws
}

extension SecurityStore {
    /// The most recently created code for the account and purpose, whichever attempt it was for.
    public func latestCode(accountID: AccountID, purpose: CodePurpose) async throws -> SMSCode? {
        try await latestCode(accountID: accountID, purpose: purpose, challenge: nil)
    }
}
