import Foundation
import IMAPCodec
import MailwardCore
import MailwardMIME

/// Evaluates SEARCH keys (RFC 3501 §6.4.4) against one message. Flags, sizes, dates and UIDs
/// come from the message record; header keys from the message's header fields
/// (``MailService/forEachHeader(_:_:)``); `BODY`/`TEXT` from the store's full-text index
/// (``textHits``, looked up once per string beforehand).
struct SearchEvaluator {
    /// Message ids whose indexed text contains each BODY/TEXT string.
    var textHits: [String: Set<MessageID>]
    /// Per BODY string, the ``textHits`` found only in the header fields the index holds.
    var headerOnlyHits: [String: Set<MessageID>]
    let now: Date
    let largestUID: MessageUID
    let messageCount: UInt32
    let saved: [MessageUID]
    /// The UIDs `\Recent` in the session (``SelectedMailbox/recentRanges``).
    let recent: [ClosedRange<UInt32>]
    /// Sequence sets of the keys, merged once (a hostile set of many ranges costs log n per message).
    private var uidSets: [SequenceSet: [ClosedRange<UInt32>]] = [:]
    private var numberSets: [SequenceSet: [ClosedRange<UInt32>]] = [:]
    /// The header keys' strings, prepared once for the many values they meet.
    private var needles: [String: SearchNeedle] = [:]

    init(textHits: [String: Set<MessageID>], headerOnlyHits: [String: Set<MessageID>] = [:], now: Date,
         largestUID: MessageUID, messageCount: UInt32, saved: [MessageUID], recent: [ClosedRange<UInt32>] = [],
         keys: [SearchKey]) {
        self.textHits = textHits
        self.headerOnlyHits = headerOnlyHits
        self.now = now
        self.largestUID = largestUID
        self.messageCount = messageCount
        self.saved = saved
        self.recent = recent
        func visit(_ key: SearchKey) {
            switch key {
            case .uid(.ranges(let r)): uidSets[.ranges(r)] = SelectedMailbox.merged(r, largest: largestUID)
            case .sequenceNumbers(.ranges(let r)): numberSets[.ranges(r)] = SelectedMailbox.merged(r, largest: messageCount)
            case .bcc(let s), .cc(let s), .from(let s), .to(let s), .subject(let s), .header(_, let s), .text(let s):
                if needles[s] == nil { needles[s] = SearchNeedle(s) }
            case .not(let k): visit(k)
            case .or(let a, let b): visit(a); visit(b)
            case .and(let ks): ks.forEach(visit)
            default: break
            }
        }
        keys.forEach(visit)
    }

    /// Every BODY/TEXT string in `keys` (to look up before evaluating).
    static func textStrings(in keys: [SearchKey]) -> Set<String> {
        strings(in: keys, body: true, text: true)
    }

    /// Every BODY string in `keys`.
    static func bodyStrings(in keys: [SearchKey]) -> Set<String> {
        strings(in: keys, body: true, text: false)
    }

    private static func strings(in keys: [SearchKey], body: Bool, text: Bool) -> Set<String> {
        var out = Set<String>()
        func visit(_ key: SearchKey) {
            switch key {
            case .body(let s): if body { out.insert(s) }
            case .text(let s): if text { out.insert(s) }
            case .not(let k): visit(k)
            case .or(let a, let b): visit(a); visit(b)
            case .and(let ks): ks.forEach(visit)
            default: break
            }
        }
        keys.forEach(visit)
        return out
    }

    /// Whether `keys` look at nothing but a message's flags, UID, number and MODSEQ (`UNSEEN`,
    /// `UNDELETED`, `UID 1:*`…): the messages' states then answer them, without the rows'
    /// dates, sizes and summaries — a client's `UID SEARCH UNSEEN` over 100 000 messages read
    /// every row (0.95 s).
    static func needsOnlyState(_ keys: [SearchKey]) -> Bool {
        func visit(_ key: SearchKey) -> Bool {
            switch key {
            case .all, .answered, .deleted, .draft, .flagged, .new, .old, .recent, .seen,
                 .unanswered, .undeleted, .undraft, .unflagged, .unseen, .keyword, .unkeyword,
                 .uid, .sequenceNumbers, .modSequence:
                return true
            case .not(let k): return visit(k)
            case .or(let a, let b): return visit(a) && visit(b)
            case .and(let ks): return ks.allSatisfy(visit)
            default: return false
            }
        }
        return keys.allSatisfy(visit)
    }

    /// Whether evaluating `keys` needs the message's headers.
    static func needsHeaders(_ keys: [SearchKey]) -> Bool {
        func visit(_ key: SearchKey) -> Bool {
            switch key {
            case .bcc, .cc, .from, .subject, .to, .header, .sentBefore, .sentOn, .sentSince, .text: return true
            case .not(let k): return visit(k)
            case .or(let a, let b): return visit(a) || visit(b)
            case .and(let ks): return ks.contains(where: visit)
            default: return false
            }
        }
        return keys.contains(where: visit)
    }

    func isRecent(_ uid: MessageUID) -> Bool {
        SelectedMailbox.contains(recent, uid)
    }

