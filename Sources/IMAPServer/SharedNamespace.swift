import MailwardCore

/// The IMAP shared namespace (RFC 2342 "other users"/shared): a colleague's folders appear to a
/// grantee as `Shared/<owner address>/<folder>`. `Shared` and `Shared/<owner>` are `\Noselect`
/// parents. The first level `Shared` is reserved for this namespace: nobody can create, rename
/// to or select a personal folder of that name. Pure.
enum SharedNamespace {
    static let root = MailwardCore.MailboxName.sharedRoot
    static let prefix = root + "/"

    /// Where a (normalized) name points inside the shared namespace.
    enum Place: Equatable {
        /// `Shared` itself.
        case root
        /// `Shared/<owner>`.
        case owner(String)
        /// `Shared/<owner>/<folder>`, with the folder normalized (`inbox` → `INBOX`).
        case folder(owner: String, folder: String)
    }

    /// nil when the name is a personal folder name.
    static func place(of name: String) -> Place? {
        guard name == root || name.hasPrefix(prefix) else { return nil }
        let levels = name.split(separator: Mailbox.delimiter, maxSplits: 2, omittingEmptySubsequences: false)
        switch levels.count {
        case 1: return .root
        case 2: return .owner(String(levels[1]))
        default:
            let folder = (try? MailwardCore.MailboxName.normalize(String(levels[2]))) ?? String(levels[2])
            return .folder(owner: String(levels[1]), folder: folder)
        }
    }

    /// The owner's own name of a shared folder (`Shared/<owner>/Plans` → `Plans`), for what the
    /// owner reads; a personal folder's name as it is.
    static func folder(of name: String) -> String {
        if case .folder(_, let folder) = place(of: name) { return folder }
        return name
    }

    static func ownerFolder(_ owner: EmailAddress) -> String {
        prefix + owner.description
    }

    static func name(owner: EmailAddress, folder: String) -> String {
        ownerFolder(owner) + "/" + folder
    }
}
