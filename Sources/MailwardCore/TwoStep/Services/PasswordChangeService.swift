/// Changing the account password (SPEC A13): afterwards every other web session is signed out,
/// every trusted device forgotten and every client-specific password revoked — whoever knew the
/// old password must not keep a door open. The page warns about this before the change.
public struct PasswordChangeService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// The user's own change from Settings › Personal info › Mailbox password.
    public func change(_ account: Account, current: String, new: String, keepingSession sessionToken: String?,
                       context: ClientContext) async throws {
        try await ProtocolAuthenticator(env).reconfirm(account, password: current, remoteIP: context.ip)
        do {
            try await env.accounts.setPassword(account.address.description, to: new)
        } catch let error as MailwardError {
            if case .weakPassword(let reason) = error { throw TwoStepError.weakPassword(reason) }
            throw error
        }
        let keep = sessionToken.flatMap { SecretToken.isWellFormed($0) ? env.key.hash(.session, $0) : nil }
        try await revokeAfterChange(account.id, keepingSessionHash: keep, door: "web", ip: context.ip)
    }

    /// The side effects alone, for `mailward user passwd` (no session is kept).
    public func revokeAfterChange(_ accountID: AccountID, keepingSessionHash: String? = nil, door: String = "cli",
                                  ip: String? = nil) async throws {
        let sessions = try await env.store.deleteSessions(accountID: accountID, keeping: keepingSessionHash)
        let devices = try await env.store.deleteTrustedDevices(accountID: accountID)
        let apps = try await env.store.deleteAppPasswords(accountID: accountID)
        // A sign-in begun with the old password must not finish with a code or an enrollment.
        try await env.store.deleteChallenges(accountID: accountID)
        await env.audit.record(.passwordChanged, account: accountID, door: door, ip: ip,
                               detail: "\(sessions) other session(s) ended, \(devices) trusted device(s) and \(apps) client-specific password(s) removed")
    }
}
