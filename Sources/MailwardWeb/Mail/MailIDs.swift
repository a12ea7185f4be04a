import Foundation
import MailwardCore

/// Opaque ids for mailboxes and messages in URLs and JSON: the row id and an HMAC of (kind,
/// account, row id) under the server key, base64url-encoded. An id is only valid for the
/// account it was made for, so another account's id (or a guessed one) decodes to nothing → 404.
struct MailIDs: Sendable {
    enum Kind: String {
        case mailbox = "b"
        case message = "m"
    }

    let key: ServerKey
    static let macBytes = 12

    func encode(_ kind: Kind, _ rowID: Int64, account: AccountID) -> String {
        var bytes: [UInt8] = withUnsafeBytes(of: rowID.bigEndian, Array.init)
        bytes += mac(kind, rowID, account: account)
        return kind.rawValue + Base64URL.encode(bytes)
    }

    func decode(_ kind: Kind, _ token: String?, account: AccountID) -> Int64? {
        decode(kind, token, accounts: [account])?.rowID
    }

    /// Decodes a token made for any of `accounts` (a grantee's own account and the mailboxes
    /// shared with it) and says which one it was made for: the MAC, not the caller, decides.
    func decode(_ kind: Kind, _ token: String?, accounts: [AccountID]) -> (rowID: Int64, account: AccountID)? {
        guard let token, token.utf8.count < 64, token.hasPrefix(kind.rawValue),
              let bytes = Base64URL.decode(String(token.dropFirst())), bytes.count == 8 + Self.macBytes else { return nil }
        let rowID = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let presented = Array(bytes[8...])
        for account in accounts.prefix(1000) where ConstantTime.equals(presented, mac(kind, rowID, account: account)) {
            return (rowID, account)
        }
        return nil
    }

    func mailbox(_ id: MailboxID, _ account: AccountID) -> String { encode(.mailbox, id, account: account) }
    func message(_ id: MessageID, _ account: AccountID) -> String { encode(.message, id, account: account) }

    private func mac(_ kind: Kind, _ rowID: Int64, account: AccountID) -> [UInt8] {
        Array(key.mac(.mailID, "\(kind.rawValue):\(account):\(rowID)").prefix(Self.macBytes))
    }
}
