import Foundation
import MailwardCore
import MailwardTesting
import Testing

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("+44 7700 900123", "+447700900123"),
        ("+1 (415) 555-2671", "+14155552671"),
    ])
    func normalizesToE164(_ typed: String, _ e164: String) throws {
        #expect(try PhoneNumber(parsing: typed).e164 == e164)
    }

    @Test(arguments: ["", "12345", "23800138000", "+8612800138000", "+86 1380013800", "+0123456789", "abc", "+86 138 0013 8000 x",
                      String(repeating: "1", count: 100), "+1234567890123456"])
    func refusesInvalidNumbers(_ typed: String) {
        #expect(throws: TwoStepError.invalidPhone) { try PhoneNumber(parsing: typed) }
    }

    @Test func hintsHideTheMiddle() throws {
        #expect(try PhoneNumber(parsing: "13800138000").hint == "+86 138****8000")
        #expect(try PhoneNumber(parsing: "+447700900123").hint == "+44 ******0123")
        // The country code stays whole (the webmail audit saw "+85*****4567" for Hong Kong).
        #expect(try PhoneNumber(parsing: "+85291234567").hint == "+852 ****4567")
        #expect(try PhoneNumber(parsing: "+12025550123").hint == "+1 ******0123")
        #expect(try PhoneNumber(parsing: "+886912345678").hint == "+886 *****5678")
    }
}

@Suite struct CodeAndPasswordFormatTests {
    @Test func codesAreSixDigits() {
        let random = SeededRandomSource(seed: 7)
        for _ in 0..<200 {
            let code = VerificationCode.generate(random)
            #expect(code.count == 6)
            #expect(code.allSatisfy { $0.isASCII && $0.isNumber })
        }
        #expect(VerificationCode.normalize(" 123 456 ") == "123456")
        #expect(VerificationCode.normalize("１２３４５６") == "123456")
        #expect(VerificationCode.normalize("12345") == nil)
        #expect(VerificationCode.normalize("12345a") == nil)
    }

    @Test func appPasswordsAreSixteenUnambiguousCharacters() {
        let random = SeededRandomSource(seed: 9)
        var seen = Set<String>()
        for _ in 0..<100 {
            let password = AppPasswordFormat.generate(random)
            #expect(password.count == 16)
            #expect(!password.contains { "01ilo".contains($0) })
            seen.insert(password)
            #expect(AppPasswordFormat.normalize(AppPasswordFormat.grouped(password).uppercased()) == password)
        }
        #expect(seen.count == 100)
        #expect(AppPasswordFormat.normalize("abcd efgh jkmn pqrs") == "abcdefghjkmnpqrs")
        #expect(AppPasswordFormat.normalize("abcd efgh jkmn pqr") == nil)
        #expect(AppPasswordFormat.normalize("abcd efgh jkmn pqr0") == nil)
        #expect(AppPasswordFormat.validName("  Foxmail  ") == "Foxmail")
        #expect(AppPasswordFormat.validName("   ") == nil)
        #expect(AppPasswordFormat.validName(String(repeating: "x", count: 65)) == nil)
    }

    @Test func userAgentSummaries() {
        #expect(UserAgentSummary.summarize("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36") == "Chrome 120 · Windows")
        #expect(UserAgentSummary.summarize("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1") == "Safari 17 · iOS")
        #expect(UserAgentSummary.summarize(nil) == "Unknown browser")
    }

    @Test func serverKeyHashesAreKeyedAndSeparatedByPurpose() throws {
        let key = try ServerKey(bytes: Array(repeating: 7, count: 32))
        let other = try ServerKey(bytes: Array(repeating: 8, count: 32))
        #expect(key.hash(.appPassword, "secret") != other.hash(.appPassword, "secret"))
        #expect(key.hash(.appPassword, "secret") != key.hash(.session, "secret"))
        #expect(key.matches(.session, "secret", hash: key.hash(.session, "secret")))
        #expect(!key.hash(.session, "secret").contains("secret"))
        #expect(throws: MailwardError.self) { try ServerKey(bytes: [1, 2, 3]) }
        let token = SecretToken.generate(SeededRandomSource())
        #expect(SecretToken.isWellFormed(token))
        #expect(!SecretToken.isWellFormed(token + "x"))
        #expect(!SecretToken.isWellFormed(String(token.dropLast()) + "!"))
    }

    @Test func smsTextsNameSystemAndPurposeAndEndWithTheCode() {
        let zh = SMSTexts.text(purpose: .signIn, code: "042137", minutes: 5, systemName: "院邮件系统", language: .zhCN)
        #expect(zh.hasPrefix("【院邮件系统】"))
        #expect(zh.contains("登录"))
        #expect(zh.hasSuffix("042137"))
        let en = SMSTexts.text(purpose: .unbind, code: "042137", minutes: 5, systemName: "Mailward", language: .en)
        #expect(en.contains("unbind"))
        #expect(en.hasSuffix("042137"))
        #expect(SMSTexts.text(purpose: .bind, code: "1", minutes: 5, systemName: "M", language: .zhCN).contains("绑定"))
    }
}
