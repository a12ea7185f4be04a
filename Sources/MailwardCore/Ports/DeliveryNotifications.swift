import Foundation

/// What the sender of a message asked to be told about its delivery: SMTP's DSN extension
/// (RFC 3461), as a client requests it with `MAIL … RET= ENVID=` and `RCPT … NOTIFY= ORCPT=`
/// (Outlook's and Thunderbird's "delivery receipt" asks `NOTIFY=SUCCESS,FAILURE`).
///
/// Kept with a queued message so that the queue's worker honours it: no bounce for a recipient
/// that asked `NEVER` or did not ask for failures, no delay notice unless delays were asked for
/// (or nothing was said), a "delivered" or "relayed" report for one that asked for successes, the
/// whole message or only its headers in a bounce (`RET`), and the sender's own envelope id and
/// original recipient addresses in every report (RFC 3464 §2.2.1, §2.3.1). A next hop that speaks
/// DSN itself is handed the request instead (RFC 3461 §5.2.2).
public struct DeliveryNotifications: Sendable, Equatable, Codable {
    /// The events a recipient's `NOTIFY=` names.
    public enum Event: String, Sendable, Equatable, Codable, CaseIterable {
        case success, failure, delay
    }

    /// `RET=`: what of the message a failure report carries.
    public enum Returned: String, Sendable, Equatable, Codable {
        case full, headers
    }

    /// One recipient's request.
    public struct Recipient: Sendable, Equatable, Codable {
        /// The events to report; nil when the client did not say (failures and delays, as for
        /// any message), empty for `NEVER`.
        public var notify: Set<Event>?
        /// `ORCPT=`, decoded from its xtext (the SMTP codec's `SMTPXText`): the address type and
        /// the address the sender first wrote, as `rfc822;alice@example.com`.
        public var originalRecipient: String?

        public init(notify: Set<Event>? = nil, originalRecipient: String? = nil) {
            self.notify = notify
            self.originalRecipient = originalRecipient
        }
    }

    /// `ENVID=`, decoded: the sender's own name for the transaction, echoed in every report.
    public var envelopeID: String?
    public var returned: Returned?
    /// By recipient address, lowercased (``key(_:)``); a recipient not here asked nothing.
    public var recipients: [String: Recipient]

    public init(envelopeID: String? = nil, returned: Returned? = nil, recipients: [String: Recipient] = [:]) {
        self.envelopeID = envelopeID
        self.returned = returned
        self.recipients = recipients
    }

    /// Nothing asked: the message is handled as any other.
    public var isEmpty: Bool {
        envelopeID == nil && returned == nil && recipients.values.allSatisfy { $0.notify == nil && $0.originalRecipient == nil }
    }

    public static func key(_ address: String) -> String { address.lowercased() }

    public func recipient(_ address: String) -> Recipient? { recipients[Self.key(address)] }

    /// Whether the sender is to be told of `event` for this recipient. Without a `NOTIFY=` a
    /// failure and a delay are reported and a success is not (RFC 3461 §4.1).
    public func reports(_ event: Event, for address: String) -> Bool {
        guard let notify = recipient(address)?.notify else { return event != .success }
        return notify.contains(event)
    }

    /// The same rule for a message queued without any request.
    public static func reports(_ event: Event, for address: String, in notifications: DeliveryNotifications?) -> Bool {
        notifications?.reports(event, for: address) ?? (event != .success)
    }

    /// The request as the outbound queue keeps it for the copies queued to `addresses`. A full
    /// local mailbox's copy is queued under the account's own address, not the one the sender
    /// wrote (an alias, another spelling): `renamed` pairs them, and the entry made for the
    /// written address goes with the copy.
    public func queued(for addresses: [String], renamed: [(written: String, own: String)] = []) -> DeliveryNotifications {
        var request = DeliveryNotifications(envelopeID: envelopeID, returned: returned)
        for (written, own) in renamed {
            if let asked = recipient(written) { request.recipients[Self.key(own)] = asked }
        }
        for address in addresses where request.recipients[Self.key(address)] == nil {
            request.recipients[Self.key(address)] = recipient(address)
        }
        return request
    }

    // MARK: Stored form

    /// The JSON a store keeps.
    public var storedJSON: String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A stored request; nil for none (or text this version cannot read: the message is then
    /// handled as one without a request rather than held up).
    public static func stored(_ json: String?) -> DeliveryNotifications? {
        guard let json, !json.isEmpty else { return nil }
        return try? JSONDecoder().decode(DeliveryNotifications.self, from: Data(json.utf8))
    }
}
