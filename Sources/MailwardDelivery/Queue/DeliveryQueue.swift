import Foundation
import MailwardCore
import MailwardMIME

/// The `OutboundQueue` doors hand messages to: the body goes to the blob store once (fsynced) —
/// or, up to `inlineBodyLimit`, into the store with the rows — and the envelope and recipients
/// into the `DeliveryQueueStore` in one transaction; only then does `enqueue` return. Wakes the
/// worker.
public struct DeliveryQueue: OutboundQueue {
    public let store: any DeliveryQueueStore
    public let blobs: any BlobStore
    public let wakeUp: DeliveryWakeUp
    /// Bodies up to this size live in the store (PostgreSQL keeps every one there, so a worker
    /// on any node can send it); larger ones, and all with the default 0, in the `BlobStore`.
    public let inlineBodyLimit: Int
    /// Signs what leaves for the domains that have a DKIM key (SPEC M9), once, as it is queued.
    public let signer: DKIMSigner?

    public init(store: any DeliveryQueueStore, blobs: any BlobStore, wakeUp: DeliveryWakeUp = DeliveryWakeUp(),
                inlineBodyLimit: Int = 0, signer: DKIMSigner? = nil) {
        self.store = store
        self.blobs = blobs
        self.wakeUp = wakeUp
        self.inlineBodyLimit = inlineBodyLimit
        self.signer = signer
    }

    public func enqueue(_ message: OutboundMessage) async throws {
        guard !message.recipients.isEmpty else { return }
        // This server's own mail leaves with lines of at most 998 octets, broken before the
        // signature so that it holds; what only waits here for a full local mailbox stays as it came.
        var raw = message.raw
        if message.signs {
            raw = LongLines.folded(raw)
            raw = try signer?.sign(raw, at: message.createdAt) ?? raw
        }
        let metadata = try MailService.metadata(of: raw, cachingParse: true)
        let (blobID, body) = try await BodyPlacement.choose(for: raw, inlineLimit: inlineBodyLimit, blobs: blobs)
        try await store.enqueue(id: message.id, sender: message.sender, recipients: message.recipients,
                                createdAt: message.createdAt, blobID: blobID, metadata: metadata, body: body,
                                localFolder: message.localFolder, notifications: message.notifications)
        wakeUp.signal()
    }

    /// Queues a report (RFC 3464) about a message to its sender: a bounce, a delay notice, or the
    /// "delivered"/"relayed" report a sender asked for with `NOTIFY=SUCCESS`. Never to a null
    /// sender (a bounce is not bounced, a report not reported). `id` is made from what is
    /// reported, so the same report made again after a crash is refused as a duplicate instead
    /// of sent twice.
    public func report(_ action: DeliveryStatusNotification.Action, id: String, sender: String, raw: [UInt8], originalID: String,
                       arrivalDate: Date, entries: [DeliveryStatusNotification.Failure], notifications: DeliveryNotifications?,
                       reportingMTA: String, now: Date) async throws {
        guard !sender.isEmpty, !entries.isEmpty else { return }
        let report = DeliveryStatusNotification.build(
            reportingMTA: reportingMTA, originalSender: sender, originalMessage: raw, originalID: originalID, failures: entries,
            arrivalDate: arrivalDate, now: now, action: action, notifications: notifications)
        do {
            try await enqueue(OutboundMessage(id: id, sender: "", recipients: [sender], raw: report, createdAt: now))
        } catch StoreError.duplicate {
        }
    }

    /// Local recipients who asked `NOTIFY=SUCCESS` got the message at a door: their sender's
    /// "delivered" report.
    public func reportDelivered(_ message: OutboundMessage, reportingMTA: String) async throws {
        let delivered = RecipientVerdict(kind: .accepted, status: "2.0.0", diagnostic: "x-local; delivered to the mailbox", remoteMTA: nil)
        try await report(.delivered, id: "dsn-ok-\(message.id)", sender: message.sender, raw: message.raw, originalID: message.id,
                         arrivalDate: message.createdAt, entries: message.recipients.map { .init(recipient: $0, verdict: delivered) },
                         notifications: message.notifications, reportingMTA: reportingMTA, now: message.createdAt)
    }

    /// A queued message's bytes, from the store or the blob store.
    public func body(of message: QueuedMessage) async throws -> [UInt8] {
        if let inline = try await store.inlineBody(blobID: message.blobID) { return inline }
        return try await blobs.get(message.blobID)
    }
}
