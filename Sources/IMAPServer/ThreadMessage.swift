import Foundation
import MailwardCore
import MailwardMIME

/// What THREAD (RFC 5256) reads of one matching message: the number the response names, its
/// sent date and base subject, and the Message-IDs that place it in a conversation.
struct ThreadMessage {
    /// The UID or the sequence number, as the command asked.
    var number: UInt32
    /// The message's place in the mailbox: equal sent dates keep this order (RFC 5256 §2.2).
    var sequence: UInt32
    var sentDate: Date
    /// The base subject (RFC 5256 §2.1), lower-cased: subjects are compared ignoring case.
    var subject: String
    /// Whether the subject had a `Re:` / `Fwd:` leader, a `(fwd)` trailer or a `[Fwd: …]` wrapper.
    var isReplyOrForward: Bool
    /// Its own Message-ID, when it has a valid one.
    var messageID: String?
    /// Its ancestors, oldest first: the `References:` Message-IDs, or else the first valid one
    /// of `In-Reply-To:` (RFC 5256 §3, REFERENCES).
    var references: [String]

    /// The references kept per message: the nearest ancestors, as a MUA truncating a long
    /// `References:` keeps them. Bounds the linking work a hostile header can ask for.
    static let maxReferences = 100
}

extension ThreadMessage {
    /// The facts of a matching message, from its record and its top-level header fields.
    init(number: UInt32, sequence: UInt32, record: MessageRecord, headers: [HeaderField]?) {
        let subject = BaseSubject.extract(headers?.first(named: "Subject") ?? "")
        var references = Self.messageIDs(headers?.first(named: "References") ?? "")
        if references.isEmpty, let parent = Self.messageIDs(headers?.first(named: "In-Reply-To") ?? "").first {
            references = [parent]
        }
        self.init(number: number, sequence: sequence, sentDate: SortOrder.sentDate(record, headers: headers),
                  subject: subject.base.lowercased(), isReplyOrForward: subject.isReplyOrForward,
                  messageID: Self.messageIDs(headers?.first(named: "Message-ID") ?? "").first,
                  references: Array(references.suffix(Self.maxReferences)))
    }

    /// The valid msg-ids of a field value, normalized so that differently quoted forms of one
    /// identifier compare equal (`<"a.b"@host>` is `<a.b@host>`, RFC 5256 §3). Comparisons
    /// stay case-sensitive.
    static func messageIDs(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            var inside = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            var unquoted = ""
            if inside.contains("\"") {
                var escaped = false
                for c in inside {
                    if escaped { unquoted.append(c); escaped = false }
                    else if c == "\\" { escaped = true }
                    else if c != "\"" { unquoted.append(c) }
                }
                inside = Substring(unquoted)
            }
            if let id = HeaderSyntax.messageID(String(inside)) { ids.append(id) }
        }
        return ids
    }
}
