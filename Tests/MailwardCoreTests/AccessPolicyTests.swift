@testable import MailwardCore
import Testing

/// SPEC section S's permission table, cell by cell. A failing cell names permission and action.
@Suite struct AccessPolicyTests {
    static let table: [(MailboxAction, readOnly: Bool, onBehalf: Bool, sendAs: Bool)] = [
        (.view, true, true, true),
        (.changeUnread, false, false, true),
        (.changeOtherFlags, false, false, true),
        (.delete, false, false, true),
        (.insert, false, false, true),
        (.send, false, true, true),
        (.manage, false, false, false),
    ]

    @Test func tableHoldsForEveryPermissionAndAction() {
        for row in Self.table {
            for (permission, expected) in [(SharePermission.readOnly, row.readOnly), (.sendOnBehalf, row.onBehalf), (.sendAs, row.sendAs)] {
                #expect(AccessPolicy.allows(.grantee(permission), row.0) == expected, "\(permission.rawValue) × \(row.0.rawValue)")
            }
            #expect(AccessPolicy.allows(.owner, row.0), "owner × \(row.0.rawValue)")
            #expect(!AccessPolicy.allows(.none, row.0), "stranger × \(row.0.rawValue)")
        }
        #expect(Self.table.count == MailboxAction.allCases.count)
    }

    @Test func sendingModes() throws {
        let grantee = try EmailAddress("alice@demo.test")
        #expect(AccessPolicy.sendingMode(.grantee(.readOnly), grantee: grantee) == nil)
        #expect(AccessPolicy.sendingMode(.grantee(.sendOnBehalf), grantee: grantee) == .onBehalf(grantee: grantee))
        #expect(AccessPolicy.sendingMode(.grantee(.sendAs), grantee: grantee) == .asOwner)
        #expect(AccessPolicy.sendingMode(.owner, grantee: grantee) == .asOwner)
    }

    @Test func imapRightsDerivedFromTheTable() {
        #expect(AccessPolicy.imapRights(.grantee(.readOnly)) == "lr")
        #expect(AccessPolicy.imapRights(.grantee(.sendOnBehalf)) == "lr")
        #expect(AccessPolicy.imapRights(.grantee(.sendAs)) == "lrswite")
        #expect(AccessPolicy.imapRights(.owner).contains("a"))
        #expect(AccessPolicy.imapRights(.none) == "")
    }

    /// SETACL's direction: the shown send-as rights map back to send as; `p` marks send on behalf.
    @Test func imapRightsMapBackToPermissions() {
        #expect(AccessPolicy.permission(forIMAPRights: Set("rl")) == .readOnly)
        #expect(AccessPolicy.permission(forIMAPRights: Set("lrp")) == .sendOnBehalf)
        #expect(AccessPolicy.permission(forIMAPRights: Set(AccessPolicy.imapRights(.grantee(.sendAs)))) == .sendAs)
        #expect(AccessPolicy.permission(forIMAPRights: Set("lrs")) == .sendAs)
        for refused in ["", "l", "r", "lrps", "lra", "lrx", "lrswitedkp", "swite"] {
            #expect(AccessPolicy.permission(forIMAPRights: Set(refused)) == nil, "\(refused)")
        }
    }

    @Test func deniedMessagesAreClear() {
        #expect(ShareError.denied(.changeUnread, .readOnly).message(chinese: true) == "共享权限“只读”不允许改变邮件未读状态")
        #expect(ShareError.denied(.delete, .sendOnBehalf).message(chinese: false)
                == "The send on behalf permission does not allow you to delete or move mail.")
    }
}
