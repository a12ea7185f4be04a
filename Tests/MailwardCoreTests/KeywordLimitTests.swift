import MailwardCore
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
        #expect(KeywordLimit.keywords(of: ["\\Seen", "\\Answered", "$Forwarded", "Junk"]).sorted() == ["$Forwarded", "Junk"])
        #expect(KeywordLimit.allowsNewKeywords(Self.keywords(KeywordLimit.perMailbox - 1).union(MessageFlags(MessageFlags.systemFlags))))
    }
}
