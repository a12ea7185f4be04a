import Foundation
import MailwardMIME

/// Which addresses an account may send as (SPEC M2, S4/S5): the one rule the submission door
/// and the webmail ask before mail leaves in an account's name.
///
/// Now: the account's own address and its aliases. Shared mailboxes with a sending permission
/// extend `mayUse` later; callers do not change.
public struct SendingPolicy: Sendable {
    public let accounts: AccountService

    public init(accounts: AccountService) {
        self.accounts = accounts
    }

    /// Whether `account` may use `sender` as envelope sender or `From:` address.
    public func mayUse(sender: EmailAddress, account: Account) async throws -> Bool {
        if sender == account.address { return true }
        if let alias = try await accounts.store.alias(address: sender) { return alias.accountID == account.id }
        return false
    }

    /// Whether every address in the message's `From:` header(s) is one `account` may use.
    /// A message without a usable `From:` address is refused: it would go out unattributed.
    public func mayUseHeaderFrom(of raw: [UInt8], account: Account) async throws -> Bool {
        let headers = MIMEParser.parseStructure(raw).headers
        let values = headers.filter { $0.name.caseInsensitiveCompare("From") == .orderedSame }.map(\.value)
        let addresses = values.flatMap(AddressParser.parse)
        guard !addresses.isEmpty else { return false }
        for mailAddress in addresses {
            guard let address = try? EmailAddress(mailAddress.address),
                  try await mayUse(sender: address, account: account) else { return false }
        }
        return true
    }
}
