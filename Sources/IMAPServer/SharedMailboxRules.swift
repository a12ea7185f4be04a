import IMAPCodec
import MailwardCore

/// Which rows of the permission table (`AccessPolicy`) an IMAP command needs, and how RFC 4314
/// rights written by an owner's SETACL map back to a `SharePermission`. The table itself lives
/// only in `AccessPolicy`; this file only names the questions to ask it. Pure.
enum SharedMailboxRules {
    /// What a command needs on the *selected* mailbox (destinations of COPY/MOVE are asked
    /// separately). RFC 4314 §4: `\Seen` needs `s`, `\Deleted` needs `t`, other flags `w`,
    /// EXPUNGE `e`, MOVE `t`+`e` on the source.
    static func actions(onSelected command: Command) -> [MailboxAction] {
        switch command {
        case .store(_, let operation, _, _): return actions(for: operation)
        case .expunge, .uidExpunge, .move: return [.view, .delete]
        case .fetch, .search, .copy, .check, .noop, .idle: return [.view]
        default: return []
        }
    }

    /// The actions a STORE touches: replacing the flag list may change any of them.
    static func actions(for operation: StoreOperation) -> [MailboxAction] {
        if operation.kind == .replace { return [.changeUnread, .changeOtherFlags, .delete] }
        var needed: [MailboxAction] = []
        func need(_ action: MailboxAction) { if !needed.contains(action) { needed.append(action) } }
        for flag in operation.flags {
            switch flag {
            case .seen: need(.changeUnread)
            case .deleted: need(.delete)
            default: need(.changeOtherFlags)
            }
        }
        return needed
    }

    /// Whether the mailbox is opened read-write for this access (SELECT answers `[READ-ONLY]` otherwise).
    static func mayWrite(_ access: AccessPolicy.Access) -> Bool {
        AccessPolicy.allows(access, .changeUnread) || AccessPolicy.allows(access, .changeOtherFlags)
            || AccessPolicy.allows(access, .delete)
    }

    /// What an owner's `SETACL mailbox identifier rights` asks for.
    enum ACLRequest: Equatable {
        case grant(SharePermission)
        /// The resulting set is empty: the same as DELETEACL.
        case revoke
        case refused(String)
    }

    /// Applies SETACL rights (`lr`, `+p`, `-swite`…) to `current` and asks Core which permission
    /// the result is (`AccessPolicy.permission(forIMAPRights:)`); anything else is refused.
    static func request(rights modRights: String, current: String) -> ACLRequest {
        var text = Substring(modRights)
        var result: Set<Character>
        if text.first == "+" {
            text = text.dropFirst()
            result = Set(current).union(text)
        } else if text.first == "-" {
            text = text.dropFirst()
            result = Set(current).subtracting(text)
        } else {
            result = Set(text)
        }
        let known = Set("lrswipkxteacd")
        if let unknown = text.first(where: { !known.contains($0) }) {
            return .refused("Unknown right \"\(unknown)\" (rights are lrswipkxtea)")
        }
        if result.isEmpty { return .revoke }
        if result.contains("a") || result.contains("x") || result.contains("c") {
            return .refused("Only the owner administers, deletes or creates folders; grant lr, lrp or lrswite")
        }
        guard result.contains("l"), result.contains("r") else {
            return .refused("A share always includes lookup and read (l and r); grant lr, lrp or lrswite")
        }
        if let permission = AccessPolicy.permission(forIMAPRights: result) { return .grant(permission) }
        return .refused("These rights match no share permission; grant lr (read only), lrp (send on behalf) or lrswite (send as)")
    }

    /// The groups LISTRIGHTS offers a colleague: nothing is always granted; `lr` together, then
    /// `p` (send on behalf) or the write rights (send as).
    static let grantableGroups = ["lr", "p", "swite"]
}
