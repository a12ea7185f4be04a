/// One message as IMAP keeps a selected mailbox in step: UID, flags and MODSEQ only — no
/// summary and no cached parse, so reading a whole mailbox of these costs no JSON decoding.
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
/// transaction so the three parts agree.
///
/// The store keeps no record of expunged UIDs, so expunges show as UIDs missing from `uids`
/// (a UID-only read, cheap next to full records).
public struct MailboxChanges: Hashable, Sendable {
    /// The mailbox's HIGHESTMODSEQ now.
    public var highestModSeq: ModSeq
    /// Every UID in the mailbox now, ascending; nil when nothing changed (`highestModSeq` is
    /// still the `since` asked about), so an idle mailbox costs one row.
    public var uids: [MessageUID]?
    /// The messages whose MODSEQ is above `since` (new ones and flag changes), ascending UID.
    public var changed: [MessageState]

    public init(highestModSeq: ModSeq, uids: [MessageUID]?, changed: [MessageState]) {
        self.highestModSeq = highestModSeq
        self.uids = uids
        self.changed = changed
    }
}
