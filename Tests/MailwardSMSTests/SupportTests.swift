import Foundation
import MailwardCore
import MailwardSMS
import Testing

@Suite struct OutboxLineTests {
    @Test func formatsOneLineWithKeysInOrder() {
        let line = OutboxLine.encode(
            SMSMessage(to: "+8613800138000", text: "【Mailward】登录验证码 123456"),
            at: Date(timeIntervalSince1970: 1_795_931_228.75)
        )
        #expect(line == "{\"at\":\"2026-11-29T05:47:08Z\",\"to\":\"+8613800138000\",\"text\":\"【Mailward】登录验证码 123456\"}\n")
    }

    @Test func escapesQuotesAndControlCharacters() throws {
        let line = OutboxLine.encode(SMSMessage(to: "+1", text: "a\"b\\c\nd\u{1}/é"), at: Date(timeIntervalSince1970: 0))
        #expect(line == "{\"at\":\"1970-01-01T00:00:00Z\",\"to\":\"+1\",\"text\":\"a\\\"b\\\\c\\nd\\u0001/é\"}\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?["text"] == "a\"b\\c\nd\u{1}/é")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (951_782_400.0, "2000-02-29T00:00:00Z"),
        (4_107_542_399.0, "2100-02-28T23:59:59Z"),
        (-1.0, "1969-12-31T23:59:59Z"),
    ])
    func formatsUTCDates(seconds: Double, expected: String) {
        let line = OutboxLine.encode(SMSMessage(to: "+1", text: ""), at: Date(timeIntervalSince1970: seconds))
        #expect(line.hasPrefix("{\"at\":\"\(expected)\""))
    }
}

@Suite struct MaskingAndTemplateTests {
    @Test(arguments: [
        ("+8613800138000", "+86138****8000"),
        ("+14155550100", "+141****0100"),
        ("12345", "****45"),
    ])
    func masksPhoneNumbers(number: String, expected: String) {
        #expect(maskedPhoneNumber(number) == expected)
    }

    @Test func extractsTheCodeFromText() {
        let message = SMSMessage(to: "+8613800138000", text: "【Mailward】您的登录验证码为 482913，5分钟内有效。")
        #expect(SMSTemplateMessage(message) == SMSTemplateMessage(to: "+8613800138000", code: "482913"))
        #expect(SMSTemplateMessage(SMSMessage(to: "+1", text: "no code here, 5 minutes")) == nil)
        #expect(SMSTemplateMessage(SMSMessage(to: "+1", text: "Mailward 2026: code 482913, valid until 2359"))?.code == "482913")
        #expect(SMSTemplateMessage(SMSMessage(to: "+1", text: "code 4829"))?.code == "4829")
        #expect(SMSTemplateMessage(SMSMessage(to: "+1", text: "code 1234567890123"))?.code == nil)
        // A Core message that carries its code and purpose is used as is.
        let explicit = SMSMessage(to: "+8613800138000", text: "登录验证码 111111", purpose: .signIn, code: "482913")
        #expect(SMSTemplateMessage(explicit) == SMSTemplateMessage(to: "+8613800138000", code: "482913", purpose: .signIn))
    }

    @Test func templateSetFallsBackToDefault() {
        let set = SMSTemplateSet(defaultTemplate: "D", perPurpose: [.bind: "B"])
        #expect(set.template(for: .bind) == "B")
        #expect(set.template(for: .unbind) == "D")
        #expect(set.template(for: nil) == "D")
    }

    @Test func secretsNeverPrint() {
        let secret: SMSSecret = "hunter2"
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret).contains("hunter2") == false)
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}
