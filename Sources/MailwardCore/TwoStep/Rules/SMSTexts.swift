/// The SMS texts (A10): they name the system and the purpose, say how long the code is valid,
/// and end with the code (template gateways in `MailwardSMS` pick the last digit run as the code).
public enum SMSTexts {
    public static func text(purpose: CodePurpose, code: String, minutes: Int, systemName: String,
                            language: Language) -> String {
        switch language {
        case .zhCN:
            let what: String
            switch purpose {
            case .signIn: what = "邮箱登录验证码"
            case .bind, .enroll: what = "绑定手机验证码"
            case .unbind: what = "解绑手机验证码"
            }
            return "【\(systemName)】您的\(what)，\(minutes)分钟内有效，请勿告诉他人：\(code)"
        case .en:
            let what: String
            switch purpose {
            case .signIn: what = "sign-in code"
            case .bind, .enroll: what = "code to bind this phone"
            case .unbind: what = "code to unbind this phone"
            }
            return "[\(systemName)] Your mailbox \(what), valid for \(minutes) minutes. Do not share it: \(code)"
        }
    }
}
