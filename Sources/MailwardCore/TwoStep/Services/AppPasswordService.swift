import Foundation

/// A client-specific password just generated: the only moment its text exists (A7).
public struct CreatedAppPassword: Sendable, Equatable {
    public let record: AppPassword
    public let password: String
}

/// Client-specific passwords (客户端专用密码, SPEC A7): generate (shown once), list, delete.
/// Deleting one stops it at once: `ProtocolAuthenticator.revocation` answers `.clientPasswordDeleted` at the
/// next command of an open IMAP or POP3 session.
public struct AppPasswordService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// Makes a client-specific password for `scope`'s doors (SPEC B4; all of them, read and
    /// write, without an end unless asked).
    public func create(_ account: Account, name raw: String, scope requested: AppPasswordScope = .unrestricted,
                       context: ClientContext) async throws -> CreatedAppPassword {
        guard let name = AppPasswordFormat.validName(raw) else { throw TwoStepError.invalidName }
        let scope = try requested.validated(now: env.clock.now)
        let limit = env.settings.maxAppPasswords
        let password = AppPasswordFormat.generate(env.random)
        // Counted and inserted as one step per account: parallel requests each passed the count
        // before any insert, and went over the limit (audit F4).
        let record = try await env.locks.withLocks(["app-passwords:\(account.id)"]) { [env] in
            guard try await env.store.appPasswords(accountID: account.id).count < limit else {
                throw TwoStepError.appPasswordLimit(limit)
            }
            return try await env.store.insertAppPassword(NewAppPassword(
                accountID: account.id, name: name,
                secretHash: env.key.hash(.appPassword, Self.material(password, account: account.id)),
                createdAt: env.clock.now, scope: scope))
        }
        await env.audit.record(.appPasswordCreated, account: account.id, ip: context.ip,
                               detail: "\"\(name)\"" + (scope.isUnrestricted ? "" : " (\(scope.auditText))"))
        return CreatedAppPassword(record: record, password: password)
    }

    public func list(_ account: Account) async throws -> [AppPassword] {
        try await env.store.appPasswords(accountID: account.id)
    }

    /// The account's client-specific password whose text is `password` (as typed: spaces and
    /// case do not matter), nil when it is none of them. A keyed-hash lookup, no slow hash.
    public func find(_ account: Account, password: String) async throws -> AppPassword? {
        guard let canonical = AppPasswordFormat.normalize(password) else { return nil }
        return try await env.store.appPassword(accountID: account.id,
                                               secretHash: env.key.hash(.appPassword, Self.material(canonical, account: account.id)))
    }

    /// Records that a setup profile carrying `record`'s password was handed out (B7): the
    /// password leaves the server once more, so the audit says when and to whom.
    public func recordProfileIssued(_ account: Account, _ record: AppPassword, context: ClientContext) async {
        await env.audit.record(.appPasswordProfile, account: account.id, ip: context.ip, detail: "\"\(record.name)\"")
    }

    public func revoke(_ account: Account, id: Int64, context: ClientContext) async throws {
        guard let record = try await env.store.appPassword(id: id), record.accountID == account.id,
              try await env.store.deleteAppPassword(id: id, accountID: account.id) else { throw TwoStepError.notFound }
        await env.audit.record(.appPasswordRevoked, account: account.id, ip: context.ip, detail: "\"\(record.name)\"")
    }

    /// What is hashed: the canonical password bound to its account, so equal passwords of two
    /// accounts never share a hash.
    static func material(_ canonical: String, account: AccountID) -> String {
        "\(account)|\(canonical)"
    }
}
