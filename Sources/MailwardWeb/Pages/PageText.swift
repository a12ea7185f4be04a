import Foundation
import MailwardCore

/// Every text of the web pages, per language (zh-CN default, en). Texts the scripts need at
/// run time are handed over in the page's JSON data block.
enum PageText {
    static func strings(_ language: Language) -> [String: String] {
        (language == .en ? en : zh).merging(MailText.strings(language)) { base, _ in base }
            .merging(ShareText.strings(language)) { base, _ in base }
    }

    /// The hint under "trust this device": as many days as `two-step.trusted-device-days` says.
    static func trustDeviceHint(days: Int, _ language: Language) -> String {
        language == .en ? "This device and browser can sign in without a code for \(days) day\(days == 1 ? "" : "s")"
            : "勾选后使用相同设备和浏览器\(days)天内不需要验证码登录"
    }

    /// The banner of every page while the account is in a grace period without a phone (B8):
    /// the last day of grace, in the server's time zone, and the way to the binding page.
    static func graceNotice(until end: Date, _ language: Language) -> [String: String] {
        let day = LastDay.text(of: end)
        return language == .en
            ? ["text": "Your administrator requires two-step verification after \(day): bind a phone by the end of that day. From then on, an account without a phone must bind one before it can use its mailbox, and mail clients need client-specific passwords.",
               "link": "Bind a phone now", "day": day]
            : ["text": "管理员要求开启二次验证：请在 \(day)（含当天）之前绑定手机。此后未绑定手机的帐号须先绑定手机才能使用邮箱，邮件客户端须使用客户端专用密码。",
               "link": "立即绑定手机", "day": day]
    }

