import MailwardCore
import MailwardTesting
import Testing

/// Core's account rules over each store.
@Suite struct AccountServiceTests {
    @Test(arguments: StoreKind.allCases)
    func addUserChecksEverything(_ kind: StoreKind) async throws {
        let service = AccountService(store: try await kind.makeDirectory(), clock: FixedClock())
        try await service.addDomain("Demo.Test.")
        await #expect(throws: MailwardError.duplicateDomain("demo.test")) { try await service.addDomain("demo.test") }
        await #expect(throws: MailwardError.unknownDomain("other.test")) {
            try await service.addAccount("bob@other.test", password: "Tea-Garden-42")
        }
        await #expect(throws: MailwardError.invalidAddress("bob")) { try await service.addAccount("bob", password: "Tea-Garden-42") }
        await #expect(throws: MailwardError.self) { try await service.addAccount("bob@demo.test", password: "") }
        let bob = try await service.addAccount("Bob@Demo.test", password: "Tea-Garden-42", displayName: "Bob 李")
        #expect(bob.address.description == "bob@demo.test")
        #expect(bob.displayName == "Bob 李")
        #expect(!bob.passwordHash.contains("Tea-Garden-42"))
        await #expect(throws: MailwardError.duplicateAccount("bob@demo.test")) {
            try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        }
        await #expect(throws: MailwardError.domainNotEmpty("demo.test", accounts: 1)) { try await service.removeDomain("demo.test") }
    }

    /// A display name goes into `From:` fields and every store: no control characters (a line
    /// break would start a header field of its own; PostgreSQL cannot store NUL), bounded length.
    @Test(arguments: StoreKind.allCases)
    func displayNamesWithoutControlCharacters(_ kind: StoreKind) async throws {
        let service = AccountService(store: try await kind.makeDirectory(), clock: FixedClock())
        try await service.addDomain("demo.test")
        for bad in ["Bob\u{0}Smith", "Bob\r\nBcc: victim@example.com", "Bob\tSmith", "Bob\u{7F}Smith", "Bob\u{85}Smith",
                    String(repeating: "名", count: AccountService.displayNameLimit + 1)] {
            await #expect(throws: MailwardError.self, "\(bad.debugDescription)") {
                try await service.addAccount("bob@demo.test", password: "Tea-Garden-42", displayName: bad)
            }
        }
        #expect(try await service.domains().count == 1)
        await #expect(throws: MailwardError.unknownAccount("bob@demo.test")) { try await service.account("bob@demo.test") }
        let named = try await service.addAccount("bob@demo.test", password: "Tea-Garden-42",
                                                 displayName: "  " + String(repeating: "名", count: AccountService.displayNameLimit) + "\n")
        #expect(named.displayName.count == AccountService.displayNameLimit)
        #expect(try await service.addAccount("amy@demo.test", password: "Tea-Garden-42", displayName: " \n ").displayName == "amy")
    }

    /// An internationalized domain is one domain in both spellings (Unicode and IDNA A-label):
    /// for `domain add`, account lookups, routing and sign-in, whichever was used to create it.
    @Test(arguments: StoreKind.allCases)
    func bothSpellingsOfAnIDNDomainAreOne(_ kind: StoreKind) async throws {
        let directory = try await kind.makeDirectory()
        let service = AccountService(store: directory, clock: FixedClock())
        try await service.addDomain("测试.cn")
        await #expect(throws: MailwardError.duplicateDomain("测试.cn")) { try await service.addDomain("xn--0zwm56d.cn") }
        try await service.addDomain("xn--bcher-kva.example")
        await #expect(throws: MailwardError.duplicateDomain("bücher.example")) { try await service.addDomain("Bücher.example") }
        #expect(try await service.domains().map(\.name) == ["bücher.example", "测试.cn"])

        let user = try await service.addAccount("user@测试.cn", password: "Tea-Garden-42")
        #expect(try await service.account("user@xn--0zwm56d.cn").id == user.id)
        #expect(try await directory.account(address: EmailAddress("USER@XN--0ZWM56D.CN"))?.id == user.id)
        #expect(try await service.route(EmailAddress("user@xn--0zwm56d.cn")) == .local(user))
        #expect(try await service.route(EmailAddress("nobody@xn--0zwm56d.cn")) == .unknownLocal)
        #expect(try await service.accounts(inDomain: "xn--0zwm56d.cn").map(\.id) == [user.id])
        #expect(try await service.verifyPassword("user@xn--0zwm56d.cn", "Tea-Garden-42")?.id == user.id)
        await #expect(throws: MailwardError.duplicateAccount("user@测试.cn")) {
            try await service.addAccount("user@xn--0zwm56d.cn", password: "Tea-Garden-42")
        }

        let reader = try await service.addAccount("leser@xn--bcher-kva.example", password: "Tea-Garden-42")
        #expect(reader.address.description == "leser@bücher.example")
        #expect(try await service.account("leser@bücher.example").id == reader.id)
        try await service.addAlias("alias@bücher.example", for: "user@xn--0zwm56d.cn")
        #expect(try await service.route(EmailAddress("alias@xn--bcher-kva.example")) == .local(user))
    }

    /// An imported hash is upgraded at sign-in, and the answer is the account as now stored:
    /// IMAP and POP3 sessions compare its hash to notice a later password change (SPEC A13).
    @Test(arguments: StoreKind.allCases)
    func anImportedHashIsUpgradedAndTheAnswerIsTheStoredAccount(_ kind: StoreKind) async throws {
        let directory = try await kind.makeDirectory()
        let service = AccountService(store: directory, clock: FixedClock())
        try await service.addDomain("demo.test")
        var bob = try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        bob.passwordHash = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"
        try await directory.updateAccount(bob)
        let verified = try #require(try await service.verifyPassword("bob@demo.test", "Hello world!"))
        #expect(verified.passwordHash.hasPrefix("$scrypt$"))
        #expect(try await directory.account(id: bob.id)?.passwordHash == verified.passwordHash)
    }

    /// The one answer SMTP RCPT, webmail sending and the queue's local hop share.
    /// postmaster@ any local domain routes to the configured postmaster unless the domain has
    /// its own; elsewhere postmaster is an address like any other.
    @Test(arguments: StoreKind.allCases)
    func postmasterOfEveryLocalDomainHasSomeone(_ kind: StoreKind) async throws {
        let directory = try await kind.makeDirectory()
        let setup = AccountService(store: directory, clock: FixedClock())
        try await setup.addDomain("demo.test")
        try await setup.addDomain("other.test")
        let bob = try await setup.addAccount("bob@demo.test", password: "Tea-Garden-42")
        let carol = try await setup.addAccount("carol@other.test", password: "Tea-Garden-42")
        let service = AccountService(store: directory, clock: FixedClock(), postmaster: try EmailAddress("bob@demo.test"))
        #expect(try await service.route(EmailAddress("PostMaster@other.test")) == .local(bob))
        try await service.addAlias("postmaster@other.test", for: "carol@other.test")
        #expect(try await service.route(EmailAddress("postmaster@other.test")) == .local(carol))
        #expect(try await service.route(EmailAddress("postmaster@example.com")) == .remote)
        #expect(try await setup.route(EmailAddress("postmaster@demo.test")) == .unknownLocal)
    }

    /// Aliases as the `mailward alias` command manages them.
    @Test(arguments: StoreKind.allCases)
    func aliasesAreListedAndRemoved(_ kind: StoreKind) async throws {
        let service = AccountService(store: try await kind.makeDirectory(), clock: FixedClock())
        try await service.addDomain("demo.test")
        try await service.addDomain("other.test")
        let bob = try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        try await service.addAlias("postmaster@other.test", for: "bob@demo.test")
        try await service.addAlias("info@demo.test", for: "bob@demo.test")
        #expect(try await service.aliases().map(\.alias.address.description) == ["info@demo.test", "postmaster@other.test"])
        #expect(try await service.aliases(inDomain: "other.test").map(\.account) == [bob])
        try await service.removeAlias("info@demo.test")
        #expect(try await service.route(EmailAddress("info@demo.test")) == .unknownLocal)
        await #expect(throws: MailwardError.self) { try await service.removeAlias("info@demo.test") }
    }

    @Test(arguments: StoreKind.allCases)
    func routeTellsLocalUnknownAndRemote(_ kind: StoreKind) async throws {
        let service = AccountService(store: try await kind.makeDirectory(), clock: FixedClock())
        try await service.addDomain("demo.test")
        try await service.addDomain("other.test")
        let bob = try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        try await service.addAlias("robert@other.test", for: "bob@demo.test")
        #expect(try await service.route(EmailAddress("bob@demo.test")) == .local(bob))
        #expect(try await service.route(EmailAddress("robert@other.test")) == .local(bob))
        #expect(try await service.route(EmailAddress("nobody@demo.test")) == .unknownLocal)
        #expect(try await service.route(EmailAddress("bob@example.com")) == .remote)
        try await service.setDisabled("bob@demo.test", true)
        #expect(try await service.route(EmailAddress("bob@demo.test")) == .disabledLocal)
        #expect(try await service.route(EmailAddress("robert@other.test")) == .disabledLocal)
        // What lets route look at the account first: a domain that still has an alias stays.
        await #expect(throws: (any Error).self) { try await service.removeDomain("other.test") }
        #expect(try await service.route(EmailAddress("nobody@other.test")) == .unknownLocal)
    }

    @Test(arguments: StoreKind.allCases)
    func passwordsDisableAndAliases(_ kind: StoreKind) async throws {
        let service = AccountService(store: try await kind.makeDirectory(), clock: FixedClock())
        try await service.addDomain("demo.test")
        try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        #expect(try await service.verifyPassword("bob@demo.test", "Tea-Garden-42") != nil)
        #expect(try await service.verifyPassword("BOB@demo.test", "Tea-Garden-42") != nil)
        #expect(try await service.verifyPassword("bob@demo.test", "tea-garden-42") == nil)
        #expect(try await service.verifyPassword("nobody@demo.test", "Tea-Garden-42") == nil)
        try await service.setPassword("bob@demo.test", to: "Moon-River-77")
        #expect(try await service.verifyPassword("bob@demo.test", "Tea-Garden-42") == nil)
        #expect(try await service.verifyPassword("bob@demo.test", "Moon-River-77") != nil)
        try await service.setDisabled("bob@demo.test", true)
        #expect(try await service.verifyPassword("bob@demo.test", "Moon-River-77") == nil)
        try await service.setDisabled("bob@demo.test", false)
        try await service.addAlias("robert@demo.test", for: "bob@demo.test")
        #expect(try await service.resolveRecipient(EmailAddress("robert@demo.test"))?.address.description == "bob@demo.test")
        await #expect(throws: MailwardError.duplicateAlias("robert@demo.test")) {
            try await service.addAccount("robert@demo.test", password: "Tea-Garden-42")
        }
        await #expect(throws: MailwardError.duplicateAlias("robert@demo.test")) {
            try await service.addAlias("robert@demo.test", for: "bob@demo.test")
        }
        // A domain with only an alias left (to an account elsewhere) says so, not a store error.
        try await service.addDomain("old.test")
        try await service.addAlias("bob@old.test", for: "bob@demo.test")
        await #expect(throws: MailwardError.domainHasAliases("old.test", aliases: 1)) { try await service.removeDomain("old.test") }
        try await service.removeAlias("bob@old.test")
        try await service.removeDomain("old.test")
        try await service.removeAccount("bob@demo.test")
        await #expect(throws: MailwardError.unknownAccount("bob@demo.test")) { _ = try await service.account("bob@demo.test") }
        try await service.removeDomain("demo.test")
        #expect(try await service.domains().isEmpty)
    }

    @Test func outdatedHashIsUpgradedAfterSignIn() async throws {
        let store = InMemoryDirectoryStore()
        let service = AccountService(store: store, clock: FixedClock())
        try await service.addDomain("demo.test")
        var bob = try await service.addAccount("bob@demo.test", password: "Tea-Garden-42")
        bob.passwordHash = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"
        try await store.updateAccount(bob)
        #expect(try await service.verifyPassword("bob@demo.test", "Hello world!") != nil)
        #expect(await store.account(id: bob.id)?.passwordHash.hasPrefix("$scrypt$") == true)
        #expect(try await service.verifyPassword("bob@demo.test", "Hello world!") != nil)
    }
}
