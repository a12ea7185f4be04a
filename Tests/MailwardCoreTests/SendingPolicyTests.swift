import Foundation
import MailwardCore
import MailwardMIME
import MailwardTesting
import Testing

/// SPEC M2: the addresses an account may send as (own address and its aliases for now).
@Suite struct SendingPolicyTests {
    func setUp() async throws -> (SendingPolicy, Account, Account) {
        let accounts = AccountService(store: InMemoryDirectoryStore(),
                                      hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)))
        try await accounts.addDomain("example.test")
        let alice = try await accounts.addAccount("alice@example.test", password: "Tea-Garden-42")
        let bob = try await accounts.addAccount("bob@example.test", password: "Tea-Garden-42")
        try await accounts.addAlias("sales@example.test", for: "alice@example.test")
        return (SendingPolicy(accounts: accounts), alice, bob)
    }

    @Test func ownAddressAndAliasesOnly() async throws {
        let (policy, alice, bob) = try await setUp()
        #expect(try await policy.mayUse(sender: EmailAddress("Alice@Example.test"), account: alice))
        #expect(try await policy.mayUse(sender: EmailAddress("sales@example.test"), account: alice))
        #expect(try await !policy.mayUse(sender: EmailAddress("sales@example.test"), account: bob))
        #expect(try await !policy.mayUse(sender: EmailAddress("bob@example.test"), account: alice))
        #expect(try await !policy.mayUse(sender: EmailAddress("alice@elsewhere.test"), account: alice))
    }

    @Test func headerFromMustBeUsableAndPresent() async throws {
        let (policy, alice, _) = try await setUp()
        func check(_ headers: String) async throws -> Bool {
            try await policy.headerAuthority(of: Array((headers + "\r\n\r\nbody\r\n").utf8), account: alice) != nil
        }
        #expect(try await check("From: Alice <alice@example.test>"))
        #expect(try await check("From: =?UTF-8?B?6ZSA5ZSu?= <SALES@example.test>"))
        #expect(try await !check("From: Bob <bob@example.test>"))
        #expect(try await !check("From: alice@example.test, bob@example.test"))
        #expect(try await !check("From: alice@example.test\r\nFrom: bob@example.test"))
        #expect(try await !check("Subject: no from"))
        #expect(try await !check("From: undisclosed"))
        // Readable only one way (the outbound audit: the first was sent as alice's, and some
        // mail clients show it as from the CEO).
        #expect(try await !check("From: <alice@example.test> <ceo@other.test>"))
        #expect(try await !check("From: <alice@example.test>\r\n <ceo@other.test>"))
        #expect(try await !check("From: Alice <alice@example.test> ceo@other.test"))
        #expect(try await !check("From: ceo@other.test <alice@example.test>"))
        #expect(try await !check("From: Staff: alice@example.test;"))
        #expect(try await check("From: \"alice@example.test\" <alice@example.test>"))
        #expect(try await check("From: alice@example.test (Alice Wang)"))
        #expect(try await check("From: \"Wang, Alice\" (office) <alice@example.test>"))
        #expect(try await check("From: John Q. Public <alice@example.test>"))
        #expect(try await check("From: Alice\r\n <alice@example.test>"))
        // `Resent-From:` (a redirect) is held to the same rule (audit F9).
        #expect(try await check("From: Bob <bob@example.test>\r\nResent-From: alice@example.test") == false, "From: still decides")
        #expect(try await check("From: Alice <alice@example.test>\r\nResent-From: Alice <alice@example.test>"))
        #expect(try await !check("From: Alice <alice@example.test>\r\nResent-From: ceo@other.test"))
        #expect(try await !check("From: Alice <alice@example.test>\r\nResent-From: <alice@example.test> <ceo@other.test>"))
        // Passing on what someone else redirected before: only the newest block is the sender's.
        #expect(try await check("From: Alice <alice@example.test>\r\nResent-From: alice@example.test\r\nResent-From: someone@remote.test"))
    }

    /// The same rule on its own, over the forms mail clients write.
    @Test func unambiguousMailboxLists() {
        for good in ["a@b.test", "<a@b.test>", "A <a@b.test>", "\"A, B\" <a@b.test>", "=?UTF-8?B?5byg5LiJ?= <a@b.test>",
                     "a@b.test (A)", "A <a@b.test> (work)", "a@b.test, c@d.test", "A <a@b.test>, C <c@d.test>",
                     "<@relay.test:a@b.test>", "\"a@b.test\" <a@b.test>", "a@b.test <a@b.test>", "A@B.test <a@b.test>"] {
            #expect(AddressParser.isUnambiguousMailboxList(good), "\(good)")
        }
        for bad in ["", "undisclosed", "<a@b.test> <c@d.test>", "<a@b.test> c@d.test", "a@b.test c@d.test", "a@b.test <c@d.test>",
                    "G: a@b.test;", "a@b.test; c@d.test", "<a@b.test", "a@b.test>", "<a@b@c.test>", "<a@b.test, c@d.test>", "@b.test", "a@"] {
            #expect(!AddressParser.isUnambiguousMailboxList(bad), "\(bad)")
        }
    }
}
