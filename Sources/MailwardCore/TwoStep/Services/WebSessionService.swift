import Foundation

/// A freshly opened web session: the cookie value and the CSRF token to send with every
/// state-changing request. Shown to the browser once; the store has only hashes.
public struct SessionGrant: Sendable, Equatable {
    public let token: String
    public let csrfToken: String
    public let account: Account
    public let expiresAt: Date
}

/// A request's session, once its cookie was checked.
public struct SignedInSession: Sendable, Equatable {
    public let account: Account
    public let session: WebSession
    public let csrfToken: String
    /// The end of the account's grace period while it has no phone and is in one (B8), for the
    /// pages' banner: the web door fills it for pages only (``TwoStepService/graceDeadline(_:)``);
    /// API requests leave it nil and ask `GET /security/two-step` instead.
    public var twoStepGraceUntil: Date? = nil
}

/// Server-side web sessions: random ids (never chosen by the client, a new one at every sign-in:
/// no fixation), idle and absolute timeouts, and a CSRF token derived from the session id with
/// the server key, so it needs no storage and dies with the session.
public struct WebSessionService: Sendable {
    let env: SecurityEnvironment

    public init(_ env: SecurityEnvironment) {
        self.env = env
    }

    /// - Parameter endingBy: an end earlier than the absolute timeout — the end of the grace
    ///   period of an account without a phone (B8): from then on it must bind one first.
    public func open(account: Account, context: ClientContext, trustedDeviceID: Int64?,
                     replacing oldToken: String? = nil, endingBy cap: Date? = nil) async throws -> SessionGrant {
        if let oldToken { await close(token: oldToken) }
        let now = env.clock.now
        let token = SecretToken.generate(env.random)
        let expires = min(now.addingTimeInterval(env.settings.sessionAbsoluteTimeout), cap ?? .distantFuture)
        try await env.store.insertSession(WebSession(
            idHash: env.key.hash(.session, token), accountID: account.id, createdAt: now, lastSeenAt: now,
            expiresAt: expires, remoteIP: context.ip, trustedDeviceID: trustedDeviceID))
        return SessionGrant(token: token, csrfToken: csrfToken(forSession: token), account: account, expiresAt: expires)
    }

    /// The session behind a cookie value, or `nil` when it is unknown, idle too long, past its
    /// absolute end, or its account is gone or disabled. Refreshes the idle timer. (An account
    /// that must bind a phone has no sessions: `TwoStepService` ends them when that begins, and
    /// one opened in a grace period without a phone ends with the grace — B8.)
    public func resolve(token: String) async throws -> SignedInSession? {
        guard SecretToken.isWellFormed(token) else { return nil }
        let idHash = env.key.hash(.session, token)
        guard let session = try await env.store.session(idHash: idHash) else { return nil }
        let now = env.clock.now
        if now >= session.expiresAt || now.timeIntervalSince(session.lastSeenAt) >= env.settings.sessionIdleTimeout {
            _ = try await env.store.deleteSession(idHash: idHash)
            return nil
        }
        guard let account = try await env.accounts.store.account(id: session.accountID), !account.disabled else {
            return nil
        }
        // One write per minute at most, and at least ten per idle timeout: a session in use never
        // ends more than a tenth of the timeout early (at the shortest timeout, a minute, every
        // request six seconds after the last write refreshes it).
        if now.timeIntervalSince(session.lastSeenAt) >= min(60, env.settings.sessionIdleTimeout / 10) {
            try await env.store.touchSession(idHash: idHash, at: now)
        }
        return SignedInSession(account: account, session: session, csrfToken: csrfToken(forSession: token))
    }

    /// Whether the session is still open — not signed out, ended by a password change or
    /// revoked, nor expired, its account enabled — without counting as activity: asked before
    /// the server pushes something to a page (`/api/v1/events`), which is not the user's doing.
    public func isOpen(token: String) async throws -> Bool {
        guard SecretToken.isWellFormed(token),
              let session = try await env.store.session(idHash: env.key.hash(.session, token)) else { return false }
        let now = env.clock.now
        guard now < session.expiresAt, now.timeIntervalSince(session.lastSeenAt) < env.settings.sessionIdleTimeout,
              let account = try await env.accounts.store.account(id: session.accountID) else { return false }
        return !account.disabled
    }

    public func close(token: String) async {
        guard SecretToken.isWellFormed(token) else { return }
        _ = try? await env.store.deleteSession(idHash: env.key.hash(.session, token))
    }

    public func csrfToken(forSession token: String) -> String {
        String(env.key.hash(.csrf, token).prefix(48))
    }

    /// Constant-time check of the `X-CSRF-Token` header (or form field) against the session.
    public func checkCSRF(sessionToken: String, presented: String?) -> Bool {
        guard let presented else { return false }
        return ConstantTime.equals(Array(csrfToken(forSession: sessionToken).utf8), Array(presented.utf8))
    }
}
