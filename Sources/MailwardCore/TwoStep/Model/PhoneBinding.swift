import Foundation

/// The phone an account receives its codes on. One per account; several accounts may share a
/// number (SPEC A2). A bound phone is what turns two-step verification on.
public struct PhoneBinding: Sendable, Equatable {
    public var accountID: AccountID
    public var phone: PhoneNumber
    public var boundAt: Date

    public init(accountID: AccountID, phone: PhoneNumber, boundAt: Date) {
        self.accountID = accountID
        self.phone = phone
        self.boundAt = boundAt
    }
}
