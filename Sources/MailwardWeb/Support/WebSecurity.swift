import MailwardCore

/// What the web door needs for sign-in and the security settings: Core's use cases and the
/// cookie settings. `nil` in a `WebDoor` means only the operational endpoints are served.
public struct WebSecurity: Sendable {
    public let env: SecurityEnvironment
    /// Mark cookies `Secure` (behind a TLS-terminating proxy, `http.secure-cookies`); applied by
    /// ``SecureCookiesMiddleware`` to every cookie.
    public let secureCookies: Bool
    /// Shared mailboxes (`/api/v1/shares`); nil serves no share endpoints.
    public let shares: ShareService?

    public init(env: SecurityEnvironment, secureCookies: Bool, shares: ShareService? = nil) {
        self.env = env
        self.secureCookies = secureCookies
        self.shares = shares
    }

    var signIn: SignInService { SignInService(env) }
    var sessions: WebSessionService { WebSessionService(env) }
    var twoStep: TwoStepService { TwoStepService(env) }
    var secondFactors: SecondFactorService { SecondFactorService(env) }
    var appPasswords: AppPasswordService { AppPasswordService(env) }
    var passwordChange: PasswordChangeService { PasswordChangeService(env) }
}
