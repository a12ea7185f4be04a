import NIOCore

/// Every client command of IMAP4rev1 (RFC 3501), the IMAP4rev2 (RFC 9051) forms clients send,
/// and the extensions Mailward supports (IDLE, ID, MOVE, UIDPLUS, ENABLE, CONDSTORE/QRESYNC,
/// LIST-EXTENDED, SPECIAL-USE, QUOTA, ACL, NAMESPACE, ESEARCH, SORT, THREAD, SASL-IR, COMPRESS).
public enum Command: Sendable, Equatable {
    // Any state
    case capability
    case noop
    case logout
    case id([IDParameter]?)
    // Not authenticated
    case starttls
    /// `AUTHENTICATE mechanism [initial-response]`; the initial response is already base64-decoded
    /// (`=` decodes to an empty array).
    case authenticate(mechanism: String, initialResponse: [UInt8]?)
    case login(username: String, password: String)
    // Authenticated
    case enable([String])
    case select(MailboxName, [SelectParameter])
    case examine(MailboxName, [SelectParameter])
    case create(MailboxName, specialUse: [MailboxAttribute])
    case delete(MailboxName)
    case rename(from: MailboxName, to: MailboxName)
    case subscribe(MailboxName)
    case unsubscribe(MailboxName)
    case list(ListCommand)
    case lsub(reference: MailboxName, pattern: [UInt8])
    case namespace
    case status(MailboxName, [StatusAttribute])
    case append(AppendCommand)
    case idle
    /// `COMPRESS mechanism` (RFC 4978); the mechanism as sent, DEFLATE being the only one.
    case compress(String)
    // Selected
    case check
    case close
    case unselect
    case expunge
    case uidExpunge(SequenceSet)
    case search(SearchCommand, uid: Bool)
    /// `SORT` (RFC 5256).
    case sort(SortCommand, uid: Bool)
    /// `THREAD` (RFC 5256).
    case thread(ThreadCommand, uid: Bool)
    case fetch(SequenceSet, [FetchAttribute], modifiers: [FetchModifier], uid: Bool)
    case store(SequenceSet, StoreOperation, unchangedSince: UInt64?, uid: Bool)
    case copy(SequenceSet, MailboxName, uid: Bool)
    case move(SequenceSet, MailboxName, uid: Bool)
    // QUOTA (RFC 9208)
    case getQuota(root: String)
    case getQuotaRoot(MailboxName)
    case setQuota(root: String, limits: [QuotaLimit])
    // ACL (RFC 4314)
    case getACL(MailboxName)
    case setACL(MailboxName, identifier: String, rights: String)
    case deleteACL(MailboxName, identifier: String)
    case listRights(MailboxName, identifier: String)
    case myRights(MailboxName)
    /// A command name Mailward does not know; answer `BAD`.
    case unknown(String)
}
