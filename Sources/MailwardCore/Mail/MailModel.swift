import Foundation
import Synchronization

public typealias MailboxID = Int64
public typealias MessageID = Int64
public typealias MessageUID = UInt32
public typealias ModSeq = Int64

/// The roles of RFC 6154 special-use folders. Every account has Sent, Drafts, Trash and Junk.
public enum SpecialUse: String, Sendable, Codable, CaseIterable {
    case sent = "\\Sent"
    case drafts = "\\Drafts"
    case trash = "\\Trash"
    case junk = "\\Junk"
    case archive = "\\Archive"

    /// The IMAP name each is created with.
    public var defaultName: String {
        switch self {
        case .sent: "Sent"
        case .drafts: "Drafts"
        case .trash: "Trash"
        case .junk: "Junk"
        case .archive: "Archive"
        }
    }

    /// The name the webmail shows (zh-CN, en).
    public func localizedName(chinese: Bool) -> String {
        switch self {
        case .sent: chinese ? "已发送" : "Sent"
        case .drafts: chinese ? "草稿箱" : "Drafts"
        case .trash: chinese ? "已删除" : "Trash"
        case .junk: chinese ? "垃圾邮件" : "Junk"
        case .archive: chinese ? "归档" : "Archive"
        }
    }
}

/// One folder of an account. Names are full paths with `/` between levels (`工作/项目`);
/// `INBOX` is always spelled in upper case.
public struct Mailbox: Hashable, Sendable, Codable {
    public static let delimiter: Character = "/"
    public static let inbox = "INBOX"

    public var id: MailboxID
    public var accountID: AccountID
    public var name: String
    public var specialUse: SpecialUse?
    public var uidValidity: UInt32
    public var uidNext: MessageUID
    public var highestModSeq: ModSeq
    public var createdAt: Date

    public init(id: MailboxID, accountID: AccountID, name: String, specialUse: SpecialUse?, uidValidity: UInt32,
                uidNext: MessageUID, highestModSeq: ModSeq, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.specialUse = specialUse
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.highestModSeq = highestModSeq
        self.createdAt = createdAt
    }

    public var isInbox: Bool { name == Self.inbox }
}

/// Counts a folder list or IMAP STATUS shows.
public struct MailboxCounts: Hashable, Sendable, Codable {
    public var messages: Int
    public var unseen: Int
    public var size: Int64

    public init(messages: Int, unseen: Int, size: Int64) {
        self.messages = messages
        self.unseen = unseen
        self.size = size
    }
}

/// A content-addressed message body: the lowercase hex SHA-256 of the raw bytes.
public struct BlobID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let hex: String

    public init(hex: String) {
        self.hex = hex
    }

    public var description: String { hex }
}

/// What the message list shows, computed once at delivery.
public struct MessageSummary: Hashable, Sendable, Codable {
    public var subject: String
    public var fromName: String?
    public var fromAddress: String?
    /// Decoded To addresses as "Name <addr>" or "addr", comma separated.
    public var to: String
    public var date: Date?
    public var preview: String
    public var hasAttachments: Bool
    public var messageIDHeader: String?

    public init(subject: String, fromName: String?, fromAddress: String?, to: String, date: Date?, preview: String,
                hasAttachments: Bool, messageIDHeader: String?) {
        self.subject = subject
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.to = to
        self.date = date
        self.preview = preview
        self.hasAttachments = hasAttachments
        self.messageIDHeader = messageIDHeader
    }
}

/// One copy of a message in one mailbox: what IMAP calls a message, with its UID and flags.
public struct MessageRecord: Hashable, Sendable {
    public var id: MessageID
    public var mailboxID: MailboxID
    public var uid: MessageUID
    public var modSeq: ModSeq
    public var flags: MessageFlags
    public var internalDate: Date
    public var size: Int
    public var blobID: BlobID
    /// Subject, sender, preview…: a store may hand it over still encoded (``init(id:mailboxID:uid:modSeq:flags:internalDate:size:blobID:encodedSummary:)``),
    /// and it is decoded on first use — IMAP FETCH, STORE and COPY read records by the hundred
    /// and never look at it, and its JSON decoding was a fifth of a header FETCH.
    public var summary: MessageSummary {
        get { summaryStorage.value }
        set { summaryStorage = LazySummary(newValue) }
    }
    private var summaryStorage: LazySummary

