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
        /// `ORCPT=`, decoded: the address type and the address the sender first wrote, as
        /// `rfc822;alice@example.com`.
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

    /// Only the recipients in `addresses` (what a copy queued for some of them keeps).
    public func limited(to addresses: [String]) -> DeliveryNotifications {
        let keys = Set(addresses.map(Self.key))
        return DeliveryNotifications(envelopeID: envelopeID, returned: returned,
                                     recipients: recipients.filter { keys.contains($0.key) })
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

/// RFC 3461 §4 `xtext`: printable ASCII but `+` and `=`, which, with everything else, are
/// written `+XX` (two upper-case hex digits). `ENVID=` and `ORCPT=` travel in it.
public enum XText {
    /// The decoded text; nil for malformed xtext (a byte outside `!`…`~`, `=`, or a `+` not
    /// followed by two upper-case hex digits).
    public static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "="):
                return nil
            case 0x21...0x7E:
                bytes.append(byte)
            default:
                return nil
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `text` as xtext.
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (0x21...0x7E).contains(byte), byte != UInt8(ascii: "+"), byte != UInt8(ascii: "=") {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "+" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
