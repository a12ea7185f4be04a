import Foundation

/// A message handed to outbound delivery (by the submission door, or a bounce).
public struct OutboundMessage: Sendable, Equatable {
    public var id: String
    /// Envelope MAIL FROM, "" for bounces.
    public var sender: String
    public var recipients: [String]
    public var raw: [UInt8]
    public var createdAt: Date

    public init(id: String, sender: String, recipients: [String], raw: [UInt8], createdAt: Date) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.raw = raw
        self.createdAt = createdAt
    }
}

/// Where doors hand messages for delivery. `enqueue` returns only once the message is durable.
public protocol OutboundQueue: Sendable {
    func enqueue(_ message: OutboundMessage) async throws
}
