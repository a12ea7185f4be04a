import MailwardCore

/// Texts of Settings › Advanced › Shared mailbox and of shared mailboxes in the mail pages
/// (seed section 四: labels, the 温馨提示 table), merged into `PageText.strings`.
enum ShareText {
    static func strings(_ language: Language) -> [String: String] {
        var strings = language == .en ? en : zh
        for permission in SharePermission.allCases {
            strings["perm_" + permission.rawValue] = permission.label(chinese: language != .en)
        }
        for action in MailboxAction.allCases {
            strings["act_" + action.rawValue] = actionLabel(action, chinese: language != .en)
        }
        return strings
    }

    /// How the share activity log names what a colleague did.
    static func actionLabel(_ action: MailboxAction, chinese: Bool) -> String {
        switch action {
        case .view: chinese ? "查看邮件" : "Read"
        case .changeUnread: chinese ? "改变未读状态" : "Changed unread state"
        case .changeOtherFlags: chinese ? "修改标记" : "Changed flags"
        case .delete: chinese ? "删除或移动邮件" : "Deleted or moved"
        case .insert: chinese ? "放入邮件" : "Put mail in"
        case .send: chinese ? "发信" : "Sent"
        case .manage: chinese ? "管理文件夹" : "Managed folders"
        }
    }

    static let zh: [String: String] = [
        "advanced": "高级功能", "shared_mailbox": "共享邮箱", "shared_with_me": "共享给我的邮箱", "my_shares": "我的共享",
        "create_share": "创建我的共享邮箱", "share_with": "共享给：", "permission": "权限：", "permission_col": "权限",
        "share": "共享", "cancel": "取消", "tip": "温馨提示：", "scope": "范围",
        "tip_view": "查看邮件", "tip_unread": "改变邮件未读状态", "tip_delete": "删除邮件", "tip_send": "转发/回复/写信",
        "tip_note": "发信说明", "tip_note_on_behalf": "邮件将被标记为“代发”", "tip_note_send_as": "邮件将直接以授权者本人账号发送",
        "share_intro": "多人使用的公用邮箱可以共享给同事：同事用自己的帐号登录，在“我的邮箱”页面即可查看共享给他的邮箱，并按权限收发邮件。",
        "perm_help_read_only": "只读：只可查看共享邮件，不可做任何操作。",
        "perm_help_send_on_behalf": "代表发送：可查看共享邮箱；可代表授权人发信；不可更改邮件未读状态；不可删除邮件。",
        "perm_help_send_as": "代理发送：可查看共享邮箱；可使用授权人的账号发信；可更改邮件未读状态；可删除邮件。",
        "grantee": "共享给", "owner": "共享人", "revoke": "取消共享", "open_mailbox": "查看邮箱",
        "no_shares": "还没有共享您的邮箱", "no_received": "没有共享给您的邮箱",
        "share_until": "有效期至", "share_until_hint": "可选：到这一天结束时共享自动失效，留空为长期有效",
        "until_forever": "长期", "share_ended": "已结束", "until_changed_ok": "有效期已修改",
        "shared_ok": "已共享", "changed_ok": "权限已修改", "revoked_ok": "已取消共享", "confirm_revoke": "确定取消对该同事的共享？",
        "share_log": "共享记录（最近 50 条）", "event": "事件", "detail": "详情", "no_events": "暂无记录",
        "ev_share-created": "创建共享", "ev_share-changed": "修改权限", "ev_share-revoked": "取消共享",
        "ev_shared-mailbox-action": "同事在共享邮箱中的操作", "sender": "代发",
    ]

    static let en: [String: String] = [
        "advanced": "Advanced", "shared_mailbox": "Shared mailbox", "shared_with_me": "Shared with me", "my_shares": "My shares",
        "create_share": "Share my mailbox", "share_with": "Share with:", "permission": "Permission:", "permission_col": "Permission",
        "share": "Share", "cancel": "Cancel", "tip": "Tip:", "scope": "Scope",
        "tip_view": "View mail", "tip_unread": "Change the unread state", "tip_delete": "Delete mail",
        "tip_send": "Forward / reply / compose", "tip_note": "How mail goes out",
        "tip_note_on_behalf": "Marked as sent on behalf", "tip_note_send_as": "Sent directly as the owner",
        "share_intro": "Share a mailbox several people use: colleagues sign in with their own accounts, find it on their mailbox page and work in it as the permission allows.",
        "perm_help_read_only": "Read only: view the shared mail; no other action.",
        "perm_help_send_on_behalf": "Send on behalf: view the mailbox; send on the owner's behalf; cannot change the unread state or delete mail.",
        "perm_help_send_as": "Send as: view the mailbox; send as the owner; change the unread state; delete mail.",
        "grantee": "Shared with", "owner": "Owner", "revoke": "Revoke", "open_mailbox": "Open",
        "no_shares": "Your mailbox is not shared", "no_received": "No mailbox is shared with you",
        "share_until": "Until", "share_until_hint": "Optional: the share ends by itself at the end of this day; empty: no end",
        "until_forever": "No end", "share_ended": "ended", "until_changed_ok": "End of the share changed",
        "shared_ok": "Shared", "changed_ok": "Permission changed", "revoked_ok": "Share revoked", "confirm_revoke": "Revoke this share?",
        "share_log": "Share activity (last 50)", "event": "Event", "detail": "Detail", "no_events": "Nothing yet",
        "ev_share-created": "Shared", "ev_share-changed": "Permission changed", "ev_share-revoked": "Share revoked",
        "ev_shared-mailbox-action": "Colleague's action in the shared mailbox", "sender": "Sent on behalf",
    ]
}