    public init(id: MessageID, mailboxID: MailboxID, uid: MessageUID, modSeq: ModSeq, flags: MessageFlags,
                internalDate: Date, size: Int, blobID: BlobID, summary: MessageSummary) {
        self.init(id: id, mailboxID: mailboxID, uid: uid, modSeq: modSeq, flags: flags, internalDate: internalDate,
                  size: size, blobID: blobID, storage: LazySummary(summary))
    }

    /// A record whose summary is the JSON a store wrote from ``MessageSummary``'s `Codable` form.
    public init(id: MessageID, mailboxID: MailboxID, uid: MessageUID, modSeq: ModSeq, flags: MessageFlags,
                internalDate: Date, size: Int, blobID: BlobID, encodedSummary: String) {
        self.init(id: id, mailboxID: mailboxID, uid: uid, modSeq: modSeq, flags: flags, internalDate: internalDate,
                  size: size, blobID: blobID, storage: LazySummary(encoded: encodedSummary))
    }

    private init(id: MessageID, mailboxID: MailboxID, uid: MessageUID, modSeq: ModSeq, flags: MessageFlags,
                 internalDate: Date, size: Int, blobID: BlobID, storage: LazySummary) {
        self.id = id
        self.mailboxID = mailboxID
        self.uid = uid
        self.modSeq = modSeq
        self.flags = flags
        self.internalDate = internalDate
        self.size = size
        self.blobID = blobID
        self.summaryStorage = storage
    }
}

/// A ``MessageSummary`` decoded from its JSON on first use, then kept. An undecodable summary
/// (a damaged row) reads as an empty one rather than failing every listing of its folder.
final class LazySummary: Hashable, Sendable {
    private enum State: Sendable {
        case encoded(String)
        case decoded(MessageSummary)
    }

    private let state: Mutex<State>

    init(_ summary: MessageSummary) {
        state = Mutex(.decoded(summary))
    }

    init(encoded: String) {
        state = Mutex(.encoded(encoded))
    }

    var value: MessageSummary {
        state.withLock { state in
            switch state {
            case .decoded(let summary):
                return summary
            case .encoded(let json):
                let summary = (try? JSONDecoder().decode(MessageSummary.self, from: Data(json.utf8)))
                    ?? MessageSummary(subject: "", fromName: nil, fromAddress: nil, to: "", date: nil, preview: "",
                                      hasAttachments: false, messageIDHeader: nil)
                state = .decoded(summary)
                return summary
            }
        }
    }

    static func == (lhs: LazySummary, rhs: LazySummary) -> Bool { lhs === rhs || lhs.value == rhs.value }

    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// What the store keeps about a body besides its bytes, worked out once at delivery.
public struct BlobMetadata: Sendable {
    public var size: Int
    public var summary: MessageSummary
    /// JSON of `MailwardMIME.ParsedMessage` (without search text) for bodies kept as files; nil
    /// for small bodies, which are parsed again when needed: re-parsing a small message is
    /// cheaper than decoding this JSON (`mime-fuzz --bench`), and encoding it was a tenth of a
    /// delivery's CPU.
    public var parsedJSON: Data?

    public init(size: Int, summary: MessageSummary, parsedJSON: Data?) {
        self.size = size
        self.summary = summary
        self.parsedJSON = parsedJSON
    }
}

/// A body the full-text index has not taken in yet (see ``SearchIndexer``).
public struct UnindexedBody: Sendable {
    public var blobID: BlobID
    /// The bytes when kept in the store; nil when they are in the `BlobStore`.
    public var inlineBody: [UInt8]?

    public init(blobID: BlobID, inlineBody: [UInt8]?) {
        self.blobID = blobID
        self.inlineBody = inlineBody
    }
}

/// A copy to insert: where, with which flags and date.
public struct NewMessageCopy: Sendable {
    public var mailboxID: MailboxID
    public var flags: MessageFlags
    public var internalDate: Date

    public init(mailboxID: MailboxID, flags: MessageFlags = [], internalDate: Date) {
        self.mailboxID = mailboxID
        self.flags = flags
        self.internalDate = internalDate
    }
}

/// Source and destination UIDs of a COPY or MOVE (for UIDPLUS COPYUID).
public struct UIDMapping: Hashable, Sendable {
    public var source: MessageUID
    public var destination: MessageUID

