/// A second factor the web sign-in accepts after the password (B1 beside A3's SMS).
public enum SecondFactorMethod: String, Sendable, Equatable, CaseIterable {
    case sms
    case totp
    case recoveryCode = "recovery_code"
    case securityKey = "security_key"

    /// How the audit log names a sign-in with it.
    public var auditMethod: String {
        switch self {
        case .sms: "password+sms"
        case .totp: "password+totp"
        case .recoveryCode: "password+recovery-code"
        case .securityKey: "password+security-key"
        }
    }
}
