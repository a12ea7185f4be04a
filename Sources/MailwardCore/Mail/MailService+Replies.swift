import MailwardMIME

extension MailService {
    /// How far back in the inbox ``repliedMessage(inReplyTo:accountID:)`` looks.
    static let repliedSearchDepth = 500

    /// The message a reply answers (the reply's `In-Reply-To:` is `messageID`), so that sending
    /// a reply draft reopened later marks it `\Answered` as sending the reply at once would have:
    /// among the newest ``repliedSearchDepth`` messages of the account's inbox — where nearly
    /// every answered message is — the newest one with that Message-ID. The store keeps no index
    /// of Message-IDs; a message filed elsewhere or older is not found, and only the flag is missed.
    public func repliedMessage(inReplyTo messageID: String, accountID: AccountID) async throws -> MessageRecord? {
        let inbox = try await inbox(accountID: accountID)
        let newest = try await store.messagePage(mailboxID: inbox.id, offset: 0, limit: Self.repliedSearchDepth).records
        return newest.first { $0.summary.messageIDHeader.flatMap(HeaderSyntax.messageID) == messageID }
    }
}
