import MailwardCore

/// The webmail's page texts (zh-CN default, en), merged into `PageText.strings`.
enum MailText {
    static func strings(_ language: Language) -> [String: String] {
        language == .en ? en : zh
    }

    static let zh: [String: String] = [
        "compose": "写信", "search": "搜索", "new_folder": "新建文件夹", "rename": "重命名", "delete_folder": "删除文件夹",
        "empty_trash": "清空已删除", "new_mail": "有新邮件，请刷新", "no_messages": "没有邮件", "flagged": "已标记",
        "attachment": "附件", "prev": "上一页", "next_page": "下一页", "edit": "编辑", "reply": "回复", "reply_all": "回复全部",
        "forward": "转发", "forward_attach": "作为附件转发", "mark_unread": "标为未读", "flag": "标记", "unflag": "取消标记",
        "move_to": "移动到", "from": "发件人", "to": "收件人", "cc": "抄送", "bcc": "密送", "date": "时间", "subject": "主题",
        "images_blocked": "为保护隐私，已阻止加载远程图片。", "show_images": "显示图片", "attachments": "附件",
        "max_size": "单个附件不超过", "send": "发送", "save_draft": "存草稿", "draft_saved": "草稿已保存",
        "confirm_delete_folder": "删除该文件夹及其中的邮件？", "confirm_empty_trash": "彻底删除“已删除”中的所有邮件？", "confirm_delete_forever": "彻底删除这封邮件？删除后无法恢复。",
        "remove": "移除", "folders": "文件夹", "open": "打开", "more": "文件夹与搜索 ↓", "mail_sent": "邮件已发送", "share_gone": "共享已取消",
        "share_gone_detail": "该邮箱已不再共享给您，或者您要找的内容不存在。", "back_to_mine": "返回我的邮箱",
        "message_body": "正文", "unread": "未读", "create_folder": "新建文件夹",
    ]

    static let en: [String: String] = [
        "compose": "Compose", "search": "Search", "new_folder": "New folder", "rename": "Rename", "delete_folder": "Delete folder",
        "empty_trash": "Empty Trash", "new_mail": "New mail — reload", "no_messages": "No messages", "flagged": "Flagged",
        "attachment": "Attachment", "prev": "Previous", "next_page": "Next", "edit": "Edit", "reply": "Reply", "reply_all": "Reply all",
        "forward": "Forward", "forward_attach": "Forward as attachment", "mark_unread": "Mark unread", "flag": "Flag",
        "unflag": "Unflag", "move_to": "Move to", "from": "From", "to": "To", "cc": "Cc", "bcc": "Bcc", "date": "Date",
        "subject": "Subject", "images_blocked": "Remote images were blocked to protect your privacy.", "show_images": "Show images",
        "attachments": "Attachments", "max_size": "Each attachment at most", "send": "Send", "save_draft": "Save draft",
        "draft_saved": "Draft saved", "confirm_delete_folder": "Delete this folder and its messages?",
        "confirm_empty_trash": "Delete every message in Trash for good?",
        "confirm_delete_forever": "Delete this message for good? It cannot be restored.",
        "remove": "Remove", "folders": "Folders", "open": "Open", "more": "Folders and search ↓", "mail_sent": "Message sent", "share_gone": "Share cancelled",
        "share_gone_detail": "This mailbox is no longer shared with you, or what you asked for does not exist.",
        "back_to_mine": "Back to my mailbox",
        "message_body": "Message", "unread": "Unread", "create_folder": "Create folder",
    ]
}
