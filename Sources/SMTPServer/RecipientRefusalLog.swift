import Logging

/// A refused RCPT in the log, as an operator asks of a mail server ("did mail from X to Y come
/// in, and why not?"): who connected, the envelope sender, the recipient and the reason. Mail
/// for another domain at the MX door is a relay attempt; at submission it is ordinary mail.
struct RecipientRefusalLog: Sendable {
    let logger: Logger
    let ip: String
    let sender: String
    let recipient: String
    /// The MX door, where a recipient in another domain is refused (never an open relay).
    let relaying: Bool

    func record(_ verdict: RecipientVerdict) {
        let reason: String
        switch verdict {
        case .local: return
        case .remote:
            guard relaying else { return }
            reason = "relay refused (not a local domain)"
        case .unknownUser: reason = "no such user"
        case .mailboxDisabled: reason = "mailbox disabled"
        case .mailboxFull(let permanent): reason = permanent ? "message larger than the mailbox's quota" : "mailbox full"
        case .temporaryFailure: reason = "directory unavailable"
        }
        logger.info("recipient refused", metadata: [
            "ip": "\(ip)", "from": "<\(sender)>", "to": "<\(recipient)>", "reason": "\(reason)",
        ])
    }
}
