import MailwardCore
import MailwardTesting
import Testing

/// The keywords one mailbox's messages may use between them (`KeywordLimit`).
@Suite struct KeywordLimitTests {
    static func keywords(_ count: Int, prefix: String = "k") -> MessageFlags {
        MessageFlags((0..<count).map { "\(prefix)\($0)" })
    }

    @Test func newKeywordsFitUpToTheLimit() {
        let almost = Self.keywords(KeywordLimit.perMailbox - 2)
        #expect(KeywordLimit.admits(["$Work", "$Home", "\\Seen"], into: almost))
        #expect(!KeywordLimit.admits(["$Work", "$Home", "$Play"], into: almost))
        #expect(KeywordLimit.allowsNewKeywords(almost))
    }

    @Test func aFullMailboxTakesOnlyKeywordsItHas() {
        let full = Self.keywords(KeywordLimit.perMailbox).union(["\\Seen", "\\Flagged"])
        #expect(!KeywordLimit.allowsNewKeywords(full))
        #expect(KeywordLimit.admits(["k0", "K1", "\\Seen", "\\Deleted"], into: full), "known ones, in any case, and system flags")
        #expect(KeywordLimit.admits([], into: full))
        #expect(!KeywordLimit.admits(["k0", "$New"], into: full))
    }

    @Test func systemFlagsAreNotKeywords() {
        let flags: MessageFlags = ["\\Seen", "\\Answered", "$Forwarded", "Junk"]
        #expect(flags.keywords.sorted == ["$Forwarded", "Junk"])
        #expect(flags.keywords.contains("junk"), "keywords compare without case")
        #expect(KeywordLimit.allowsNewKeywords(Self.keywords(KeywordLimit.perMailbox - 1).union(MessageFlags(MessageFlags.systemFlags))))
    }

    @Test func copiesLoseTheNewKeywordsPastTheLimit() {
        let almost = Self.keywords(KeywordLimit.perMailbox - 1)
        #expect(KeywordLimit.excess(of: ["k0", "$b", "$a", "\\Seen"], into: almost).sorted == ["$b"],
                "known ones stay; of the new ones, the first in alphabetical order takes the last place")
        #expect(KeywordLimit.excess(of: ["k0", "k1"], into: almost).isEmpty)
        let full = Self.keywords(KeywordLimit.perMailbox)
        #expect(KeywordLimit.excess(of: ["$x", "k5"], into: full).sorted == ["$x"])
        #expect(KeywordLimit.excess(of: ["$x"], into: Self.keywords(KeywordLimit.perMailbox + 3)).sorted == ["$x"],
                "a mailbox over the limit (from before it) takes none")
    }

    @Test func aCensusCountsTheMessagesAskedFor() {
        let states = [MessageState(uid: 1, modSeq: 1, flags: ["\\Seen", "$a"]),
                      MessageState(uid: 2, modSeq: 1, flags: ["$b"]),
                      MessageState(uid: 3, modSeq: 1, flags: ["\\Seen", "$a"])]
        #expect(states.allKeywords.sorted == ["$a", "$b"])
        #expect(states.keywords { $0 != 2 }.sorted == ["$a"])
        #expect(states.keywords { $0 == 4 }.isEmpty)
    }

    /// The service reads the mailboxes' flags itself when no census is given (the webmail).
    @Test func theServiceAppliesTheLimitToEveryWayIn() async throws {
        let mail = MailService(store: InMemoryMailStore(), blobs: InMemoryBlobStore())
        try await mail.provision(accountID: 7)
        let full = try await mail.createMailbox(accountID: 7, name: "Full")
        let other = try await mail.createMailbox(accountID: 7, name: "Other")
        let message = Array("From: a@demo.test\r\nSubject: s\r\n\r\nbody\r\n".utf8)
        let first = try await mail.appendFromClient(message, to: full, flags: Self.keywords(KeywordLimit.perMailbox - 1))
        let second = try await mail.appendFromClient(message, to: full, flags: ["only-here"])
        await #expect(throws: MailError.tooManyKeywords) {
            _ = try await mail.appendFromClient(message, to: full, flags: ["\\Seen", "new"])
        }
        await #expect(throws: MailError.tooManyKeywords) {
            _ = try await mail.updateFlags(mailboxID: full.id, uids: [first.uid], change: .add(["new"]))
        }
        _ = try await mail.updateFlags(mailboxID: full.id, uids: [second.uid], change: .replace(["replaced"]))
        _ = try await mail.updateFlags(mailboxID: full.id, uids: [first.uid], change: .add(["replaced", "\\Flagged"]))

        let carried = try await mail.appendFromClient(message, to: other, flags: ["k3", "zz", "\\Seen"])
        let copied = try await mail.copy(uids: [carried.uid], from: other.id, to: full.id)
        let moved = try await mail.move(uids: [carried.uid], from: other.id, to: full.id)
        let copies = try await mail.store.messages(mailboxID: full.id, uids: (copied + moved).map(\.destination))
        #expect(copies.map(\.flags) == [["k3", "\\Seen"], ["k3", "\\Seen"]], "zz did not fit; k3 was known")
        #expect(try await mail.store.changes(mailboxID: full.id, since: 0)?.changed.allKeywords.count == KeywordLimit.perMailbox)
    }
}
