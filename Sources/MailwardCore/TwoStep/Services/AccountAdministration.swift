import Foundation

/// The administrator's changes to an account (`mailward user add|disable|enable`), each written
/// to the account's audit log, and that log read back for the administrator (SPEC A12: admin
/// actions are security events, and the administrator sees them).
public struct AccountAdministration: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// Adds an account; with no `password`, a functional mailbox reachable only through shares (B5).
    public func addAccount(_ address: String, password: String?, displayName: String?, by actor: String = "cli") async throws -> Account {
        let account = try await env.accounts.addAccount(address, password: password, displayName: displayName, setBy: .administrator)
        await env.audit.record(.accountCreated, account: account.id, door: actor,
                               detail: password == nil ? "functional mailbox (no login) created by the administrator"
                                   : "account created by the administrator")
        return account
    }

    public func setDisabled(_ address: String, _ disabled: Bool, by actor: String = "cli") async throws {
        try await env.accounts.setDisabled(address, disabled)
        let account = try await env.accounts.account(address)
        if disabled {
            // Its web sessions end (mail doors already close at their next command): a browser
            // left signed in must not be let in again when the account is enabled.
            _ = try await env.store.deleteSessions(accountID: account.id, keeping: nil)
            try await env.store.deleteChallenges(accountID: account.id)
        }
        await env.audit.record(disabled ? .accountDisabled : .accountEnabled, account: account.id, door: actor,
                               detail: disabled ? "sign-in and new mail refused" : "sign-in and new mail allowed again")
    }

    /// Sets the account's quota (SPEC M8: large, but bounded), in bytes.
    public func setQuota(_ account: Account, bytes: Int64, in store: any MailStore, by actor: String = "cli") async throws {
        let before = try await store.quota(accountID: account.id).limitBytes
        try await store.setQuotaLimit(accountID: account.id, bytes: bytes)
        await env.audit.record(.quotaChanged, account: account.id, door: actor, detail: "quota \(before) → \(bytes) bytes")
    }

    /// The account's audit log, newest first.
    public func events(_ address: String, limit: Int) async throws -> [AuditEvent] {
        let account = try await env.accounts.account(address)
        return try await env.store.auditEvents(accountID: account.id, kinds: nil, limit: max(1, limit))
    }
}
