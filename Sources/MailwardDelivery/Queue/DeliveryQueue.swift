import Foundation
import MailwardCore

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
        let raw = message.signs ? try signer?.sign(message.raw, at: message.createdAt) ?? message.raw : message.raw
        let metadata = try MailService.metadata(of: raw, cachingParse: true)
        let (blobID, body) = try await BodyPlacement.choose(for: raw, inlineLimit: inlineBodyLimit, blobs: blobs)
        try await store.enqueue(id: message.id, sender: message.sender, recipients: message.recipients,
                                createdAt: message.createdAt, blobID: blobID, metadata: metadata, body: body,
                                localFolder: message.localFolder)
        wakeUp.signal()
    }

    /// A queued message's bytes, from the store or the blob store.
    public func body(of message: QueuedMessage) async throws -> [UInt8] {
        if let inline = try await store.inlineBody(blobID: message.blobID) { return inline }
        return try await blobs.get(message.blobID)
    }
}
