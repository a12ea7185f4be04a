/// What an owner lets a colleague do with the whole mailbox (SPEC S, seed section 四).
/// Raw values are the JSON API's.
public enum SharePermission: String, Sendable, Codable, CaseIterable {
    /// 只读: view mail only.
    case readOnly = "read_only"
    /// 代表发送: view, and send marked as sent on behalf (`From:` owner, `Sender:` grantee).
    case sendOnBehalf = "send_on_behalf"
    /// 代理发送: view, change unread state, delete, and send directly as the owner.
    case sendAs = "send_as"

    public func label(chinese: Bool) -> String {
        switch self {
        case .readOnly: chinese ? "只读" : "Read only"
        case .sendOnBehalf: chinese ? "代表发送" : "Send on behalf"
        case .sendAs: chinese ? "代理发送" : "Send as"
        }
    }
}

/// Everything someone can do to a mailbox, as the permission table asks it.
public enum MailboxAction: String, Sendable, CaseIterable {
    /// S1: list folders, read messages (never marks them read for a grantee without `changeUnread`).
    case view
    /// S2: set or clear `\Seen`.
    case changeUnread
    /// S3: other flags (flag, answered, keywords).
    case changeOtherFlags
    /// S3: delete, move out, expunge.
    case delete
    /// Put messages in (APPEND, copy or move in, save a draft).
    case insert
    /// S4: forward, reply, compose from the shared address — and send it.
    case send
    /// Create, rename, delete folders; share the mailbox. Owner only.
    case manage
}

/// How mail sent from a shared address goes out (S5).
public enum SendingMode: Sendable, Equatable {
    /// `From:` owner, no `Sender:` (the owner, or a `send_as` grantee).
    case asOwner
    /// `From:` owner, `Sender:` grantee (代发).
    case onBehalf(grantee: EmailAddress)
}