    static let zh: [String: String] = [
        "lang": "zh-CN", "other_lang": "en", "other_lang_name": "English",
        "product": "Mailward 邮件系统",
        "unavailable_title": "邮件存储暂时不可用", "unavailable_detail": "服务器暂时无法访问邮件数据，请稍后再试。",
        "try_again": "重试",
        "sign_in": "登录", "address": "邮箱地址", "password": "密码", "other_account": "使用其他帐号登录", "not_found": "找不到该页面",
        "second_factor_title": "短信验证", "code_sent_to": "验证码将发送到您绑定的手机",
        "code": "验证码", "get_code": "获取验证码", "resend": "重新获取", "confirm": "确定",
        "trust_device": "设为可信任设备",
        "enroll_title": "帐号安全二次验证",
        "enroll_intro": "管理员已强制启用二次验证。请绑定手机，绑定后才能使用邮箱。",
        "phone": "手机号码", "phone_hint": "中国大陆手机号直接输入11位号码，其他地区以+国家码开头",
        "welcome": "欢迎，", "mailbox": "我的邮箱", "mail_placeholder": "邮件功能即将推出。",
        "settings": "个人设置", "settings_short": "设置", "sign_out": "退出",
        "security_settings": "安全设置", "two_step": "二次验证设置", "devices": "登录设备查询",
        "personal_info": "个人信息", "mailbox_password": "邮箱密码",
        "two_step_status_on": "二次验证已开启", "two_step_status_off": "二次验证未开启",
        "bound_phone": "已绑定手机", "colon": "：", "enforced_note": "管理员已强制启用二次验证，不能解绑手机。",
        "clients_note": "如果使用了客户端软件（Foxmail、iPhone 邮件、Outlook 等），需设置客户端专用密码使用客户端，账号密码将被拒绝。", "clients_note_link": "设置客户端专用密码",
        "choose_method": "请选择验证方式", "method_sms": "短信验证码", "next": "下一步",
        "change_phone": "修改手机号", "unbind": "解绑手机", "unbind_intro": "验证码将发送到当前绑定的手机。",
        "confirm_unbind": "确定解绑", "bound_ok": "手机绑定成功，二次验证已开启", "phone_changed_ok": "手机号已修改。可信任设备已全部取消，下次登录需输入短信验证码。", "unbound_ok": "已解绑手机",
        "trusted_devices": "可信任设备", "device": "设备", "ip": "IP 地址", "trusted_at": "信任时间",
        "last_seen": "最近登录", "expires": "到期时间", "action": "操作", "cancel_trust": "取消可信任",
        "this_device": "本设备", "no_devices": "没有可信任设备", "recent_sign_ins": "最近登录记录",
        "time": "时间", "door": "方式", "result": "结果", "success": "成功", "failure": "失败",
        "change_password": "修改密码", "current_password": "当前密码", "new_password": "新密码",
        "repeat_password": "确认新密码", "save": "保存",
        "password_warning": "修改密码后，其他已登录的浏览器将退出，所有可信任设备和客户端专用密码将被删除，客户端需要使用新的客户端专用密码。",
        "password_changed": "密码已修改", "passwords_differ": "两次输入的新密码不一致",
        "app_passwords": "客户端专用密码",
        "client_setup": "设置邮件客户端",
        "client_setup_apple": "在 iPhone、iPad 或 Mac 上用 Safari 打开本页，点击下面的按钮：将生成一个新的客户端专用密码，并下载包含它的配置描述文件；安装后“邮件”即可收发，无需输入任何内容。",
        "apple_profile": "下载 iPhone / iPad / Mac 配置描述文件", "apple_profile_name": "iPhone / iPad / Mac（描述文件）",
        "apple_profile_done": "已生成客户端专用密码并下载描述文件。请在“设置”中安装它。",
        "client_setup_auto": "Thunderbird 和 Outlook 通常只需输入邮箱地址和客户端专用密码，服务器设置会自动填写。其他客户端（如 Foxmail）请手动填写：",
        "server_protocol": "协议", "server_host": "服务器", "server_port": "端口", "server_security": "加密方式",
        "server_username": "用户名：",
        "app_passwords_intro": "绑定手机后，Foxmail、iPhone 邮件等客户端须使用客户端专用密码登录。密码只在生成时显示一次。",
        "add": "+", "name": "名称", "generate": "生成", "copy": "复制", "copied": "已复制",
        "shown_once": "请立即复制，此密码只显示这一次：", "created": "创建时间", "last_used": "最近使用",
        "delete": "删除", "never": "从未使用", "no_app_passwords": "还没有客户端专用密码",
        "app_password_protocols": "可用于", "app_password_smtp": "（发信）",
        "app_password_read_only": "只读：只能查看邮件，不能删除、移动或标记邮件",
        "app_password_until": "有效期至（不填为长期有效）",
        "app_password_scope_hint": "只给客户端它需要的权限：例如只收信的设备不选 SMTP，只做备份的工具选只读。",
        "app_password_scope": "权限", "app_password_all": "全部协议", "app_password_ro": "只读",
        "app_password_until_short": "有效期至", "app_password_expired": "已过期",
        "totp_prompt": "请输入身份验证器应用（如 Google Authenticator、Microsoft Authenticator）中显示的 6 位验证码",
        "recovery_prompt": "请输入一个未使用过的恢复码（每个只能使用一次）",
        "other_methods": "其他验证方式：", "method_totp": "身份验证器应用", "method_recovery": "恢复码",
        "recovery_code": "恢复码",
        "authenticator": "身份验证器应用",
        "authenticator_intro": "除短信验证码外，登录时也可以输入手机上身份验证器应用生成的验证码，无需等待短信。",
        "totp_on": "已设置", "totp_off": "未设置", "totp_setup": "设置身份验证器", "totp_replace": "重新设置（更换手机后）", "totp_remove": "移除",
        "totp_step1": "1. 在手机上的身份验证器应用中添加帐号：在手机上可直接", "totp_open_app": "打开身份验证器应用",
        "totp_key": "或手动输入密钥", "totp_step2": "2. 输入应用中显示的 6 位验证码",
        "confirm_remove": "确定移除", "totp_added_ok": "身份验证器已设置，下次登录可使用它的验证码",
        "totp_removed_ok": "身份验证器已移除",
        "recovery_codes": "恢复码",
        "recovery_intro": "手机丢失且无法使用身份验证器时，可用恢复码登录。每个恢复码只能使用一次；生成新的恢复码后，旧的全部失效。",
        "recovery_generate": "生成新的恢复码", "recovery_left": "剩余 {n} 个可用", "recovery_none": "尚未生成",
        "recovery_shown_once": "请立即抄写或保存到安全的地方，这些恢复码只显示这一次：",
        "sent": "验证码已发送", "network_error": "网络错误，请重试", "back": "返回",
        "confirm_cancel_trust": "取消后，该设备下次登录需要重新输入短信验证码。确定取消可信任？",
        "confirm_delete_app_password": "删除后，使用该密码的客户端将立即无法收发邮件。确定删除？",
    ]

