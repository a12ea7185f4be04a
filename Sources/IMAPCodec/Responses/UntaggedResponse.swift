/// An untagged server response (`* ...`).
public enum UntaggedResponse: Sendable, Equatable {
    /// `* OK/NO/BAD/PREAUTH/BYE [code] text`
    case status(StatusResponse)
    case capability([String])
    case enabled([String])
    case list(ListResponse)
    case lsub(ListResponse)
    /// `* STATUS mailbox (MESSAGES 3 UIDNEXT 7 ...)`
    case mailboxStatus(mailbox: String, [MailboxStatusItem])
    case flags([Flag])
    case exists(UInt32)
    case recent(UInt32)
    case expunge(UInt32)
    /// `* VANISHED [(EARLIER)] uid-set` (RFC 7162)
    case vanished(earlier: Bool, SequenceSet)
    /// `* SEARCH 2 3 6 [(MODSEQ n)]`
    case search([UInt32], modSequence: UInt64?)
    case esearch(ESearchResponse)
    /// `* SORT n n n [(MODSEQ n)]` (RFC 5256 §4): the matching messages in the requested order,
    /// with their highest mod-sequence when MODSEQ was searched (RFC 7162 §3.1.5).
    case sort([UInt32], modSequence: UInt64?)
    /// `* THREAD (2)(3 6 (4 23)(44 7 96))` (RFC 5256 §4).
    case thread(ThreadList)
    case fetch(UInt32, [FetchResponseItem])
    case namespace(personal: [NamespaceDescription], otherUsers: [NamespaceDescription], shared: [NamespaceDescription])
    /// `* ID (...)` or `* ID NIL`
    case id([IDParameter]?)
    /// `* QUOTA root (STORAGE 10 512)` (usage and limit; STORAGE in KiB)
    case quota(root: String, [QuotaResource])
    case quotaRoot(mailbox: String, roots: [String])
    /// `* ACL mailbox identifier rights ...`
    case acl(mailbox: String, [ACLEntry])
    case listRights(mailbox: String, identifier: String, required: String, optional: [String])
    case myRights(mailbox: String, rights: String)
}
