import Foundation
import Synchronization

/// What changed in a mailbox; sessions re-read the mailbox's state when told.
public enum MailboxChange: Sendable, Equatable {
    case appended([MessageUID])
    case flagsChanged([MessageUID])
    case expunged([MessageUID])
    case renamed
    case deleted
    /// Who may see the mailbox changed: its owner changed or revoked a share. Sessions showing it
    /// to a grantee (IMAP IDLE, the webmail) ask again at once.
    case accessChanged
    /// Changes may have been missed (the notifications from other nodes were interrupted):
    /// sessions re-read the mailbox as for any change.
    case mayHaveChanged
}

/// In-process change notifications per mailbox, so IMAP IDLE and the webmail wake up when a
/// delivery or another session changes a mailbox. Published by `MailService` after each commit.
///
/// Observers are kept per mailbox, so a publish costs what that mailbox's watchers cost, not
/// what thousands of idle sessions on other mailboxes would.
public final class MailboxEvents: Sendable {
    public typealias Handler = @Sendable (MailboxChange) -> Void

    private struct Registry {
        var byMailbox: [MailboxID: [UInt64: Handler]] = [:]
        var nextKey: UInt64 = 0
        var count = 0
    }

    private let registry = Mutex(Registry())

    public init() {}

    /// Calls `handler` (on the publisher's thread, so it must be quick: wake something up) for
    /// every change to one mailbox until the returned observation is cancelled or released.
    public func observe(_ mailboxID: MailboxID, _ handler: @escaping Handler) -> MailboxObservation {
        let key = registry.withLock { r -> UInt64 in
            r.nextKey += 1
            r.byMailbox[mailboxID, default: [:]][r.nextKey] = handler
            r.count += 1
            return r.nextKey
        }
        return MailboxObservation { [weak self] in self?.remove(key, from: mailboxID) }
    }

    /// A stream of changes to one mailbox, ending when the consumer stops iterating.
    public func subscribe(_ mailboxID: MailboxID) -> AsyncStream<MailboxChange> {
        let (stream, continuation) = AsyncStream<MailboxChange>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let observation = observe(mailboxID) { continuation.yield($0) }
        continuation.onTermination = { _ in observation.cancel() }
        return stream
    }

    public func publish(_ change: MailboxChange, in mailboxID: MailboxID) {
        let handlers = registry.withLock { r in r.byMailbox[mailboxID].map { Array($0.values) } ?? [] }
        for handler in handlers { handler(change) }
    }

    /// `change` to every mailbox someone watches (after changes may have gone unannounced).
    public func publishToEveryWatchedMailbox(_ change: MailboxChange) {
        let watched = registry.withLock { Array($0.byMailbox.keys) }
        for mailboxID in watched { publish(change, in: mailboxID) }
    }

    public var subscriberCount: Int { registry.withLock { $0.count } }

    private func remove(_ key: UInt64, from mailboxID: MailboxID) {
        registry.withLock { r in
            guard r.byMailbox[mailboxID]?.removeValue(forKey: key) != nil else { return }
            r.count -= 1
            if r.byMailbox[mailboxID]?.isEmpty == true { r.byMailbox[mailboxID] = nil }
        }
    }
}

/// A registration with ``MailboxEvents``; ends at ``cancel()`` or when released.
public final class MailboxObservation: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    public func cancel() {
        let action = onCancel.withLock { action -> (@Sendable () -> Void)? in
            defer { action = nil }
            return action
        }
        action?()
    }

    deinit { cancel() }
}