    static let en: [String: String] = [
        "lang": "en", "other_lang": "zh-CN", "other_lang_name": "中文",
        "product": "Mailward Mail",
        "unavailable_title": "Mail storage is unavailable", "unavailable_detail": "The server cannot reach the mail data right now; please try again shortly.",
        "try_again": "Try again",
        "sign_in": "Sign in", "address": "Email address", "password": "Password", "other_account": "Sign in with another account", "not_found": "Not found",
        "second_factor_title": "SMS verification", "code_sent_to": "A code will be sent to your phone",
        "code": "Code", "get_code": "Get code", "resend": "Resend", "confirm": "Confirm",
        "trust_device": "Trust this device",
        "enroll_title": "Account security: two-step verification",
        "enroll_intro": "Your administrator requires two-step verification. Bind a phone to continue to your mailbox.",
        "phone": "Mobile number", "phone_hint": "Mainland China: 11 digits; elsewhere start with + and the country code",
        "welcome": "Welcome, ", "mailbox": "My mailbox", "mail_placeholder": "Mail is coming soon.",
        "settings": "Settings", "settings_short": "Settings", "sign_out": "Sign out",
        "security_settings": "Security", "two_step": "Two-step verification", "devices": "Login devices",
        "personal_info": "Personal info", "mailbox_password": "Mailbox password",
        "two_step_status_on": "Two-step verification is on", "two_step_status_off": "Two-step verification is off",
        "bound_phone": "Bound phone", "colon": ": ", "enforced_note": "Your administrator requires two-step verification; the phone cannot be unbound.",
        "clients_note": "Mail clients (Foxmail, iPhone Mail, Outlook…) now need a client-specific password; the account password is refused there.", "clients_note_link": "Set up client-specific passwords",
        "choose_method": "Choose a method", "method_sms": "SMS code", "next": "Next",
        "change_phone": "Change phone", "unbind": "Unbind phone", "unbind_intro": "A code will be sent to the current phone.",
        "confirm_unbind": "Unbind", "bound_ok": "Phone bound; two-step verification is on", "phone_changed_ok": "Phone number changed. All trusted devices were removed; the next sign-in asks for an SMS code.", "unbound_ok": "Phone unbound",
        "trusted_devices": "Trusted devices", "device": "Device", "ip": "IP address", "trusted_at": "Trusted",
        "last_seen": "Last seen", "expires": "Expires", "action": "Action", "cancel_trust": "Cancel trust",
        "this_device": "This device", "no_devices": "No trusted devices", "recent_sign_ins": "Recent sign-ins",
        "time": "Time", "door": "Method", "result": "Result", "success": "Success", "failure": "Failed",
        "change_password": "Change password", "current_password": "Current password", "new_password": "New password",
        "repeat_password": "Repeat new password", "save": "Save",
        "password_warning": "After the change, other browsers are signed out and all trusted devices and client-specific passwords are removed; mail clients need new client-specific passwords.",
        "password_changed": "Password changed", "passwords_differ": "The new passwords differ",
        "app_passwords": "Client-specific passwords",
        "client_setup": "Set up a mail client",
        "client_setup_apple": "Open this page in Safari on the iPhone, iPad or Mac and tap the button below: it makes a new client-specific password and downloads a configuration profile carrying it. Once the profile is installed, Mail works without typing anything.",
        "apple_profile": "Download the iPhone / iPad / Mac profile", "apple_profile_name": "iPhone / iPad / Mac (profile)",
        "apple_profile_done": "A client-specific password was made and the profile downloaded. Install it in Settings.",
        "client_setup_auto": "Thunderbird and Outlook usually need only your address and a client-specific password: they find the servers themselves. For other clients (Foxmail, say) enter:",
        "server_protocol": "Protocol", "server_host": "Server", "server_port": "Port", "server_security": "Security",
        "server_username": "User name: ",
        "app_passwords_intro": "With a bound phone, mail clients (Foxmail, iPhone Mail…) sign in with a client-specific password. It is shown only once.",
        "add": "+", "name": "Name", "generate": "Generate", "copy": "Copy", "copied": "Copied",
        "shown_once": "Copy it now; it is shown only this once:", "created": "Created", "last_used": "Last used",
        "delete": "Delete", "never": "Never used", "no_app_passwords": "No client-specific passwords yet",
        "app_password_protocols": "For", "app_password_smtp": "(sending)",
        "app_password_read_only": "Read-only: can read mail, but not delete, move or flag it",
        "app_password_until": "Valid until (empty: no end)",
        "app_password_scope_hint": "Give a client only what it needs: no SMTP for a device that only reads mail, read-only for a backup tool.",
        "app_password_scope": "Allowed", "app_password_all": "All protocols", "app_password_ro": "read-only",
        "app_password_until_short": "until", "app_password_expired": "expired",
        "totp_prompt": "Enter the 6-digit code your authenticator app (Google Authenticator, Microsoft Authenticator…) shows",
        "recovery_prompt": "Enter one of your unused recovery codes (each works once)",
        "other_methods": "Other ways: ", "method_totp": "Authenticator app", "method_recovery": "Recovery code",
        "recovery_code": "Recovery code",
        "authenticator": "Authenticator app",
        "authenticator_intro": "Besides SMS codes, sign-in also takes the codes an authenticator app on your phone makes: no waiting for a text.",
        "totp_on": "Set up", "totp_off": "Not set up", "totp_setup": "Set up an authenticator", "totp_replace": "Set up again (new phone)", "totp_remove": "Remove",
        "totp_step1": "1. Add the account in your authenticator app: on the phone itself,", "totp_open_app": "open it in the app",
        "totp_key": "or type the key", "totp_step2": "2. Enter the 6-digit code the app shows",
        "confirm_remove": "Remove", "totp_added_ok": "Authenticator set up: its codes work at the next sign-in",
        "totp_removed_ok": "Authenticator removed",
        "recovery_codes": "Recovery codes",
        "recovery_intro": "If the phone is lost and no authenticator is at hand, a recovery code signs you in. Each works once; making new ones ends all the old ones.",
        "recovery_generate": "Make new recovery codes", "recovery_left": "{n} left", "recovery_none": "None made yet",
        "recovery_shown_once": "Write them down or keep them somewhere safe now; they are shown only this once:",
        "sent": "Code sent", "network_error": "Network error; please try again", "back": "Back",
        "confirm_cancel_trust": "That device will need an SMS code at its next sign-in. Cancel trust?",
        "confirm_delete_app_password": "Mail clients using this password stop working at once. Delete it?",
    ]
}
