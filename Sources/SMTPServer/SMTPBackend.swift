import MailwardCore
import SMTPCodec

/// The questions a session's actions put to Core. ``CoreSMTPBackend`` answers them with the
/// real services; tests may substitute their own.
public protocol SMTPBackend: Sendable {
    /// Whether `path` takes mail here; with the size MAIL declared, whether its mailbox has room.
    func resolveRecipient(_ path: SMTPPath, declaredSize: Int?) async -> RecipientVerdict
    /// Whether the login still holds and its account may use `path` as envelope sender.
    func checkSender(_ path: SMTPPath, account: Account, credential: ClientCredential) async -> SenderVerdict
    func authenticate(username: String, password: String, remoteIP: String) async -> AuthenticationOutcome
    func deliver(_ submission: SMTPMessageSubmission) async -> DeliveryOutcome
}
