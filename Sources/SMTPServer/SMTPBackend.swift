import MailwardCore
import SMTPCodec

/// The questions a session's actions put to Core. ``CoreSMTPBackend`` answers them with the
/// real services; tests may substitute their own.
public protocol SMTPBackend: Sendable {
    func resolveRecipient(_ path: SMTPPath) async -> RecipientVerdict
    func mayUseSender(_ path: SMTPPath, account: Account) async -> Bool
    func authenticate(username: String, password: String, remoteIP: String) async -> AuthenticationOutcome
    func deliver(_ submission: SMTPMessageSubmission) async -> DeliveryOutcome
}
