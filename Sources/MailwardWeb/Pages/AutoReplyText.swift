import MailwardCore

/// Texts of Settings › Mail › Automatic reply, merged into `PageText.strings`.
enum AutoReplyText {
    static func strings(_ language: Language) -> [String: String] {
        language == .en ? en : zh
    }

    static let zh: [String: String] = [
        "mail_settings": "邮件设置", "auto_reply": "自动回复",
        "auto_reply_intro": "开启后，给您写信的人会收到下面的回复，同一个人 7 天内最多收到一次；邮件列表、群发邮件、系统通知和垃圾邮件不会收到回复。",
        "auto_reply_on": "开启自动回复",
        "auto_reply_subject": "主题（留空则为“自动回复: 原邮件主题”）",
        "auto_reply_text": "回复内容",
        "auto_reply_until": "最后一天（含当天，可不填）",
        "auto_reply_saved": "已保存",
    ]

    static let en: [String: String] = [
        "mail_settings": "Mail", "auto_reply": "Automatic reply",
        "auto_reply_intro": "While it is on, people who write to you get this reply, each at most once in 7 days; mailing lists, bulk mail, system notices and spam get none.",
        "auto_reply_on": "Send an automatic reply",
        "auto_reply_subject": "Subject (empty: “自动回复: ” and the message's subject)",
        "auto_reply_text": "Reply",
        "auto_reply_until": "Last day (included; optional)",
        "auto_reply_saved": "Saved",
    ]
}
