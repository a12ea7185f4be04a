/// One message as IMAP keeps a selected mailbox in step: UID, flags and MODSEQ only — no
/// summary and no cached parse, so reading a whole mailbox of these costs no JSON decoding.
/// A copy's UID and size: all a POP3 maildrop lists (``MailStore/messageSizes(mailboxID:)``).
public struct MessageSize: Hashable, Sendable {
    public var uid: MessageUID
    /// The stored octets.
    public var size: Int

    public init(uid: MessageUID, size: Int) {
        self.uid = uid
        self.size = size
    }
}

public struct MessageState: Hashable, Sendable {
    public var uid: MessageUID
    public var modSeq: ModSeq
    public var flags: MessageFlags

    public init(uid: MessageUID, modSeq: ModSeq, flags: MessageFlags) {
        self.uid = uid
        self.modSeq = modSeq
        self.flags = flags
    }
}

/// What changed in a mailbox since a MODSEQ (`MailStore.changes(mailboxID:since:)`), read in one
/// transaction so the parts agree.
///
/// The store keeps no record of expunged UIDs, only the MODSEQ of the mailbox's latest expunge:
/// when that is newer than `since`, expunges show as UIDs missing from `uids` (a UID-only read);
/// otherwise the UIDs are not read at all — new messages and flag changes are all in `changed`,
/// and on a busy mailbox where clients mostly set flags that read was most of the cost.
public struct MailboxChanges: Hashable, Sendable {
    /// The MODSEQ the caller asked about.
    public var since: ModSeq
    /// The mailbox's HIGHESTMODSEQ now.
    public var highestModSeq: ModSeq
    /// Every UID in the mailbox now, ascending — only when messages may have been expunged since
    /// `since` (nil when nothing was, and when `since` is 0: every message is in `changed` then).
    public var uids: [MessageUID]?
    /// The messages whose MODSEQ is above `since` (new ones and flag changes), ascending UID.
    public var changed: [MessageState]

    public init(since: ModSeq, highestModSeq: ModSeq, uids: [MessageUID]?, changed: [MessageState]) {
        self.since = since
        self.highestModSeq = highestModSeq
        self.uids = uids
        self.changed = changed
    }

    /// Whether anything happened since `since` (an idle mailbox costs one row to find out).
    public var hasChanges: Bool { highestModSeq != since }
}
