import Foundation
import MailwardCore
import Synchronization

/// The in-memory twin of `DeliveryQueueStore`.
public final class InMemoryDeliveryQueueStore: DeliveryQueueStore {
    private struct State {
        var messages: [String: QueuedMessage] = [:]
        var nextRecipientID: Int64 = 1
        /// Bodies enqueued as `.inline`, by blob (kept while a message refers to them).
        var bodies: [BlobID: [UInt8]] = [:]
        /// Recipients a worker claimed and recorded no outcome for yet, with the claim's end.
        var claims: [Int64: Date] = [:]
        /// Outside recipients per account and minute (`SendingLimits`).
        var sending: [AccountID: [Int64: Int]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func enqueue(id: String, sender: String, recipients: [String], createdAt: Date, blobID: BlobID,
                        metadata: BlobMetadata, body: BodyPlacement, localFolder: SpecialUse?,
                        notifications: DeliveryNotifications?) async throws {
        if case .blobStore(let ensure) = body { try ensure() }
        try state.withLock { s in
            guard s.messages[id] == nil else { throw StoreError.duplicate("outbound message \(id)") }
            if case .inline(let bytes) = body { s.bodies[blobID] = bytes }
            var rows: [QueuedRecipient] = []
            for address in recipients {
                rows.append(QueuedRecipient(id: s.nextRecipientID, address: address, domain: QueuedRecipient.domain(of: address),
                                            state: .pending, attempts: 0, nextAttemptAt: createdAt, lastError: nil))
                s.nextRecipientID += 1
            }
            s.messages[id] = QueuedMessage(id: id, sender: sender, blobID: blobID, size: metadata.size,
                                           createdAt: createdAt, recipients: rows, localFolder: localFolder,
                                           notifications: notifications)
        }
    }

    public func claimDue(now: Date, lease: TimeInterval, limit: Int) async throws -> [QueuedMessage] {
        state.withLock { s in
            func due(_ r: QueuedRecipient) -> Bool { r.state == .pending && r.nextAttemptAt <= now }
            let candidates = s.messages.values
                .compactMap { m -> (Date, String)? in m.recipients.filter(due).map(\.nextAttemptAt).min().map { ($0, m.id) } }
                .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                .prefix(max(0, limit))
            var claimed: [QueuedMessage] = []
            for (_, id) in candidates {
                guard var message = s.messages[id] else { continue }
                var copy = message
                copy.recipients = message.recipients.filter(due)
                for index in message.recipients.indices where due(message.recipients[index]) {
                    message.recipients[index].nextAttemptAt = now.addingTimeInterval(lease)
                    s.claims[message.recipients[index].id] = now.addingTimeInterval(lease)
                }
                s.messages[id] = message
                claimed.append(copy)
            }
            return claimed
        }
    }

    public func record(messageID: String, recipientIDs: [Int64], outcome: DeliveryOutcome, at now: Date) async throws {
        state.withLock { s in
            guard var message = s.messages[messageID] else { return }
            let ids = Set(recipientIDs)
            for index in message.recipients.indices where ids.contains(message.recipients[index].id)
                && message.recipients[index].state == .pending {
                s.claims[message.recipients[index].id] = nil
                message.recipients[index].attempts += 1
                switch outcome {
                case .delivered(let detail):
                    message.recipients[index].state = .delivered
                    message.recipients[index].lastError = detail
                case .deferred(let error, let next):
                    message.recipients[index].lastError = error
                    message.recipients[index].nextAttemptAt = next
                case .failed(let error):
                    message.recipients[index].state = .failed
                    message.recipients[index].lastError = error
                }
            }
            s.messages[messageID] = message.pendingRecipients.isEmpty ? nil : message
        }
    }

    public func markDelayNotified(messageID: String, recipientIDs: [Int64]) async throws {
        state.withLock { s in
            let ids = Set(recipientIDs)
            guard var message = s.messages[messageID] else { return }
            for index in message.recipients.indices where ids.contains(message.recipients[index].id) {
                message.recipients[index].delayNotified = true
            }
            s.messages[messageID] = message
        }
    }

    public func allMessages() async throws -> [QueuedMessage] {
        state.withLock { s in
            s.messages.values.sorted { $0.createdAt != $1.createdAt ? $0.createdAt < $1.createdAt : $0.id < $1.id }
                .map { Self.withClaims($0, s.claims) }
        }
    }

    public func message(id: String) async throws -> QueuedMessage? {
        state.withLock { s in s.messages[id].map { Self.withClaims($0, s.claims) } }
    }

    /// The message as the stores read it: each recipient with its claim, if any.
    private static func withClaims(_ message: QueuedMessage, _ claims: [Int64: Date]) -> QueuedMessage {
        var message = message
        for index in message.recipients.indices { message.recipients[index].claimedUntil = claims[message.recipients[index].id] }
        return message
    }

    @discardableResult
    public func retryNow(id: String?, now: Date) async throws -> Int {
        state.withLock { s in
            var changed = 0
            for key in s.messages.keys where id == nil || key == id {
                for index in s.messages[key]!.recipients.indices where s.messages[key]!.recipients[index].state == .pending {
                    if let until = s.claims[s.messages[key]!.recipients[index].id], until > now { continue }
                    s.messages[key]!.recipients[index].nextAttemptAt = now
                    changed += 1
                }
            }
            return changed
        }
    }

    public func releaseClaims(now: Date) async throws -> Int {
        state.withLock { s in
            var released = 0
            for key in s.messages.keys {
                for index in s.messages[key]!.recipients.indices where s.messages[key]!.recipients[index].state == .pending {
                    guard s.claims.removeValue(forKey: s.messages[key]!.recipients[index].id) != nil else { continue }
                    s.messages[key]!.recipients[index].nextAttemptAt = now
                    released += 1
                }
            }
            return released
        }
    }

    @discardableResult
    public func inlineBody(blobID: BlobID) async throws -> [UInt8]? {
        state.withLock { s in s.messages.values.contains { $0.blobID == blobID } ? s.bodies[blobID] : nil }
    }

    public func delete(id: String) async throws -> Bool {
        state.withLock { $0.messages.removeValue(forKey: id) != nil }
    }

    public func backlog() async throws -> QueueBacklog {
        state.withLock { s in
            let waiting = s.messages.values.filter { !$0.pendingRecipients.isEmpty }
            return QueueBacklog(messages: waiting.count, recipients: waiting.map(\.pendingRecipients.count).reduce(0, +),
                                oldestQueuedAt: waiting.map(\.createdAt).min())
        }
    }

    public func nextAttemptDate() async throws -> Date? {
        state.withLock { s in s.messages.values.flatMap(\.pendingRecipients).map(\.nextAttemptAt).min() }
    }

    public func takeSending(accountID: AccountID, recipients: Int, now: Date,
                            verdict: @escaping @Sendable ([SendingCount]) -> SendingVerdict) async throws -> SendingVerdict {
        let minute = SendingCount.minute(of: now)
        return state.withLock { s in
            var counts = s.sending[accountID, default: [:]].filter { $0.key > minute - 1_440 }
            let answer = verdict(counts.map { SendingCount(minute: $0.key, recipients: $0.value) }.sorted { $0.minute < $1.minute })
            if answer == .allowed { counts[minute, default: 0] += recipients }
            s.sending[accountID] = counts
            return answer
        }
    }

    public func sendingCounts(accountID: AccountID, since minute: Int64) async throws -> [SendingCount] {
        state.withLock { s in
            s.sending[accountID, default: [:]].filter { $0.key >= minute }.map { SendingCount(minute: $0.key, recipients: $0.value) }
                .sorted { $0.minute < $1.minute }
        }
    }
}
