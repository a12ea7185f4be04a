/// The shared-mailbox permission table of SPEC section S — the only place it lives. Every door
/// (webmail, JSON API, IMAP, SMTP submission) asks it; none decides on its own.
///
/// | action            | owner | read only | send on behalf | send as |
/// |-------------------|-------|-----------|----------------|---------|
/// | view              |   ✓   |     ✓     |       ✓        |    ✓    |
/// | change unread     |   ✓   |     ✗     |       ✗        |    ✓    |
/// | other flags       |   ✓   |     ✗     |       ✗        |    ✓    |
/// | delete/move/expunge|  ✓   |     ✗     |       ✗        |    ✓    |
/// | insert            |   ✓   |     ✗     |       ✗        |    ✓    |
/// | send              |   ✓   |     ✗     |       ✓        |    ✓    |
/// | manage            |   ✓   |     ✗     |       ✗        |    ✗    |
public enum AccessPolicy {
    /// Who is asking about a mailbox: its owner, a grantee with a permission, or a stranger.
    public enum Access: Sendable, Equatable {
        case owner
        case grantee(SharePermission)
        case none
    }

    public static func allows(_ access: Access, _ action: MailboxAction) -> Bool {
        switch access {
        case .owner: return true
        case .none: return false
        case .grantee(let permission):
            switch (permission, action) {
            case (_, .view): return true
            case (_, .manage): return false
            case (.readOnly, _): return false
            case (.sendOnBehalf, .send): return true
            case (.sendOnBehalf, _): return false
            case (.sendAs, _): return true
            }
        }
    }

    /// How a message from the mailbox's address goes out, or nil when sending is not allowed.
    public static func sendingMode(_ access: Access, grantee: EmailAddress) -> SendingMode? {
        guard allows(access, .send) else { return nil }
        if case .grantee(.sendOnBehalf) = access { return .onBehalf(grantee: grantee) }
        return .asOwner
    }

    /// RFC 4314 rights for IMAP MYRIGHTS/GETACL, derived from the table: l lookup, r read,
    /// s keep seen, w write other flags, i insert, t/e delete and expunge, k/x/a folder management.
    public static func imapRights(_ access: Access) -> String {
        switch access {
        case .none: return ""
        case .owner: return "lrswipkxtea"
        case .grantee(let permission):
            var rights = "lr"
            if allows(.grantee(permission), .changeUnread) { rights += "s" }
            if allows(.grantee(permission), .changeOtherFlags) { rights += "w" }
            if allows(.grantee(permission), .insert) { rights += "i" }
            if allows(.grantee(permission), .delete) { rights += "te" }
            return rights
        }
    }

    /// The other way round, for an owner's IMAP SETACL: the permission a set of RFC 4314 rights
    /// asks for, or nil when it matches none. `lr` → read only; `lrp` → send on behalf (`p` =
    /// post, i.e. send mail from the mailbox — shown rights stay `lr`, as specified); `lr` plus
    /// write rights within `lrswitedk` (`d` kept for RFC 2086 clients) → send as.
    public static func permission(forIMAPRights rights: Set<Character>) -> SharePermission? {
        if rights == Set("lr") { return .readOnly }
        if rights == Set("lrp") { return .sendOnBehalf }
        if rights.isSubset(of: Set("lrswitedk")), rights.isSuperset(of: Set("lr")), !rights.isDisjoint(with: Set("switedk")) {
            return .sendAs
        }
        return nil
    }
}
