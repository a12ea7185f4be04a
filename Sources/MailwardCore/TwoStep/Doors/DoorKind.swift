/// The door a credential is presented at. The web accepts only the account password (plus the
/// second factor); the mail protocols follow SPEC A8.
public enum DoorKind: String, Sendable, Codable, CaseIterable {
    case web, imap, pop3, smtp
}

/// What opened a session, so the door can ask later whether it still holds
/// (`ProtocolAuthenticator.isStillValid`).
public enum ClientCredential: Sendable, Equatable, Hashable {
    case accountPassword
    case appPassword(id: Int64, name: String)
}

/// The one answer every door gets (DESIGN principle 3).
public enum CredentialResult: Sendable, Equatable {
    case valid(Account, ClientCredential)
    /// Unknown user, wrong password, disabled account, or throttled: indistinguishable.
    case invalid
    /// The account password was right, but a phone is bound, so mail clients need a
    /// client-specific password (SPEC A8). Only ever returned after the password was right.
    case clientPasswordRequired(Account)
    /// The store could not be read (`StoreError.unavailable`): neither right nor wrong. The doors
    /// answer with a temporary failure — a mail client told "wrong password" asks its user for
    /// it again, or gives the account up.
    case unavailable
}

extension CredentialResult {
    /// The outcome as a metrics label (`mailward_logins_total{result=…}`).
    public var metricsLabel: String {
        switch self {
        case .valid: "success"
        case .invalid: "failure"
        case .clientPasswordRequired: "client_password_required"
        case .unavailable: "unavailable"
        }
    }
}
