import Foundation

/// A message accepted for delivery to remote recipients (submission → outbound queue).
public struct OutboundMessage: Sendable, Hashable {
    /// Unique id of the queued message (also shown to the submitting client).
    public var id: String
    /// The envelope sender (MAIL FROM); empty for the null reverse-path.
    public var sender: String
    /// Remote recipients (RCPT TO forward-paths), each `local@domain`.
    public var recipients: [String]
    /// The message as it goes out, trace headers included.
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

/// The port the submission door hands mail for remote recipients to. `enqueue` returns only
/// once the message is durably queued (the door answers 250 after it).
public protocol OutboundQueue: Sendable {
    func enqueue(_ message: OutboundMessage) async throws
}
