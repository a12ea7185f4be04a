import Foundation

/// One mailbox shared with one colleague.
public struct ShareGrant: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var ownerID: AccountID
    public var granteeID: AccountID
    public var permission: SharePermission
    public var createdAt: Date
    public var createdBy: AccountID
    /// The moment the grant ends by itself (B6: a colleague covering a holiday); nil: until revoked.
    public var expiresAt: Date?

    public init(id: Int64, ownerID: AccountID, granteeID: AccountID, permission: SharePermission, createdAt: Date,
                createdBy: AccountID, expiresAt: Date? = nil) {
        self.expiresAt = expiresAt
        self.id = id
        self.ownerID = ownerID
        self.granteeID = granteeID
        self.permission = permission
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

extension ShareGrant {
    /// Whether the grant still gives access at `now`.
    public func isActive(at now: Date) -> Bool {
        expiresAt.map { now < $0 } ?? true
    }
}

/// A grant as shown to a person: with the other side's address.
public struct ShareListing: Sendable, Equatable {
    public var grant: ShareGrant
    /// The grantee (in "granted") or the owner (in "received").
    public var other: EmailAddress

    public init(grant: ShareGrant, other: EmailAddress) {
        self.grant = grant
        self.other = other
    }
}

/// Refusals of the shares use cases; `code` is the JSON API's `error`.
public enum ShareError: Error, Equatable, Sendable {
    case unknownGrantee(String)
    case cannotShareWithSelf
    case alreadyShared(String)
    /// An end of the grant that is not in the future.
    case invalidExpiry
    case notFound
    /// The permission table refuses this action on this mailbox.
    case denied(MailboxAction, SharePermission?)

    public var code: String {
        switch self {
        case .unknownGrantee: "unknown_grantee"
        case .cannotShareWithSelf: "cannot_share_with_self"
        case .alreadyShared: "already_shared"
        case .invalidExpiry: "invalid_expiry"
        case .notFound: "not_found"
        case .denied: "permission_denied"
        }
    }

    public func message(chinese: Bool) -> String {
        switch self {
        case .unknownGrantee(let a): chinese ? "没有这个本地用户：\(a)" : "No local user \(a)."
        case .cannotShareWithSelf: chinese ? "不能共享给自己" : "You cannot share a mailbox with yourself."
        case .alreadyShared(let a): chinese ? "已经共享给 \(a)，可以修改其权限" : "Already shared with \(a); change its permission instead."
        case .invalidExpiry: chinese ? "有效期须晚于现在" : "The end of the share must be in the future."
        case .notFound: chinese ? "没有这个共享" : "No such share."
        case .denied(let action, let permission):
            Self.deniedText(action, permission, chinese: chinese)
        }
    }

    static func deniedText(_ action: MailboxAction, _ permission: SharePermission?, chinese: Bool) -> String {
        let what: String
        switch action {
        case .view: what = chinese ? "查看此邮箱" : "view this mailbox"
        case .changeUnread: what = chinese ? "改变邮件未读状态" : "change the unread state"
        case .changeOtherFlags: what = chinese ? "修改邮件标记" : "change message flags"
        case .delete: what = chinese ? "删除或移动邮件" : "delete or move mail"
        case .insert: what = chinese ? "向此邮箱放入邮件" : "put mail into this mailbox"
        case .send: what = chinese ? "以此邮箱回复、转发或发信" : "reply to, forward or send mail from this mailbox"
        case .manage: what = chinese ? "管理此邮箱的文件夹或共享" : "manage this mailbox's folders or shares"
        }
        guard let permission else { return chinese ? "无权\(what)" : "You may not \(what)." }
        return chinese
            ? "共享权限“\(permission.label(chinese: true))”不允许\(what)"
            : "The \(permission.label(chinese: false).lowercased()) permission does not allow you to \(what)."
    }
}
