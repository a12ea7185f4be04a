import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME

/// Orders messages for SORT (RFC 5256 §3, RFC 5957): each message's values for the requested
/// keys are read once from its record and header fields, then compared key by key; messages
/// equal under every key keep their order in the mailbox (ascending sequence numbers — REVERSE
/// turns only its own key around).
struct SortOrder {
    let criteria: [SortCriterion]

    /// One message's value for one key. Text is compared with `i;ascii-casemap` (RFC 5256 §3):
    /// ASCII letters in upper case, then byte by byte (UTF-8).
    enum Value: Comparable {
        case date(Date)
        case number(Int)
        case text([UInt8])

        static func < (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.date(let x), .date(let y)): return x < y
            case (.number(let x), .number(let y)): return x < y
            case (.text(let x), .text(let y)): return x.lexicographicallyPrecedes(y)
            default: return false
            }
        }
    }

    /// Whether any key needs the header fields (ARRIVAL and SIZE come from the record).
    var needsHeaders: Bool {
        criteria.contains { $0.key != .arrival && $0.key != .size }
    }

    /// The message's values for ``criteria``, in their order.
    func values(_ record: MessageRecord, headers: [HeaderField]?) -> [Value] {
        criteria.map { Self.value(of: $0.key, record: record, headers: headers) }
    }

    static func value(of key: SortKey, record: MessageRecord, headers: [HeaderField]?) -> Value {
        switch key {
        case .arrival: return .date(record.internalDate)
        case .size: return .number(record.size)
        case .date: return .date(sentDate(record, headers: headers))
        case .subject: return text(BaseSubject.of(headers?.first(named: "Subject") ?? ""))
        case .from: return text(firstMailbox(headers?.first(named: "From")))
        case .to: return text(firstMailbox(headers?.first(named: "To")))
        case .cc: return text(firstMailbox(headers?.first(named: "Cc")))
        case .displayFrom: return text(display(headers?.first(named: "From")))
        case .displayTo: return text(display(headers?.first(named: "To")))
        }
    }

    /// The "sent date" of RFC 5256 §2.2: the Date: field (in UTC), or the arrival time when it is
    /// missing or unreadable (SORT's DATE and THREAD's orders).
    static func sentDate(_ record: MessageRecord, headers: [HeaderField]?) -> Date {
        headers?.first(named: "Date").flatMap(MailDate.parse) ?? record.internalDate
    }

    /// `addr-mailbox` (the local part) of the field's first address (RFC 5256 §3 FROM/TO/CC).
    private static func firstMailbox(_ field: String?) -> String {
        EnvelopeAddress.list(from: field).first { $0.host != nil }?.mailbox ?? ""
    }

    /// The first address's display name, decoded, or else its address (RFC 5957 §3).
    private static func display(_ field: String?) -> String {
        guard let field, let first = AddressParser.parse(field).first else { return "" }
        return first.displayName ?? first.address
    }

    private static func text(_ s: String) -> Value {
        .text(s.utf8.map { (0x61...0x7A).contains($0) ? $0 - 0x20 : $0 })
    }

    /// `items` (value arrays from ``values(_:headers:)`` with each message's sequence number)
    /// in SORT's order.
    func sorted<T>(_ items: [(values: [Value], sequence: UInt32, item: T)]) -> [T] {
        items.sorted { a, b in
            for (index, criterion) in criteria.enumerated() {
                let x = a.values[index], y = b.values[index]
                if x == y { continue }
                return criterion.reverse ? y < x : x < y
            }
            return a.sequence < b.sequence
        }.map(\.item)
    }
}
