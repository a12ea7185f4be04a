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

/// One `identifier rights` pair of an ACL response (RFC 4314).
public struct ACLEntry: Sendable, Hashable {
    public var identifier: String
    public var rights: String
    public init(identifier: String, rights: String) {
        self.identifier = identifier
        self.rights = rights
    }
}

/// `resource usage limit` of a QUOTA response (RFC 9208).
public struct QuotaResource: Sendable, Hashable {
    public var name: String
    public var usage: UInt64
    public var limit: UInt64
    public init(name: String, usage: UInt64, limit: UInt64) {
        self.name = name
        self.usage = usage
        self.limit = limit
    }
}

/// One item of a STATUS response.
public struct MailboxStatusItem: Sendable, Hashable {
    public var attribute: StatusAttribute
    public var value: UInt64
    public init(_ attribute: StatusAttribute, _ value: UInt64) {
        self.attribute = attribute
        self.value = value
    }
}

/// `"(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil) ")"` — a namespace prefix and its delimiter.
public struct NamespaceDescription: Sendable, Hashable {
    public var prefix: String
    public var delimiter: Character?
    public init(prefix: String, delimiter: Character?) {
        self.prefix = prefix
        self.delimiter = delimiter
    }
}
