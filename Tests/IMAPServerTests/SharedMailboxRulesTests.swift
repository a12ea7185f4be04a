import IMAPCodec
import MailwardCore
import Testing
@testable import IMAPServer

/// The pure pieces of shared mailboxes in IMAP: the namespace's names, which table actions a
/// command asks for, and how SETACL rights map back to a permission.
@Suite struct SharedMailboxRulesTests {
    @Test func namesInTheSharedNamespace() throws {
        #expect(SharedNamespace.place(of: "INBOX") == nil)
        #expect(SharedNamespace.place(of: "Sharedfolder") == nil)
        #expect(SharedNamespace.place(of: "Shared") == .root)
        #expect(SharedNamespace.place(of: "Shared/boss@example.com") == .owner("boss@example.com"))
        #expect(SharedNamespace.place(of: "Shared/boss@example.com/inbox") == .folder(owner: "boss@example.com", folder: "INBOX"))
        #expect(SharedNamespace.place(of: "Shared/boss@example.com/项目/2026")
                == .folder(owner: "boss@example.com", folder: "项目/2026"))
        let boss = try EmailAddress("boss@example.com")
        #expect(SharedNamespace.name(owner: boss, folder: "已发送") == "Shared/boss@example.com/已发送")
    }

    @Test func storeAsksForTheRightsOfTheFlagsItTouches() {
        func actions(_ kind: StoreOperation.Kind, _ flags: [Flag]) -> [MailboxAction] {
            SharedMailboxRules.actions(for: StoreOperation(kind: kind, silent: false, flags: flags))
        }
        #expect(actions(.add, [.seen]) == [.changeUnread])
        #expect(actions(.remove, [.flagged, .keyword("$Work")]) == [.changeOtherFlags])
        #expect(actions(.add, [.deleted, .seen]) == [.delete, .changeUnread])
        #expect(actions(.replace, []) == [.changeUnread, .changeOtherFlags, .delete])
        #expect(SharedMailboxRules.actions(onSelected: .expunge) == [.view, .delete])
        #expect(SharedMailboxRules.actions(onSelected: .move(.lastSearchResult, .inbox, uid: true)) == [.view, .delete])
        #expect(SharedMailboxRules.actions(onSelected: .copy(.lastSearchResult, .inbox, uid: false)) == [.view])
        #expect(SharedMailboxRules.actions(onSelected: .logout).isEmpty)
    }

    @Test func setACLRightsMapToPermissions() {
        func request(_ rights: String, current: String = "") -> SharedMailboxRules.ACLRequest {
            SharedMailboxRules.request(rights: rights, current: current)
        }
        #expect(request("lr") == .grant(.readOnly))
        #expect(request("rl") == .grant(.readOnly))
        #expect(request("lrp") == .grant(.sendOnBehalf))
        #expect(request("lrswite") == .grant(.sendAs))
        #expect(request("lrs") == .grant(.sendAs))
        #expect(request("lrswitedk") == .grant(.sendAs))
        #expect(request("+p", current: "lr") == .grant(.sendOnBehalf))
        #expect(request("-swite", current: "lrswite") == .grant(.readOnly))
        #expect(request("-lr", current: "lr") == .revoke)
        #expect(request("") == .revoke)
        for refused in ["lra", "lrx", "lrc", "r", "l", "lrpw", "lrq", "swite"] {
            guard case .refused = request(refused) else {
                Issue.record("SETACL \(refused) should be refused")
                continue
            }
        }
    }

    @Test func onlyWritingAccessOpensReadWrite() {
        #expect(SharedMailboxRules.mayWrite(.owner))
        #expect(SharedMailboxRules.mayWrite(.grantee(.sendAs)))
        #expect(!SharedMailboxRules.mayWrite(.grantee(.sendOnBehalf)))
        #expect(!SharedMailboxRules.mayWrite(.grantee(.readOnly)))
        #expect(!SharedMailboxRules.mayWrite(.none))
    }
}
