import Testing
@testable import MailwardMIME

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    static let cases: [(input: String, expected: String)] = [
        ("plain text", "plain text"),
        ("=?UTF-8?B?5Lit5paH?=", "中文"),
        ("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait"),
        ("=?ISO-8859-1?Q?a?= b", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"),                       // RFC 2047 §8 examples
        ("=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a_b?=", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"),
        ("(=?ISO-8859-1?Q?a?=)", "(a)"),
        ("=?gb2312?B?1tDOxA==?=", "中文"),
        ("=?GBK?B?1tDOxOlG?=", "中文镕"),                                    // GBK-only char
        ("=?gb2312?B?6UY=?=", "镕"),                                        // labelled GB2312, really GBK
        ("=?gb18030?B?lTKCNg==?=", "𠀀"),
        ("=?big5?B?pKSk5Q==?=", "中文"),
        ("=?UTF-8?B?5Lg=?= =?UTF-8?B?reaWhw==?=", "中文"),                   // character split across words
        ("=?UTF-8*en?Q?Hello?=", "Hello"),                                   // RFC 2231 language
        ("abc=?UTF-8?B?5Lit?=def", "abc中def"),                             // glued to text
        ("=?UTF-8?B?5Lit?= text =?UTF-8?B?5paH?=", "中 text 文"),
        ("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),                               // unknown encoding: literal
        ("=?UTF-8?B?abc", "=?UTF-8?B?abc"),                                   // unterminated
        ("=?UTF-8?Q?broken text?=", "=?UTF-8?Q?broken text?="),              // whitespace inside: not a word
        ("=?no-such-charset?Q?Mr_X?=", "Mr X"),
        ("=?utf-8?B?!!!?=", ""),
        ("=??B?YQ==?=", "=??B?YQ==?="),
        ("=?", "=?"),
        ("=?utf-8?Q?a=?=", "a="),
    ]

    @Test("decoding table", arguments: cases.indices)
    func decodes(_ index: Int) {
        let (input, expected) = Self.cases[index]
        #expect(EncodedWord.decode(input) == expected, "\(input)")
    }

    @Test func encodingRoundTripsAndStaysShort() {
        let samples = ["中文邮件主题：季度报告与预算（草案）第二版，请各位审阅并于周五前反馈意见", "Grüße aus Köln", "😀 emoji 👍🏽", ""]
        for s in samples {
            let words = EncodedWord.encodeWords(s)
            #expect(words.allSatisfy { $0.utf8.count <= 75 })
            #expect(EncodedWord.decode(words.joined(separator: " ")) == s)
        }
        #expect(EncodedWord.needsEncoding("Grüße"))
        #expect(EncodedWord.needsEncoding("looks like =?utf-8?Q?x?="))
        #expect(!EncodedWord.needsEncoding("plain ASCII"))
    }
}
