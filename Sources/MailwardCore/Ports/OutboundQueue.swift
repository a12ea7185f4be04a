import Foundation

/// A message handed to outbound delivery (by the submission door, or a bounce).
public struct OutboundMessage: Sendable, Equatable {
    /// The queue id, which logs, `Received:` and `mailward queue` name the message by (``newID()``).
    public var id: String
    /// Envelope MAIL FROM, "" for bounces.
    public var sender: String
    public var recipients: [String]
    public var raw: [UInt8]
    public var createdAt: Date
    /// Where a copy for a local recipient goes when the queue delivers it (nil: INBOX) — a
    /// message the MX door's filters put in Junk, whose recipient's mailbox was full on arrival.
    public var localFolder: SpecialUse?
    /// Whether the queue signs it with its `From:` domain's DKIM key: mail this server's users
    /// and the server itself write. Not mail that came in from elsewhere and only waits for a
    /// full local mailbox — a `From:` naming a local domain there is the sender's claim, which
    /// our signature must not vouch for.
    public var signs: Bool
    /// What the sender asked to be told about the delivery (SMTP's DSN extension); nil: nothing.
    public var notifications: DeliveryNotifications?

    public init(id: String, sender: String, recipients: [String], raw: [UInt8], createdAt: Date, localFolder: SpecialUse? = nil,
                signs: Bool = true, notifications: DeliveryNotifications? = nil) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.raw = raw
        self.createdAt = createdAt
        self.localFolder = localFolder
        self.signs = signs
        self.notifications = notifications.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new queue id: twelve characters of an unambiguous alphabet (no I or O), the digits of one
    /// random 64-bit number in base 34 (34¹² < 2⁶⁴; one `getrandom` instead of twelve).
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        var value = generator.next() as UInt64
        let alphabet = idAlphabet
        let base = UInt64(alphabet.count)
        var characters = [UInt8](repeating: 0, count: 12)
        for index in characters.indices {
            characters[index] = alphabet[Int(value % base)]
            value /= base
        }
        return String(decoding: characters, as: UTF8.self)
    }

    private static let idAlphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
}

/// Where doors hand messages for delivery. `enqueue` returns only once the message is durable.
public protocol OutboundQueue: Sendable {
    func enqueue(_ message: OutboundMessage) async throws
    /// Tells `message`'s sender that its recipients — local ones who asked for it
    /// (`NOTIFY=SUCCESS`, in `message.notifications`) — got the message: a "delivered" report
    /// (RFC 3464), queued.
    func reportDelivered(_ message: OutboundMessage, reportingMTA: String) async throws
}
