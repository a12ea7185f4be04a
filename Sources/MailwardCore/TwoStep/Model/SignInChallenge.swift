import Foundation

/// One sign-in attempt between a correct password and a session: the state of its
/// `SignInStateMachine`, persisted so the next HTTP request can continue it. The client holds a
/// random token; the store holds only its keyed hash.
public struct SignInChallenge: Sendable, Equatable {
    public var tokenHash: String
    public var accountID: AccountID
    public var state: SignInStateMachine.State
    public var remoteIP: String
    public var createdAt: Date
    public var expiresAt: Date
    /// A keyed hash of what the sign-in began with — the account's password hash, whether it is
    /// disabled, and its phone binding (``SignInService``): a change of any of them ends the
    /// challenge, whichever way it was made. Empty for challenges stored before there was one
    /// (they are not continued).
    public var securityStamp: String

    public init(tokenHash: String, accountID: AccountID, state: SignInStateMachine.State, remoteIP: String,
                createdAt: Date, expiresAt: Date, securityStamp: String) {
        self.tokenHash = tokenHash
        self.accountID = accountID
        self.state = state
        self.remoteIP = remoteIP
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.securityStamp = securityStamp
    }
}
