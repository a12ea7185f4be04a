import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import Testing

/// SPEC S4/S5 in Core: which shared addresses a grantee may send as, how the mail goes out
/// (`Sender:` for on behalf, none for send as), the two Sent copies and the owner's audit trail.
@Suite struct SharedSendingTests {
    struct World {
        let accounts: AccountService
        let mail: MailService
        let shares: ShareService
        let security: InMemorySecurityStore
        let office: Account, li: Account, wang: Account
        let context = ClientContext(ip: "192.0.2.9")

        var submission: SubmissionService { SubmissionService(mail: mail, accounts: accounts, shares: shares, outbound: nil) }
        var policy: SendingPolicy { SendingPolicy(accounts: accounts, shares: shares) }

        func messages(_ account: Account, _ use: SpecialUse?) async throws -> [MessageRecord] {
            let box = use == nil ? try await mail.inbox(accountID: account.id)
                : try #require(try await mail.mailbox(accountID: account.id, specialUse: use!))
            return try await mail.store.messages(mailboxID: box.id)
        }

        func text(_ record: MessageRecord) async throws -> String {
            String(decoding: try await mail.raw(record), as: UTF8.self)
        }
    }

    func world() async throws -> World {
        let clock = FixedClock()
        let mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore(), clock: clock)
        let accounts = AccountService(store: InMemoryDirectoryStore(), clock: clock,
                                      hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)),
                                      onAccountCreated: { try await mail.provision(accountID: $0.id) })
        let security = InMemorySecurityStore()
        let env = SecurityEnvironment(accounts: accounts, store: security, key: ServerKey.generate(SeededRandomSource(seed: 3)),
                                      settings: TwoStepSettings(), clock: clock, random: SeededRandomSource(seed: 4),
                                      sms: RecordingSMSSender())
        let shares = ShareService(env, store: InMemoryShareStore())
        try await accounts.addDomain("demo.test")
        let office = try await accounts.addAccount("office@demo.test", password: "Tea-Garden-42", displayName: "办公室")
        let li = try await accounts.addAccount("li@demo.test", password: "Tea-Garden-42", displayName: "李四")
        let wang = try await accounts.addAccount("wang@demo.test", password: "Tea-Garden-42", displayName: "王五")
        try await accounts.addAlias("info@demo.test", for: "office@demo.test")
        return World(accounts: accounts, mail: mail, shares: shares, security: security, office: office, li: li, wang: wang)
    }

    @Test func authorityFollowsThePermissionTable() async throws {
        let w = try await world()
        let officeAddress = try EmailAddress("office@demo.test"), alias = try EmailAddress("info@demo.test")
        #expect(try await w.policy.authority(sender: officeAddress, account: w.li) == nil)

        #expect(try await w.policy.decision(sender: officeAddress, account: w.li) == .notAllowed)

        let grant = try await w.shares.share(w.office, with: "li@demo.test", permission: .readOnly, context: w.context)
        #expect(try await w.policy.authority(sender: officeAddress, account: w.li) == nil)
        // A refusal that can say why: the share is read only.
        #expect(try await w.policy.decision(sender: alias, account: w.li) == .permissionForbids(.readOnly))
        #expect(try await w.policy.headerDecision(of: Array("From: li@demo.test, office@demo.test\r\n\r\nx\r\n".utf8), account: w.li)
                == .permissionForbids(.readOnly))
        #expect(try await w.policy.headerDecision(of: Array("Subject: no author\r\n\r\nx\r\n".utf8), account: w.li) == .noAddress)

        _ = try await w.shares.changePermission(w.office, shareID: grant.grant.id, to: .sendOnBehalf, context: w.context)
        #expect(try await w.policy.authority(sender: officeAddress, account: w.li) == .shared(owner: w.office, mode: .onBehalf(grantee: w.li.address)))
        #expect(try await w.policy.authority(sender: alias, account: w.li) == .shared(owner: w.office, mode: .onBehalf(grantee: w.li.address)))

        _ = try await w.shares.changePermission(w.office, shareID: grant.grant.id, to: .sendAs, context: w.context)
        #expect(try await w.policy.authority(sender: officeAddress, account: w.li) == .shared(owner: w.office, mode: .asOwner))
        // The grant is the office's to li, never the other way round.
        #expect(try await w.policy.authority(sender: w.li.address, account: w.office) == nil)
        #expect(try await w.policy.authority(sender: officeAddress, account: w.wang) == nil)

        try await w.shares.revoke(w.office, shareID: grant.grant.id, context: w.context)
        #expect(try await w.policy.authority(sender: officeAddress, account: w.li) == nil)
    }

    @Test func headerAuthorityRefusesMixedOwners() async throws {
        let w = try await world()
        try await w.shares.share(w.office, with: "li@demo.test", permission: .sendAs, context: w.context)
        try await w.shares.share(w.wang, with: "li@demo.test", permission: .sendAs, context: w.context)
        func authority(_ from: String) async throws -> SendingPolicy.Authority? {
            try await w.policy.headerAuthority(of: Array("From: \(from)\r\n\r\nbody\r\n".utf8), account: w.li)
        }
        #expect(try await authority("li@demo.test") == .own)
        #expect(try await authority("office@demo.test, li@demo.test") == .shared(owner: w.office, mode: .asOwner))
        #expect(try await authority("office@demo.test, wang@demo.test") == nil)
    }

    @Test func sendOnBehalfSetsSenderAndFilesBothSentCopies() async throws {
        let w = try await world()
        try await w.shares.share(w.office, with: "li@demo.test", permission: .sendOnBehalf, context: w.context)
        let result = try await w.submission.send(
            OutgoingMessage(from: "office@demo.test", to: ["wang@demo.test"], subject: "通知", text: "明天开会"), as: w.li,
            clientIP: "198.51.100.7")
        #expect(result.deliveredLocally == ["wang@demo.test"])

        let received = try await w.text(try #require(try await w.messages(w.wang, nil).first))
        #expect(received.contains("From: =?UTF-8?B?5Yqe5YWs5a6k?= <office@demo.test>"))
        #expect(received.contains("Sender: =?UTF-8?B?5p2O5Zub?= <li@demo.test>"))
        #expect(try await w.messages(w.li, .sent).count == 1)
        let ownerCopy = try #require(try await w.messages(w.office, .sent).first)
        #expect(ownerCopy.flags.contains(MessageFlags.seen))
        #expect(try await w.text(ownerCopy).contains("Sender: =?UTF-8?B?5p2O5Zub?= <li@demo.test>"))

        let events = await w.security.auditEvents(accountID: w.office.id, kinds: [.sharedMailboxAction], limit: 10)
        #expect(events.count == 1)
        #expect(events.first?.detail.contains("li@demo.test") == true)
        #expect(events.first?.method == "send")
        #expect(events.first?.ip == "198.51.100.7", "the owner's log shows where the colleague sent from")
    }

    @Test func sendAsGoesOutAsTheOwnerWithoutSender() async throws {
        let w = try await world()
        try await w.shares.share(w.office, with: "li@demo.test", permission: .sendAs, context: w.context)
        _ = try await w.submission.send(OutgoingMessage(from: "office@demo.test", to: ["wang@demo.test"], subject: "s", text: "t"), as: w.li)
        let received = try await w.text(try #require(try await w.messages(w.wang, nil).first))
        #expect(received.contains("<office@demo.test>"))
        #expect(!received.contains("Sender:"))
        #expect(!received.contains("li@demo.test"))
        #expect(try await w.messages(w.office, .sent).count == 1)
    }

    /// Send-as mail is the owner's in every header: its Message-ID names the owner's domain, not
    /// the grantee's (a colleague of another domain of the server).
    @Test func sendAsMessageIDNamesTheOwnersDomain() async throws {
        let w = try await world()
        try await w.accounts.addDomain("branch.test")
        let zhao = try await w.accounts.addAccount("zhao@branch.test", password: "Tea-Garden-42", displayName: "赵六")
        try await w.shares.share(w.office, with: "zhao@branch.test", permission: .sendAs, context: w.context)
        _ = try await w.submission.send(OutgoingMessage(from: "office@demo.test", to: ["wang@demo.test"], subject: "s", text: "t"), as: zhao)
        let received = try await w.text(try #require(try await w.messages(w.wang, nil).first))
        let messageID = try #require(received.split(separator: "\r\n").first { $0.lowercased().hasPrefix("message-id:") })
        #expect(messageID.hasSuffix("@demo.test>"), "\(messageID)")
        #expect(!received.contains("branch.test"))
    }

    @Test func readOnlyCannotSendAndNothingMoves() async throws {
        let w = try await world()
        try await w.shares.share(w.office, with: "li@demo.test", permission: .readOnly, context: w.context)
        // The refusal names the permission, as in every door (SPEC S: "a clear message").
        await #expect(throws: ShareError.denied(.send, .readOnly)) {
            _ = try await w.submission.send(OutgoingMessage(from: "office@demo.test", to: ["wang@demo.test"], text: "t"), as: w.li)
        }
        #expect(try await w.messages(w.wang, nil).isEmpty)
        #expect(try await w.messages(w.li, .sent).isEmpty)
        #expect(try await w.messages(w.office, .sent).isEmpty)
    }

    @Test func finalHeadersReplaceWhateverTheClientWrote() async throws {
        let w = try await world()
        let raw = Array("From: office@demo.test\r\nSender: someone@else.test\r\nSubject: x\r\n\r\nSender: in the body\r\n".utf8)
        let onBehalf = String(decoding: try await w.policy.finalHeaders(
            raw, authority: .shared(owner: w.office, mode: .onBehalf(grantee: w.li.address)), account: w.li), as: UTF8.self)
        #expect(onBehalf == "From: office@demo.test\r\nSender: =?UTF-8?B?5p2O5Zub?= <li@demo.test>\r\nSubject: x\r\n\r\nSender: in the body\r\n")
        let asOwner = String(decoding: try await w.policy.finalHeaders(raw, authority: .shared(owner: w.office, mode: .asOwner),
                                                                       account: w.li), as: UTF8.self)
        #expect(asOwner == "From: office@demo.test\r\nSubject: x\r\n\r\nSender: in the body\r\n")
    }

    /// Own mail may not claim that someone else sent it: the webmail would show "X 代 Y 发送".
    @Test func ownMailKeepsOnlyASenderOfItsOwn() async throws {
        let w = try await world()
        func final(_ text: String, _ authority: SendingPolicy.Authority = .own) async throws -> String {
            String(decoding: try await w.policy.finalHeaders(Array(text.utf8), authority: authority, account: w.li), as: UTF8.self)
        }
        let plain = "From: li@demo.test\r\nSubject: x\r\n\r\nbody\r\n"
        #expect(try await final(plain) == plain)
        let ownSender = "From: li@demo.test\r\nSender: li@demo.test\r\nSubject: x\r\n\r\nbody\r\n"
        #expect(try await final(ownSender) == ownSender)
        // Another mailbox (no share), a colleague, a stranger: removed.
        for forged in ["office@demo.test", "wang@demo.test", "boss@elsewhere.test"] {
            #expect(try await final("From: li@demo.test\r\nSender: \(forged)\r\nSubject: x\r\n\r\nbody\r\n") == plain)
        }
        // Several authors need a Sender (RFC 5322 §3.6.2): the account.
        let li = "Sender: =?UTF-8?B?5p2O5Zub?= <li@demo.test>\r\n"
        #expect(try await final("From: li@demo.test, wang@demo.test\r\nSubject: x\r\n\r\nbody\r\n")
            .contains(li))
        #expect(try await final("From: li@demo.test, office@demo.test\r\nSubject: x\r\n\r\nbody\r\n",
                                .shared(owner: w.office, mode: .asOwner)).contains(li))
    }
}
