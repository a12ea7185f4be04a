import Foundation
import MailwardCore

/// The `OutboundQueue` doors hand messages to: the body goes to the blob store once (fsynced),
/// the envelope and recipients into the `DeliveryQueueStore` in one transaction; only then does
/// `enqueue` return. Wakes the worker.
public struct DeliveryQueue: OutboundQueue {
    public let store: any DeliveryQueueStore
    public let blobs: any BlobStore
    public let wakeUp: DeliveryWakeUp

    public init(store: any DeliveryQueueStore, blobs: any BlobStore, wakeUp: DeliveryWakeUp = DeliveryWakeUp()) {
        self.store = store
        self.blobs = blobs
        self.wakeUp = wakeUp
    }

    public func enqueue(_ message: OutboundMessage) async throws {
        guard !message.recipients.isEmpty else { return }
        let raw = message.raw
        let metadata = try MailService.metadata(of: raw, cachingParse: true)
        let blobID = try await blobs.put(raw)
        let blobs = self.blobs
        try await store.enqueue(id: message.id, sender: message.sender, recipients: message.recipients,
                                createdAt: message.createdAt, blobID: blobID, metadata: metadata) {
            try blobs.ensure(blobID, bytes: raw)
        }
        wakeUp.signal()
    }
}