    func matches(_ keys: [SearchKey], record: MessageRecord, sequence: UInt32, headers: [HeaderField]?) -> Bool {
        keys.allSatisfy { matches($0, record: record, sequence: sequence, headers: headers) }
    }

    func matches(_ key: SearchKey, record: MessageRecord, sequence: UInt32, headers: [HeaderField]?) -> Bool {
        let flags = record.flags
        func header(_ name: String, contains value: String) -> Bool {
            guard let headers else { return false }
            let values = headers.all(named: name)
            if value.isEmpty { return !values.isEmpty }
            let needle = needles[value] ?? SearchNeedle(value)
            return values.contains { Self.holds($0, needle) }
        }
        switch key {
        case .all: return true
        case .answered: return flags.contains(MessageFlags.answered)
        case .deleted: return flags.contains(MessageFlags.deleted)
        case .draft: return flags.contains(MessageFlags.draft)
        case .flagged: return flags.contains(MessageFlags.flagged)
        case .seen: return flags.contains(MessageFlags.seen)
        case .unanswered: return !flags.contains(MessageFlags.answered)
        case .undeleted: return !flags.contains(MessageFlags.deleted)
        case .undraft: return !flags.contains(MessageFlags.draft)
        case .unflagged: return !flags.contains(MessageFlags.flagged)
        case .unseen: return !flags.contains(MessageFlags.seen)
        case .recent: return isRecent(record.uid)
        case .new: return isRecent(record.uid) && !flags.contains(MessageFlags.seen)
        case .old: return !isRecent(record.uid)
        case .keyword(let k): return flags.contains(k)
        case .unkeyword(let k): return !flags.contains(k)
        case .bcc(let s): return header("Bcc", contains: s)
        case .cc(let s): return header("Cc", contains: s)
        case .from(let s): return header("From", contains: s)
        case .to(let s): return header("To", contains: s)
        case .subject(let s): return header("Subject", contains: s)
        case .header(let field, let value): return header(field, contains: value)
        case .body(let s):
            return s.isEmpty || (textHits[s]?.contains(record.id) == true && headerOnlyHits[s]?.contains(record.id) != true)
        case .text(let s):
            if s.isEmpty || textHits[s]?.contains(record.id) == true { return true }
            let needle = needles[s] ?? SearchNeedle(s)
            return headers?.contains { Self.holds($0.value, needle) } ?? false
        case .before(let d): return MessageMapping.day(record.internalDate) < d
        case .on(let d): return MessageMapping.day(record.internalDate) == d
        case .since(let d): return MessageMapping.day(record.internalDate) >= d
        case .sentBefore(let d):
            guard let sent = sentDay(headers) else { return false }
            return sent < d
        case .sentOn(let d):
            guard let sent = sentDay(headers) else { return false }
            return sent == d
        case .sentSince(let d):
            guard let sent = sentDay(headers) else { return false }
            return sent >= d
        case .larger(let n): return UInt64(record.size) > n
        case .smaller(let n): return UInt64(record.size) < n
        case .older(let seconds): return now.timeIntervalSince(record.internalDate) >= TimeInterval(seconds)
        case .younger(let seconds): return now.timeIntervalSince(record.internalDate) <= TimeInterval(seconds)
        case .uid(let set):
            guard let merged = uidSets[set] else { return saved.contains(record.uid) }
            return SelectedMailbox.contains(merged, record.uid)
        case .sequenceNumbers(let set):
            guard let merged = numberSets[set] else { return saved.contains(record.uid) }
            return SelectedMailbox.contains(merged, sequence)
        case .modSequence(let m): return UInt64(max(record.modSeq, 0)) >= m
        case .not(let k): return !matches(k, record: record, sequence: sequence, headers: headers)
        case .or(let a, let b):
            return matches(a, record: record, sequence: sequence, headers: headers)
                || matches(b, record: record, sequence: sequence, headers: headers)
        case .and(let ks): return matches(ks, record: record, sequence: sequence, headers: headers)
        }
    }

    /// The day the `Date:` field names, in the zone it was written in: SENT* disregard time and
    /// timezone (RFC 3501 §6.4.4), so `Wed, 17 May 2000 23:26:16 -0400` is sent on 17 May,
    /// although it was 18 May in UTC.
    private func sentDay(_ headers: [HeaderField]?) -> IMAPDate? {
        guard let written = headers?.first(named: "Date").flatMap(MailDate.parseWithZone) else { return nil }
        return MessageMapping.day(written.date.addingTimeInterval(TimeInterval(written.offsetSeconds)))
    }

    /// Whether a header value holds the needle once its encoded words are decoded — the text the
    /// user sees; the encoding's own bytes (`=?UTF-8?B?`, base64) never match (as in Dovecot).
    /// A malformed encoded word stays as written, so it is still found by what it shows.
    private static func holds(_ value: String, _ needle: SearchNeedle) -> Bool {
        needle.isFound(in: EncodedWord.decode(value))
    }

    static func contains(_ haystack: String, _ needle: String) -> Bool {
        SearchNeedle(needle).isFound(in: haystack)
    }
}
