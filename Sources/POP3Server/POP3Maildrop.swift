import MailwardCore

/// The messages a POP3 session works on: the account's INBOX as it was at login (RFC 1939 §4:
/// message numbers never change during a session), plus the session's deletion marks.
public struct POP3Maildrop: Hashable, Sendable {
    /// A message's UID and the size LIST and STAT report (the stored octets), as the store lists them.
    public typealias Message = MessageSize

    public var mailboxID: MailboxID
    public var uidValidity: UInt32
    /// Message number `n` is `messages[n - 1]`.
    public var messages: [Message]
    /// Indexes into `messages` marked by DELE (only removed in the UPDATE state).
    public private(set) var deleted: Set<Int> = []
    /// Opened with a read-only client-specific password (SPEC B4): DELE is refused and RETR
    /// leaves messages unread.
    public var readOnly: Bool

    public init(mailboxID: MailboxID, uidValidity: UInt32, messages: [Message], readOnly: Bool = false) {
        self.mailboxID = mailboxID
        self.uidValidity = uidValidity
        self.messages = messages
        self.readOnly = readOnly
    }

    /// The UIDL of a message: stable across sessions because UIDVALIDITY and UID are.
    public func uniqueID(of message: Message) -> String {
        "\(uidValidity).\(message.uid)"
    }

    public enum Lookup: Equatable, Sendable {
        case found(Message)
        case noSuchMessage
        case deleted
    }

    /// Message number `number` (1-based), unless it does not exist or is marked deleted.
    public func message(_ number: Int) -> Lookup {
        guard number >= 1, number <= messages.count else { return .noSuchMessage }
        return deleted.contains(number - 1) ? .deleted : .found(messages[number - 1])
    }

    /// Messages not marked deleted, with their numbers.
    public var live: [(number: Int, message: Message)] {
        messages.enumerated().compactMap { deleted.contains($0.offset) ? nil : ($0.offset + 1, $0.element) }
    }

    public var liveCount: Int { messages.count - deleted.count }
    public var liveSize: Int { live.reduce(0) { $0 + $1.message.size } }

    mutating func markDeleted(_ number: Int) {
        deleted.insert(number - 1)
    }

    mutating func unmarkAll() {
        deleted.removeAll()
    }

    /// UIDs to remove in the UPDATE state, in message order.
    public var deletedUIDs: [MessageUID] {
        deleted.sorted().map { messages[$0].uid }
    }
}
