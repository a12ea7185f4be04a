import Foundation

/// What happened, as stored in the audit log (SPEC A12). An open set: later features (shares,
/// admin actions) add their own kinds.
public struct AuditKind: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let signIn = AuditKind(rawValue: "sign-in")
    public static let signOut = AuditKind(rawValue: "sign-out")
    public static let codeSent = AuditKind(rawValue: "code-sent")
    public static let codeSendFailed = AuditKind(rawValue: "code-send-failed")
    public static let phoneBound = AuditKind(rawValue: "phone-bound")
    public static let phoneUnbound = AuditKind(rawValue: "phone-unbound")
    public static let deviceTrusted = AuditKind(rawValue: "device-trusted")
    public static let deviceRemoved = AuditKind(rawValue: "device-removed")
    public static let appPasswordCreated = AuditKind(rawValue: "app-password-created")
    public static let appPasswordRevoked = AuditKind(rawValue: "app-password-revoked")
    /// A configuration profile carrying a client-specific password was handed out (B7).
    public static let appPasswordProfile = AuditKind(rawValue: "app-password-profile")
    public static let passwordChanged = AuditKind(rawValue: "password-changed")
    public static let enforcementChanged = AuditKind(rawValue: "enforcement-changed")
    /// B1: an authenticator app set up or removed; new recovery codes made (the old ones end).
    public static let authenticatorAdded = AuditKind(rawValue: "authenticator-added")
    public static let authenticatorRemoved = AuditKind(rawValue: "authenticator-removed")
    public static let recoveryCodesMade = AuditKind(rawValue: "recovery-codes-made")
    public static let securityKeyAdded = AuditKind(rawValue: "security-key-added")
    public static let securityKeyRemoved = AuditKind(rawValue: "security-key-removed")
    public static let twoStepReset = AuditKind(rawValue: "two-step-reset")
    public static let accountCreated = AuditKind(rawValue: "account-created")
    public static let accountDisabled = AuditKind(rawValue: "account-disabled")
    public static let accountEnabled = AuditKind(rawValue: "account-enabled")
    public static let quotaChanged = AuditKind(rawValue: "quota-changed")
    /// The server mailed the account a notice (`method` names which, e.g. `client-password`).
    public static let noticeMailed = AuditKind(rawValue: "notice-mailed")
}

/// One audit entry. `method` is how someone signed in (`password`, `password+sms`,
/// `trusted-device`, `app-password`); `door` is `web`, `imap`, `pop3`, `smtp` or `cli`.
/// `detail` is for people and never holds a secret.
public struct AuditEvent: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var at: Date
    public var accountID: AccountID?
    public var kind: AuditKind
    public var door: String?
    public var method: String?
    public var success: Bool
    public var ip: String?
    public var detail: String

    public init(id: Int64, at: Date, accountID: AccountID?, kind: AuditKind, door: String?, method: String?,
                success: Bool, ip: String?, detail: String) {
        self.id = id
        self.at = at
        self.accountID = accountID
        self.kind = kind
        self.door = door
        self.method = method
        self.success = success
        self.ip = ip
        self.detail = detail
    }
}

public struct NewAuditEvent: Sendable, Equatable {
    public var at: Date
    public var accountID: AccountID?
    public var kind: AuditKind
    public var door: String?
    public var method: String?
    public var success: Bool
    public var ip: String?
    public var detail: String

    public init(at: Date, accountID: AccountID?, kind: AuditKind, door: String? = nil, method: String? = nil,
                success: Bool = true, ip: String? = nil, detail: String = "") {
        self.at = at
        self.accountID = accountID
        self.kind = kind
        self.door = door
        self.method = method
        self.success = success
        self.ip = ip
        self.detail = detail
    }
}
