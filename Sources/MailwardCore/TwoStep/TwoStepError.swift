/// Refusals of the two-step and sign-in use cases, each with a stable `code` (the `error` of the
/// JSON API) and a message for the person in front of the page. Messages never say whether an
/// account exists.
public enum TwoStepError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidCredentials
    /// Unknown, expired or already used sign-in challenge.
    case invalidChallenge
    case codeMissing
    /// Unbinding with neither the code nor the password: the request is incomplete (a code may
    /// well have been sent, so not ``codeMissing``).
    case proofMissing
    case invalidCode(triesLeft: Int)
    case codeExpired
    case tooManyAttempts
    /// Too many wrong authenticator or recovery codes for one sign-in (B1): it is closed, the
    /// user signs in again.
    case tooManyWrongCodes
    /// The authenticator app's setup was not confirmed in time (or the token is not this server's).
    case setupExpired
    /// Setting up an authenticator app: its first code is not the one it shows now.
    case wrongAuthenticatorCode
    /// The second factor asked for is not set up for the account (B1).
    case methodNotAvailable
    /// A security key's registration was refused (B1): the reason, for the log and the page.
    case securityKeyRefused(String)
    case securityKeyLimit(Int)
    /// A new code is possible in `retryAfter` seconds (A10: 60 s between codes).
    case cooldown(retryAfter: Int)
    /// Sign-in is throttled after failures (or another limit of requests is reached).
    case rateLimited(retryAfter: Int)
    /// A daily or hourly cap of codes sent is reached (SPEC A10); the same 429 `rate_limited`,
    /// told in words that say what was used up.
    case codeLimit(retryAfter: Int)
    case smsFailed
    case invalidPhone
    /// The number's country is not among those codes are sent to (`two-step.sms-countries`, B8).
    case phoneCountryNotAllowed
    /// This month's SMS budget is used up (`two-step.monthly-sms-limit`, B8).
    case smsBudgetExhausted
    case notEnabled
    case enforced
    case appPasswordLimit(Int)
    case invalidName
    /// A client-specific password's scope that cannot be made (SPEC B4).
    case invalidScope(AppPasswordScopeProblem)
    case notFound
    case wrongPassword
    case weakPassword(PasswordPolicy.Weakness)

    public var code: String {
        switch self {
        case .invalidCredentials: "invalid_credentials"
        case .invalidChallenge: "invalid_challenge"
        case .codeMissing: "code_missing"
        case .proofMissing: "bad_request"
        case .invalidCode: "invalid_code"
        case .codeExpired: "code_expired"
        case .tooManyAttempts, .tooManyWrongCodes: "too_many_attempts"
        case .setupExpired: "setup_expired"
        case .wrongAuthenticatorCode: "invalid_code"
        case .methodNotAvailable: "method_not_available"
        case .securityKeyRefused: "security_key_refused"
        case .securityKeyLimit: "limit_reached"
        case .cooldown: "cooldown"
        case .rateLimited, .codeLimit: "rate_limited"
        case .smsFailed: "sms_failed"
        case .invalidPhone: "invalid_phone"
        case .phoneCountryNotAllowed: "phone_country_not_allowed"
        case .smsBudgetExhausted: "sms_budget_exhausted"
        case .notEnabled: "not_enabled"
        case .enforced: "two_step_enforced"
        case .appPasswordLimit: "limit_reached"
        case .invalidName: "invalid_name"
        case .invalidScope: "invalid_scope"
        case .notFound: "not_found"
        case .wrongPassword: "wrong_password"
        case .weakPassword: "weak_password"
        }
    }

    /// Seconds until trying again makes sense, for HTTP 429 answers.
    public var retryAfter: Int? {
        switch self {
        case .cooldown(let s), .rateLimited(let s), .codeLimit(let s): s
        default: nil
        }
    }

    public func message(_ language: Language) -> String {
        let zh = language == .zhCN
        switch self {
        case .invalidCredentials: return zh ? "用户名或密码错误" : "Wrong address or password."
        case .invalidChallenge: return zh ? "登录已过期，请重新登录" : "This sign-in has expired. Please sign in again."
        case .codeMissing: return zh ? "请先获取验证码" : "Please request a code first."
        case .proofMissing: return zh ? "请输入验证码（或登录密码）" : "Please enter the code (or your password)."
        case .invalidCode(let left):
            return zh ? "验证码错误，还可尝试 \(left) 次" : "Wrong code. \(left) tries left."
        case .codeExpired: return zh ? "验证码已过期，请重新获取" : "The code has expired. Please request a new one."
        case .tooManyAttempts:
            return zh ? "验证码错误次数过多，请重新获取" : "Too many wrong codes. Please request a new one."
        case .tooManyWrongCodes:
            return zh ? "验证码错误次数过多，请重新登录" : "Too many wrong codes. Please sign in again."
        case .setupExpired:
            return zh ? "设置已过期，请重新开始" : "The setup has expired. Please start again."
        case .wrongAuthenticatorCode:
            return zh ? "验证码错误，请输入身份验证器应用当前显示的 6 位数字（并确认手机时间准确）"
                : "Wrong code. Enter the 6 digits your authenticator app shows now (and check the phone's clock)."
        case .securityKeyRefused(let reason):
            return zh ? "安全密钥未能添加（\(reason)），请重试" : "The security key could not be added (\(reason)). Please try again."
        case .securityKeyLimit(let n):
            return zh ? "安全密钥最多 \(n) 个，请先移除不用的" : "At most \(n) security keys; remove unused ones first."
        case .methodNotAvailable:
            return zh ? "该验证方式尚未设置，请选择其他方式" : "This method is not set up. Please choose another."
        case .cooldown(let s): return zh ? "请 \(s) 秒后再获取验证码" : "Please wait \(s) seconds before requesting another code."
        case .codeLimit(let s):
            return zh ? "验证码发送次数已达上限，请 \(Self.humanWait(s, zh: true))后再试。登录时勾选“设为可信任设备”，在本设备上一段时间内无需验证码"
                : "No more codes can be sent for now. Please try again in \(Self.humanWait(s, zh: false)). Trusting this device at sign-in spares the code on it for a while."
        case .rateLimited(let s):
            return zh ? "操作过于频繁，请 \(Self.humanWait(s, zh: true))后再试" : "Too many requests. Please try again in \(Self.humanWait(s, zh: false))."
        case .smsFailed: return zh ? "短信发送失败，请稍后重试" : "Could not send the text message. Please try again."
        case .invalidPhone:
            return zh ? "手机号码格式不正确（中国大陆手机号请直接输入11位号码，其他地区请以+加国家码开头）"
                : "Not a valid mobile number (use +country code for numbers outside mainland China)."
        case .phoneCountryNotAllowed:
            return zh ? "本系统不向该国家或地区的手机号发送短信，请使用其他手机号，或联系管理员"
                : "Text messages are not sent to numbers of this country or region here. Use another number, or ask your administrator."
        case .smsBudgetExhausted:
            return zh ? "本月短信发送量已达上限，暂时无法发送验证码，请联系管理员"
                : "This month's text messages are used up: no code can be sent now. Please contact your administrator."
        case .notEnabled: return zh ? "尚未绑定手机" : "No phone is bound."
        case .enforced:
            return zh ? "管理员已强制启用二次验证，不能解绑手机，可以修改手机号"
                : "Your administrator requires two-step verification: the phone cannot be unbound, only changed."
        case .appPasswordLimit(let n):
            return zh ? "客户端专用密码最多 \(n) 个，请先删除不用的" : "At most \(n) client-specific passwords; delete unused ones first."
        case .invalidName: return zh ? "请输入 1–64 个字符的名称" : "Please enter a name of 1–64 characters."
        case .invalidScope(.noDoor):
            return zh ? "请至少选择一种协议（IMAP、POP3 或 SMTP）" : "Please choose at least one protocol (IMAP, POP3 or SMTP)."
        case .invalidScope(.readOnlyWithoutMailbox):
            return zh ? "“只读”只适用于 IMAP 或 POP3，请同时选择其中一种" : "Read-only applies to IMAP or POP3: choose one of them too."
        case .invalidScope(.endInThePast):
            return zh ? "有效期须晚于现在" : "The end must be in the future."
        case .notFound: return zh ? "不存在或已删除" : "Not found (it may have been deleted)."
        case .wrongPassword: return zh ? "当前密码错误" : "The current password is wrong."
        case .weakPassword(let weakness):
            return zh ? "新密码不符合要求：\(weakness.reason(language))" : "The new password is refused: \(weakness.reason(language))."
        }
    }

    public var description: String { "\(code): \(message(.en))" }

    static func humanWait(_ seconds: Int, zh: Bool) -> String {
        if seconds < 120 { return zh ? "\(seconds) 秒" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        if minutes < 120 { return zh ? "\(minutes) 分钟" : "\(minutes) minutes" }
        let hours = (minutes + 59) / 60
        return zh ? "\(hours) 小时" : "\(hours) hours"
    }
}
