import Foundation

/// Which door a credential is presented at.
public enum DoorKind: String, Sendable, Codable {
    case web, imap, pop3, smtp
}

/// What opened a session: the account password, or a client-specific password.
public enum ClientCredential: Sendable, Equatable {
    case accountPassword
    case appPassword(id: Int64, name: String)
}

/// The three-valued answer of the one credential check (DESIGN principle 3).
public enum CredentialResult: Sendable, Equatable {
    case valid(Account, ClientCredential)
    /// Unknown user, wrong password, disabled account, throttled: indistinguishable.
    case invalid
    /// The account password was right, but a phone is bound: protocol doors need a
    /// client-specific password (SPEC A8). Only ever returned after the password matched.
    case clientPasswordRequired(Account)
}

/// The one credential check every protocol door (IMAP, POP3, SMTP AUTH) calls.
///
/// This first version checks account passwords; the two-step verification issue extends it
/// with client-specific passwords, the A8 refusal and throttling — doors do not change.
public struct ProtocolAuthenticator: Sendable {
    public let accounts: AccountService

    public init(accounts: AccountService) {
        self.accounts = accounts
    }

    public func authenticate(username: String, password: String, door: DoorKind, remoteIP: String,
                             clientID: String?) async -> CredentialResult {
        guard let account = try? await accounts.verifyPassword(username, password) else { return .invalid }
        return .valid(account, .accountPassword)
    }

    /// Whether a credential that opened a session still holds (account not disabled or removed);
    /// doors call it before each command that touches mail.
    public func isStillValid(_ credential: ClientCredential, accountID: AccountID) async -> Bool {
        guard let account = try? await accounts.store.account(id: accountID) else { return false }
        return !account.disabled
    }
}

/// The text every door shows when a client uses the account password of an account with
/// two-step verification on (SPEC A8), so Foxmail, iPhone Mail and Outlook users learn the fix.
public enum ClientPasswordNotice {
    public static func text(chinese: Bool = true) -> String {
        chinese
            ? "该帐号已开启二次验证，请在网页邮箱 设置 › 个人信息 › 邮箱密码 中生成客户端专用密码并在客户端中使用 (a client-specific password is required)"
            : "Two-step verification is on for this account: create a client-specific password in the webmail (Settings > Personal info > Mailbox password) and use it in this client"
    }
}
