import Foundation
import MailwardMIME

/// The SMTP envelope of an incoming message, as a content filter wants it.
public struct FilterEnvelope: Sendable {
    public var remoteIP: String
    public var helo: String
    public var sender: String
    public var recipients: [String]
    public var queueID: String

    public init(remoteIP: String, helo: String, sender: String, recipients: [String], queueID: String) {
        self.remoteIP = remoteIP
        self.helo = helo
        self.sender = sender
        self.recipients = recipients
        self.queueID = queueID
    }
}

/// What a content filter says of a message.
public enum FilterVerdict: Sendable, Equatable {
    case accept
    /// Deliver as usual, with `headers` added on top (`Authentication-Results` and the like).
    case annotate(headers: [String])
    /// Deliver, but into the recipients' Junk folder, with `headers` added on top.
    case junk(headers: [String], reason: String)
    /// Refuse for good (a virus, certain spam): the sender gets a 5xx.
    case reject(reason: String)
    /// Not now (rspamd's soft reject or greylisting): the sender gets a 4xx and tries again.
    case deferred(reason: String)
}

/// The port for content filters on incoming mail (SPEC M9): a virus scanner (clamd), a spam
/// filter (rspamd). Throws when the filter cannot be asked (not running, timed out, nonsense).
public protocol MessageFilter: Sendable {
    /// For logs: `clamd`, `rspamd`.
    var name: String { get }
    func check(_ raw: [UInt8], envelope: FilterEnvelope) async throws -> FilterVerdict
    /// Whether an incoming header field is one this filter writes — a sender who sets it
    /// forges the filter's verdict, so it is removed before delivery.
    func claimsField(named name: String, value: String) -> Bool
}

extension MessageFilter {
    public func claimsField(named name: String, value: String) -> Bool { false }
}

/// Every configured filter in order, for one message: the first refusal (for good or for now)
/// decides; junk verdicts and annotations add up (their headers together, in filter order). A
/// filter that cannot be asked makes the message wait (`failOpen` false: 4xx, the sender retries
/// later — nothing unchecked gets in) or pass unchecked (`failOpen` true), and is reported
/// through `onFailure`.
public struct MessageFilters: Sendable {
    public let filters: [any MessageFilter]
    public let failOpen: Bool
    let onFailure: @Sendable (String, any Error) -> Void

    public init(_ filters: [any MessageFilter], failOpen: Bool = false,
                onFailure: @escaping @Sendable (String, any Error) -> Void = { _, _ in }) {
        self.filters = filters
        self.failOpen = failOpen
        self.onFailure = onFailure
    }

    public func check(_ raw: [UInt8], envelope: FilterEnvelope) async -> FilterVerdict {
        var headers: [String] = []
        var junkReasons: [String] = []
        for filter in filters {
            let verdict: FilterVerdict
            do {
                verdict = try await filter.check(raw, envelope: envelope)
            } catch {
                onFailure(filter.name, error)
                if failOpen { continue }
                return .deferred(reason: "content check unavailable, try again later")
            }
            switch verdict {
            case .accept: continue
            case .reject, .deferred: return verdict
            case .annotate(let added):
                headers += added
            case .junk(let added, let reason):
                headers += added
                junkReasons.append(reason)
            }
        }
        if !junkReasons.isEmpty { return .junk(headers: headers, reason: junkReasons.joined(separator: "; ")) }
        return headers.isEmpty ? .accept : .annotate(headers: headers)
    }

    /// `raw` without the header fields a filter claims as its own (forged verdicts).
    public func removingClaimedFields(from raw: [UInt8]) -> [UInt8] {
        HeaderEditor.removingFields(in: raw) { name, value in
            filters.contains { $0.claimsField(named: name, value: value) }
        }
    }
}
