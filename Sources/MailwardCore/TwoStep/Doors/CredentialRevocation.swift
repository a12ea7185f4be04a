import Foundation

/// Why a credential that opened a mail session no longer holds
/// (``ProtocolAuthenticator/revocation(of:account:)``): the doors end the session with a text
/// that says which, so a client shows the user what to do (a new client-specific password, or
/// none: ask the administrator).
public enum CredentialRevocation: Sendable, Equatable {
    /// The account was removed or disabled.
    case accountUnavailable
    /// The client-specific password was deleted (or revoked by a password change, SPEC A13).
    case clientPasswordDeleted
    /// The client-specific password reached the end it was made with (B4).
    case clientPasswordExpired
    /// The account password was changed since the login (A13).
    case passwordChanged
    /// A phone was bound, or an administrator enforced two-step verification, since the login:
    /// the account password no longer opens mail doors (A8).
    case clientPasswordNowRequired

    /// The door's words (ASCII: every door can carry them).
    public var text: String {
        switch self {
        case .accountUnavailable: "This account can no longer be used"
        case .clientPasswordDeleted: "This client-specific password was deleted"
        case .clientPasswordExpired: "This client-specific password has expired"
        case .passwordChanged: "The account password was changed"
        case .clientPasswordNowRequired: "Two-step verification is on: sign in with a client-specific password"
        }
    }
}