    public init(source: MessageUID, destination: MessageUID) {
        self.source = source
        self.destination = destination
    }
}

public struct QuotaUsage: Hashable, Sendable {
    public var usedBytes: Int64
    public var limitBytes: Int64

    public init(usedBytes: Int64, limitBytes: Int64) {
        self.usedBytes = usedBytes
        self.limitBytes = limitBytes
    }

    /// Whether a message of `size` bytes fits: not now when the account must first delete mail
    /// (also for no size at all once the account is at its limit), never when it is larger
    /// than the whole limit.
    public func room(for size: Int64) -> QuotaRoom {
        if size > limitBytes { return .never }
        return usedBytes >= limitBytes || size > limitBytes - usedBytes ? .notNow : .fits
    }
}

/// See ``QuotaUsage/room(for:)``.
public enum QuotaRoom: Sendable, Equatable {
    case fits
    case notNow
    case never
}

/// How a STORE changes flags.
public enum FlagChange: Sendable, Equatable {
    case add(MessageFlags)
    case remove(MessageFlags)
    case replace(MessageFlags)

    public func apply(to flags: MessageFlags) -> MessageFlags {
        switch self {
        case .add(let f): flags.union(f)
        case .remove(let f): flags.subtracting(f)
        case .replace(let f): f
        }
    }
}

/// The outcome of a conditional flag change (CONDSTORE UNCHANGEDSINCE).
public struct FlagUpdateResult: Sendable {
    /// Copies whose flags changed (with their new modseq).
    public var updated: [MessageRecord]
    /// UIDs not changed because they were modified after `unchangedSince`.
    public var modifiedSince: [MessageUID]
    /// Copies that already had the asked-for flags: their state as it stands (IMAP's STORE
    /// reports their MODSEQ under CONDSTORE).
    public var unchanged: [MessageState]

    public init(updated: [MessageRecord], modifiedSince: [MessageUID], unchanged: [MessageState] = []) {
        self.updated = updated
        self.modifiedSince = modifiedSince
        self.unchanged = unchanged
    }
}

/// Errors of mail storage with a meaning for every door.
public enum MailError: Error, Equatable, Sendable, CustomStringConvertible {
    case quotaExceeded(address: String)
    case mailboxExists(String)
    case noSuchMailbox(String)
    case invalidMailboxName(String)
    case cannotDeleteInbox
    /// A folder with child folders cannot be deleted; its children go first.
    case hasChildren(String)
    case noSuchMessage
    /// A message without a single byte (an IMAP APPEND of `{0}`): a message has at least a header.
    case emptyMessage
    /// A folder for this special use exists already: one per account, so the server and every
    /// client agree where Sent copies, drafts and deleted mail go.
    case specialUseTaken(SpecialUse)
    /// The mailbox's messages use ``KeywordLimit/perMailbox`` keywords already.
    case tooManyKeywords

    public var description: String {
        switch self {
        case .quotaExceeded(let a): "mailbox full: \(a) is over its storage quota"
        case .mailboxExists(let n): "mailbox already exists: \(n)"
        case .noSuchMailbox(let n): "no such mailbox: \(n)"
        case .invalidMailboxName(let n): "invalid mailbox name: \(n)"
        case .cannotDeleteInbox: "INBOX cannot be deleted"
        case .hasChildren(let n): "mailbox has child folders: \(n)"
        case .noSuchMessage: "no such message"
        case .emptyMessage: "an empty message cannot be stored"
        case .specialUseTaken(let use): "a \(use.rawValue) folder exists already"
        case .tooManyKeywords: "the mailbox has \(KeywordLimit.perMailbox) keywords already"
        }
    }

    /// What a unique-constraint violation while creating a folder means: the SQL stores keep
    /// one special use per account with a unique index over `special_use` (named so in the
    /// database's message), and names unique with another.
    public static func creatingMailbox(violated constraint: String, name: String, specialUse: SpecialUse?) -> MailError {
        if let specialUse, constraint.contains("special_use") { return .specialUseTaken(specialUse) }
        return .mailboxExists(name)
    }
}
