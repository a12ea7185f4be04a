import Foundation
import MailwardMIME

extension MailService {
    /// How long after a message lands in Sent a client's own copy of it is taken for the same
    /// message. Clients file their copy right after the submission door's 250; an hour also
    /// covers one that sent while offline and synchronises later.
    public static let sentCopyWindow: TimeInterval = 3600

    /// How many of the Sent folder's newest copies are compared: the message a client just sent
    /// is among the last few, and the check must stay one small read however big the folder.
    static let sentCopyCandidates = 20

    /// A mail client's APPEND. Into the Sent folder (where ``specialMailbox(accountID:_:)`` files
    /// sent mail), a message whose `Message-ID:` is already
    /// there — among the folder's newest copies, filed within ``sentCopyWindow`` — is not stored
    /// a second time: the submission door files every sent message in Sent itself (SPEC M2, a
    /// copy for the sender), and Thunderbird, Outlook, iPhone Mail and Foxmail then APPEND their
    /// own copy of it, which left every sent message there twice. A client that repeats an APPEND
    /// whose answer it lost is answered the same way. The copy already there is the answer (its
    /// UID goes into APPENDUID) and gets the flags the client asked for. Any other folder, a
    /// message without a `Message-ID:`, or an older copy: stored as usual. Keywords new to the
    /// mailbox are refused past ``KeywordLimit/perMailbox`` (`MailError.tooManyKeywords`).
    ///
    /// Bare LF and lone CR line ends are stored as CRLF (as Dovecot does): the other ways in
    /// (SMTP, the webmail) bring CRLF only, and POP3's sizes count what RETR sends. Not in a
    /// `binary` message (an IMAP literal8, RFC 3516), whose binary parts hold bytes, not lines.
    public func appendFromClient(_ written: [UInt8], to mailbox: Mailbox, flags: MessageFlags = [],
                                 internalDate: Date? = nil, binary: Bool = false) async throws -> MessageRecord {
        guard !written.isEmpty else { throw MailError.emptyMessage }
        try await checkKeywordLimit(.add(flags), on: [], in: mailbox.id, census: nil)
        let raw = binary || LineEndings.areCRLF(written) ? written : LineEndings.crlf(written)
        let metadata = try Self.metadata(of: raw, cachingParse: raw.count > parseCacheThreshold)
        if let messageID = metadata.summary.messageIDHeader, Self.namesAMessage(messageID),
           try await existingSpecialMailbox(accountID: mailbox.accountID, .sent)?.id == mailbox.id,
           let existing = try await recentCopy(of: messageID, in: mailbox.id) {
            return try await adding(flags, to: existing)
        }
        let copy = NewMessageCopy(mailboxID: mailbox.id, flags: flags, internalDate: internalDate ?? clock.now)
        return try await insert(raw, copies: [copy], metadata: metadata)[0]
    }

    /// A Message-ID is `<left@right>`; anything else (empty, bare words) names no message.
    static func namesAMessage(_ messageID: String) -> Bool {
        messageID.count > 2 && messageID.hasPrefix("<") && messageID.hasSuffix(">") && messageID.contains("@")
    }

    private func recentCopy(of messageID: String, in mailboxID: MailboxID) async throws -> MessageRecord? {
        let since = clock.now.addingTimeInterval(-Self.sentCopyWindow)
        let newest = try await store.messagePage(mailboxID: mailboxID, offset: 0, limit: Self.sentCopyCandidates).records
        return newest.first {
            $0.internalDate >= since && !$0.flags.contains(MessageFlags.deleted) && $0.summary.messageIDHeader == messageID
        }
    }

    private func adding(_ flags: MessageFlags, to record: MessageRecord) async throws -> MessageRecord {
        let wanted = record.flags.union(flags)
        guard wanted != record.flags else { return record }
        let result = try await updateFlags(mailboxID: record.mailboxID, uids: [record.uid], change: .add(flags))
        return result.updated.first ?? record
    }
}
