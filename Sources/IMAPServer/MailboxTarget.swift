import MailwardCore

/// A mailbox a command names, resolved: one of the session's own folders, or a colleague's
/// folder reached through the shared namespace, with what the session may do there.
struct MailboxTarget {
    var mailbox: Mailbox
    /// The name the client uses and is answered with.
    var wireName: String
    /// The colleague who shared it; nil for the session's own folders.
    var owner: Account?
    /// Asked of `ShareService` while resolving (`.owner` for own folders).
    var access: AccessPolicy.Access

    var isShared: Bool { owner != nil }
}
