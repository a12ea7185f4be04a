/// The text every mail door sends with its normal authentication failure when the account
/// password was used on an account with two-step verification (SPEC A8), so IMAP, POP3 and SMTP
/// all tell the user the same thing: make a client-specific password in the webmail.
public enum ClientPasswordNotice {
    public static func text(language: Language = .zhCN) -> String {
        switch language {
        case .zhCN:
            "帐号已开启（或管理员要求开启）二次验证，客户端请使用客户端专用密码登录（先登录 webmail 绑定手机，再到 设置 › 个人信息 › 邮箱密码 › 客户端专用密码）"
        case .en:
            "Two-step verification is on (or required by the administrator) for this account: use a client-specific password (sign in to the webmail, bind a phone if asked, then Settings > Personal info > Mailbox password > Client-specific passwords)"
        }
    }

    /// The same text chosen with a flag (the first version of this API).
    public static func text(chinese: Bool) -> String {
        text(language: chinese ? .zhCN : .en)
    }

    /// ASCII-only variant for protocol lines where clients may not decode UTF-8 (SMTP replies,
    /// POP3 `-ERR` texts).
    public static var asciiText: String { text(language: .en) }
}
