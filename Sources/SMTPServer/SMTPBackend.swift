import MailwardCore
import SMTPCodec

/// The questions a session's actions put to Core. ``CoreSMTPBackend`` answers them with the
/// real services; tests may substitute their own.
public protocol SMTPBackend: Sendable {
    /// Whether `path` takes mail here; with the size MAIL declared, whether its mailbox has room.
    func resolveRecipient(_ path: SMTPPath, declaredSize: Int?) async -> RecipientVerdict
    /// ``resolveRecipient(_:declaredSize:)`` answered on the caller's thread without waiting —
    /// from what an earlier answer found, still valid — or nil: then ask that instead. The
    /// door asks this first, on the connection's event loop, so a recipient asked before costs
    /// no task (see ``ImmediateRecipientLookups``).
    func resolveRecipientImmediately(_ path: SMTPPath, declaredSize: Int?) -> RecipientVerdict?
    /// Whether the login still holds and its account may use `path` as envelope sender.
    func checkSender(_ path: SMTPPath, account: Account, credential: ClientCredential) async -> SenderVerdict
    func authenticate(username: String, password: String, remoteIP: String) async -> AuthenticationOutcome
    func deliver(_ submission: SMTPMessageSubmission) async -> DeliveryOutcome
}

extension SMTPBackend {
    public func resolveRecipientImmediately(_ path: SMTPPath, declaredSize: Int?) -> RecipientVerdict? { nil }
}
