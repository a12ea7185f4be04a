import IMAPCodec
import MailwardCore

/// The untagged FETCH that tells a client a message's flags changed: a STORE's answer (also a
/// `.SILENT` one's, under CONDSTORE), a FETCH that set `\Seen` on the way, another session's
/// change told at the next command. One rule for all of them, RFC 7162 §3.1: once CONDSTORE is
/// enabled, every such FETCH carries the message's UID and its MODSEQ.
enum FlagChangeFetch {
    /// The items to send: the UID when `withUID` (a UID command, or a change told unasked) or
    /// CONDSTORE is on, the `flags` unless nil (a `.SILENT` STORE), the MODSEQ when CONDSTORE is
    /// on — each only when `asked` (what the FETCH itself returns) does not hold it already.
    static func items(uid: MessageUID, flags: [Flag]?, modSeq: ModSeq, condstore: Bool, withUID: Bool,
                      asked: [FetchAttribute] = []) -> [FetchResponseItem] {
        var items: [FetchResponseItem] = []
        if withUID || condstore, !asked.contains(.uid) { items.append(.uid(uid)) }
        if let flags, !asked.contains(.flags) { items.append(.flags(flags)) }
        if condstore, !asked.contains(.modSequence) { items.append(.modSequence(MessageMapping.wireModSeq(modSeq))) }
        return items
    }
}
