import Foundation

/// Why a code was sent; the SMS names it (SPEC A10) and a code only opens what it was sent for.
public enum CodePurpose: String, Sendable, Codable, CaseIterable {
    case signIn = "sign-in"
    /// Binding or changing the phone from Settings.
    case bind
    /// Binding forced at sign-in by an administrator's enforcement (A6).
    case enroll
    case unbind
}

/// A code sent by SMS, as stored: only its keyed hash, never the digits.
public struct SMSCode: Sendable, Equatable {
    public var id: Int64
    public var accountID: AccountID
    /// E.164 number the code was sent to; a code for one number never confirms another.
    public var phone: String
    public var purpose: CodePurpose
    public var codeHash: String
    /// The sign-in challenge (its token hash) the code belongs to, for sign-in and enrollment codes.
    public var challenge: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var failedAttempts: Int
    public var consumed: Bool

    public init(id: Int64, accountID: AccountID, phone: String, purpose: CodePurpose, codeHash: String,
                challenge: String?, createdAt: Date, expiresAt: Date, failedAttempts: Int, consumed: Bool) {
        self.id = id
        self.accountID = accountID
        self.phone = phone
        self.purpose = purpose
        self.codeHash = codeHash
        self.challenge = challenge
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.failedAttempts = failedAttempts
        self.consumed = consumed
    }
}

/// A code about to be stored; the store assigns the id.
public struct NewSMSCode: Sendable, Equatable {
    public var accountID: AccountID
    public var phone: String
    public var purpose: CodePurpose
    public var codeHash: String
    public var challenge: String?
    public var createdAt: Date
    public var expiresAt: Date

    public init(accountID: AccountID, phone: String, purpose: CodePurpose, codeHash: String, challenge: String?,
                createdAt: Date, expiresAt: Date) {
        self.accountID = accountID
        self.phone = phone
        self.purpose = purpose
        self.codeHash = codeHash
        self.challenge = challenge
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
