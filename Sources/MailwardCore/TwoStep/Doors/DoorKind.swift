/// The door a credential is presented at. The web accepts only the account password (plus the
/// second factor); the mail protocols follow SPEC A8.
public enum DoorKind: String, Sendable, Codable, CaseIterable {
    case web, imap, pop3, smtp
}

/// What opened a session, so the door can ask later whether it still holds
/// (`ProtocolAuthenticator.revocation`).
public enum ClientCredential: Sendable, Equatable, Hashable {
    case accountPassword
    /// `readOnly`: the password's scope allows reading only (SPEC B4); the mailbox doors refuse
    /// every change for the whole session.
    case appPassword(id: Int64, name: String, readOnly: Bool = false)

    /// Whether the session may only read (a read-only client-specific password).
    public var isReadOnly: Bool {
        if case .appPassword(_, _, let readOnly) = self { return readOnly }
        return false
    }
}

/// The one answer every door gets (DESIGN principle 3).
public enum CredentialResult: Sendable, Equatable {
    case valid(Account, ClientCredential)
    /// Unknown user, wrong password, disabled account, or throttled: indistinguishable.
    case invalid
    /// The account password was right, but a phone is bound, so mail clients need a
    /// client-specific password (SPEC A8). Only ever returned after the password was right.
    case clientPasswordRequired(Account)
    /// A right client-specific password that does not open this door (now): expired, or made
    /// for other protocols (SPEC B4). Only ever returned after the password was right.
    case clientPasswordLimited(Account, ClientPasswordLimit)
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
        case .clientPasswordLimited: "client_password_limited"
        case .unavailable: "unavailable"
        }
    }
}
