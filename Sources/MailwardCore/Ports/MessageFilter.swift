import Foundation

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
}

/// Every configured filter in order, for one message: the first refusal (for good or for now)
/// decides; junk verdicts add up (their headers together). A filter that cannot be asked makes
/// the message wait (`failOpen` false: 4xx, the sender retries later — nothing unchecked gets
/// in) or pass unchecked (`failOpen` true), and is reported through `onFailure`.
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
        var junkHeaders: [String] = []
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
            case .junk(let headers, let reason):
                junkHeaders += headers
                junkReasons.append(reason)
            }
        }
        return junkReasons.isEmpty ? .accept : .junk(headers: junkHeaders, reason: junkReasons.joined(separator: "; "))
    }
}
