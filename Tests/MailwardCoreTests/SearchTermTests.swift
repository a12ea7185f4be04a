import MailwardCore
import Testing

@Suite struct SearchTermTests {
    /// The term's own `%`, `_` and `\` match literally — also with a combining mark after them,
    /// which makes one Swift Character of the pair but is still a `%` to SQL.
    @Test func likePatternsEscapeWildcardsScalarByScalar() {
        let mark = "\u{301}"
        #expect(MailSearchTerm.likePattern("50%_off") == "%50\\%\\_off%")
        #expect(MailSearchTerm.likePattern("a%" + mark) == "%a\\%" + mark + "%")
        #expect(MailSearchTerm.likePattern("\\" + mark) == "%\\\\" + mark + "%")
    }
}
