@testable import MailwardCore
import Testing

/// RFC 3492 §7.1's sample strings, both ways. (I) is given in the RFC with one digit in upper
/// case (a mixed-case annotation we neither need nor produce): it decodes as written and encodes
/// in lower case. (S) is ASCII only: the trailing delimiter is all that Punycode adds.
@Suite struct PunycodeTests {
    static let rfcSamples: [(name: String, unicode: String, punycode: String)] = [
        ("A Arabic (Egyptian)",
         "\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}",
         "egbpdaj6bu4bxfgehfvwxn"),
        ("B Chinese (simplified)", "他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        ("C Chinese (traditional)", "\u{4ED6}\u{5011}\u{7232}\u{4EC0}\u{9EBD}\u{4E0D}\u{8AAA}\u{4E2D}\u{6587}",
         "ihqwctvzc91f659drss3x8bo0yb"),
        ("D Czech", "Pro\u{010D}prost\u{011B}nemluv\u{00ED}\u{010D}esky", "Proprostnemluvesky-uyb24dma41a"),
        ("E Hebrew",
         "\u{05DC}\u{05DE}\u{05D4}\u{05D4}\u{05DD}\u{05E4}\u{05E9}\u{05D5}\u{05D8}\u{05DC}\u{05D0}\u{05DE}\u{05D3}\u{05D1}\u{05E8}\u{05D9}\u{05DD}\u{05E2}\u{05D1}\u{05E8}\u{05D9}\u{05EA}",
         "4dbcagdahymbxekheh6e0a7fei0b"),
        ("F Hindi (Devanagari)",
         "\u{092F}\u{0939}\u{0932}\u{094B}\u{0917}\u{0939}\u{093F}\u{0928}\u{094D}\u{0926}\u{0940}\u{0915}\u{094D}\u{092F}\u{094B}\u{0902}\u{0928}\u{0939}\u{0940}\u{0902}\u{092C}\u{094B}\u{0932}\u{0938}\u{0915}\u{0924}\u{0947}\u{0939}\u{0948}\u{0902}",
         "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"),
        ("G Japanese (kanji and hiragana)", "なぜみんな日本語を話してくれないのか", "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
        ("H Korean (Hangul syllables)", "세계의모든사람들이한국어를이해한다면얼마나좋을까",
         "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"),
        ("I Russian (Cyrillic)", "почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbaDotcwatmq2g4l"),
        ("J Spanish", "Porqu\u{00E9}nopuedensimplementehablarenEspa\u{00F1}ol", "PorqunopuedensimplementehablarenEspaol-fmd56a"),
        ("K Vietnamese", "T\u{1EA1}isaoh\u{1ECD}kh\u{00F4}ngth\u{1EC3}ch\u{1EC9}n\u{00F3}iti\u{1EBF}ngVi\u{1EC7}t",
         "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"),
        ("L 3<nen>B<gumi><kinpachi><sensei>", "3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("M <amuro><namie>-with-SUPER-MONKEYS", "安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        ("N Hello-Another-Way-<sorezore><no><basho>", "Hello-Another-Way-それぞれの場所", "Hello-Another-Way--fc4qua05auwb3674vfr0b"),
        ("O <hitotsu><yane><no><shita>2", "ひとつ屋根の下2", "2-u9tlzr9756bt3uc0v"),
        ("P Maji<de>Koi<suru>5<byou><mae>", "MajiでKoiする5秒前", "MajiKoi5-783gue6qz075azm5e"),
        ("Q <pafii>de<runba>", "パフィーdeルンバ", "de-jg4avhby1noc0d"),
        ("R <sono><supiido><de>", "そのスピードで", "d9juau41awczczp"),
        ("S -> $1.00 <-", "-> $1.00 <-", "-> $1.00 <--"),
    ]

    @Test(arguments: rfcSamples.indices)
    func rfc3492Sample(_ index: Int) {
        let sample = Self.rfcSamples[index]
        // Compared scalar by scalar: `==` on String would forgive a wrong normalization.
        #expect(Punycode.decode(sample.punycode).map { Array($0.unicodeScalars) } == Array(sample.unicode.unicodeScalars),
                "\(sample.name)")
        let expected = sample.name.hasPrefix("I ") ? sample.punycode.lowercased() : sample.punycode
        #expect(Punycode.encode(sample.unicode) == expected, "\(sample.name)")
    }

    @Test func digitsAreReadInEitherCase() {
        #expect(Punycode.decode("IHQWCRB4CV8A8DQG056PQJYE") == "他们为什么不说中文")
        #expect(Punycode.decode("0zwm56d") == "测试")
        #expect(Punycode.encode("测试") == "0zwm56d")
    }

    @Test(arguments: [
        "ihqwcrb4cv8a8dqg056pqjy",  // the last number is cut short
        "-abc",                      // a leading delimiter is not consumed, and "-" is no digit
        "a-b_c",                     // "_" is no digit
        "测试",                       // non-ASCII input
        "99999999999999",            // overflow
        "zzzzzzzzzzzzzzzzzzzz",      // overflow
        "a-9999999",                 // beyond U+10FFFF
    ])
    func invalidInputIsRefused(_ input: String) {
        #expect(Punycode.decode(input) == nil)
    }
}
