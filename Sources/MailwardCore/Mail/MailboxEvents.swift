import Foundation
import Synchronization

/// What changed in a mailbox; sessions re-read the mailbox's state when told.
public enum MailboxChange: Sendable, Equatable {
    case appended([MessageUID])
    case flagsChanged([MessageUID])
    case expunged([MessageUID])
    case renamed
    case deleted
}

/// In-process change notifications per mailbox, so IMAP IDLE and the webmail wake up when a
/// delivery or another session changes a mailbox. Published by `MailService` after each commit.
public final class MailboxEvents: Sendable {
    private struct Subscriber {
        var mailboxID: MailboxID
        var continuation: AsyncStream<MailboxChange>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])

    public init() {}

    /// A stream of changes to one mailbox, ending when the consumer stops iterating.
    public func subscribe(_ mailboxID: MailboxID) -> AsyncStream<MailboxChange> {
        let (stream, continuation) = AsyncStream<MailboxChange>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let key = UUID()
        subscribers.withLock { $0[key] = Subscriber(mailboxID: mailboxID, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: key) }
        }
        return stream
    }

    public func publish(_ change: MailboxChange, in mailboxID: MailboxID) {
        let targets = subscribers.withLock { $0.values.filter { $0.mailboxID == mailboxID }.map(\.continuation) }
        for continuation in targets { continuation.yield(change) }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
