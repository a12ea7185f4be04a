import Hummingbird
import MailwardCore

/// Who asks for a page: a signed-in session, nobody, or — the store cannot be reached — not
/// known now. A page must not take an outage for a signed-out visitor (and send them to sign in
/// again) or for a missing message (and say 404): it answers 503 (``PageRenderer/unavailable``).
enum PageSession {
    case signedIn(SignedInSession)
    case signedOut
    case storeUnavailable

    static func of(_ request: Request, _ security: WebSecurity) async -> PageSession {
        guard let token = request.cookie(CookieNames.session) else { return .signedOut }
        do {
            guard var session = try await security.sessions.resolve(token: token) else { return .signedOut }
            // Every page's banner (B8): two-step verification becomes required on a day.
            session.twoStepGraceUntil = try await TwoStepService(security.env).graceDeadline(session.account)
            return .signedIn(session)
        } catch StoreError.unavailable {
            return .storeUnavailable
        } catch {
            return .signedOut
        }
    }
}
