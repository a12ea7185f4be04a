import Foundation

/// Every number of the two-step rules (SPEC A4, A10, A1), configurable; defaults follow the seed
/// guide and SPEC. `MailwardApp` maps the `two-step.*`/`web.*` configuration keys onto this.
public struct TwoStepSettings: Sendable, Equatable {
    /// A10: a code is valid 5 minutes.
    public var codeLifetime: TimeInterval = 300
    /// A10: at most 5 wrong tries per code.
    public var maxCodeAttempts: Int = 5
    /// A10: a new code after 60 s.
    public var resendInterval: TimeInterval = 60
    public var dailyCodesPerNumber: Int = 10
    public var dailyCodesPerAccount: Int = 20
    public var hourlyCodesPerIP: Int = 30
    /// How long a sign-in may sit between the password and the code (issue 6: 10 minutes).
    public var challengeLifetime: TimeInterval = 600
    /// A4: "7天内不需要验证码", counted from the moment of trust (not sliding).
    public var trustedDeviceLifetime: TimeInterval = 7 * 86_400
    /// A7.
    public var maxAppPasswords: Int = 50
    public var sessionIdleTimeout: TimeInterval = 30 * 60
    public var sessionAbsoluteTimeout: TimeInterval = 12 * 3600
    /// A1: failed sign-ins allowed per account and per client IP within `failureWindow`.
    public var failuresPerAccount: Int = 10
    public var failuresPerIP: Int = 50
    public var failureWindow: TimeInterval = 15 * 60
    /// SMS-pumping protection (B8): the country calling codes (`86`, `852`…) binding codes are
    /// sent to — empty: every country —, and the texts sent per calendar month, every purpose
    /// together (0: no cap).
    public var smsCountryCodes: [String] = []
    public var monthlySMSLimit: Int = 0
    /// The system name the SMS texts start with (A10).
    public var systemName: String = "Mailward"

    public init() {}
}
