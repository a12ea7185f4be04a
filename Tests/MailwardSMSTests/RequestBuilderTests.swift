import Foundation
import MailwardCore
import MailwardSMS
import Testing

/// The exact requests each gateway client builds, with fixed time and nonce. Expected signatures
/// were computed independently with a short Python script (hashlib/hmac/urllib.parse.quote with
/// safe="-_.~", json.dumps(ensure_ascii=False, separators=(",", ":"))) from the same inputs.
@Suite struct RequestBuilderTests {
    /// 2026-11-29T05:47:08Z
    static let at = Date(timeIntervalSince1970: 1_795_931_228)
    static let code = SMSTemplateMessage(to: "+8613800138000", code: "123456", purpose: .signIn)

    static let aliyun = AliyunSMSSettings(
        accessKeyID: "testAccessKeyId",
        accessKeySecret: "testAccessKeySecret",
        signName: "某某大学",
        templates: SMSTemplateSet(defaultTemplate: "SMS_123456789", perPurpose: [.bind: "SMS_222222222"])
    )

    static let tencent = TencentSMSSettings(
        secretID: "AKIDtest",
        secretKey: "testSecretKey",
        smsSdkAppID: "1400006666",
        signName: "某某大学",
        templates: SMSTemplateSet(defaultTemplate: "1234567", perPurpose: [.unbind: "7654321"]),
        extraTemplateParameters: ["5"]
    )

    @Test(arguments: [
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("+85212345678", "85212345678"),
        ("+14155550100", "14155550100"),
        ("+861380013800", "861380013800"),  // not a 11-digit mainland mobile: keep the country code
    ])
    func aliyunPhoneNumbers(e164: String, expected: String) {
        #expect(AliyunSendSmsRequest.phoneNumbersParameter(e164) == expected)
    }

    @Test func aliyunSendSms() throws {
        let request = try #require(
            AliyunSendSmsRequest.prepare(Self.code, settings: Self.aliyun, at: Self.at, nonce: "0123456789abcdef0123456789abcdef")
        )
        #expect(request.method == .POST)
        #expect(
            request.url == "https://dysmsapi.aliyuncs.com/?PhoneNumbers=13800138000"
                + "&SignName=%E6%9F%90%E6%9F%90%E5%A4%A7%E5%AD%A6&TemplateCode=SMS_123456789"
                + "&TemplateParam=%7B%22code%22%3A%22123456%22%7D"
        )
        #expect(request.body.isEmpty)
        #expect(request.headers.first(name: "x-acs-action") == "SendSms")
        #expect(request.headers.first(name: "x-acs-version") == "2017-05-25")
        #expect(request.headers.first(name: "x-acs-date") == "2026-11-29T05:47:08Z")
        #expect(request.headers.first(name: "host") == "dysmsapi.aliyuncs.com")
        #expect(
            request.headers.first(name: "Authorization")
                == "ACS3-HMAC-SHA256 Credential=testAccessKeyId,"
                + "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                + "Signature=0c0655cb2e72c9d11bdb0f51635770acb75a156ea2e2f946c42281113d3475c5"
        )
    }

    @Test func aliyunPicksTemplateByPurpose() throws {
        let bind = SMSTemplateMessage(to: "+8613800138000", code: "654321", purpose: .bind)
        let request = try #require(AliyunSendSmsRequest.prepare(bind, settings: Self.aliyun, at: Self.at, nonce: "n"))
        #expect(request.url.contains("TemplateCode=SMS_222222222"))
        #expect(request.url.contains("TemplateParam=%7B%22code%22%3A%22654321%22%7D"))
    }

    @Test func tencentSendSms() throws {
        let request = try #require(TencentSendSmsRequest.prepare(Self.code, settings: Self.tencent, at: Self.at))
        #expect(request.url == "https://sms.tencentcloudapi.com/")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400006666","SignName":"某某大学","TemplateId":"1234567","TemplateParamSet":["123456","5"]}"#
        )
        #expect(request.headers.first(name: "X-TC-Action") == "SendSms")
        #expect(request.headers.first(name: "X-TC-Version") == "2021-01-11")
        #expect(request.headers.first(name: "X-TC-Timestamp") == "1795931228")
        #expect(request.headers.first(name: "X-TC-Region") == "ap-guangzhou")
        #expect(request.headers.first(name: "Content-Type") == "application/json; charset=utf-8")
        #expect(
            request.headers.first(name: "Authorization")
                == "TC3-HMAC-SHA256 Credential=AKIDtest/2026-11-29/sms/tc3_request, "
                + "SignedHeaders=content-type;host;x-tc-action, "
                + "Signature=469926cc4bd1b34837dbece0b160aa1f51c9275e705b97eadd6dc4b8f13d17ca"
        )
    }

    @Test func tencentPicksTemplateByPurpose() {
        let unbind = SMSTemplateMessage(to: "+8613800138000", code: "1", purpose: .unbind)
        #expect(TencentSendSmsRequest.body(unbind, settings: Self.tencent).contains(#""TemplateId":"7654321""#))
    }

    /// Twilio's documented example numbers; form and Basic credentials checked against Python's
    /// urllib.parse.quote and base64.
    @Test func twilioMessage() throws {
        let settings = TwilioSMSSettings(
            accountSID: "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            authToken: "your_auth_token",
            from: "+15017122661"
        )
        let message = SMSMessage(to: "+15558675310", text: "Your Mailward sign-in code is 123456")
        let request = try #require(TwilioMessageRequest.prepare(message, settings: settings))
        #expect(request.url == "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "To=%2B15558675310&From=%2B15017122661&Body=Your%20Mailward%20sign-in%20code%20is%20123456"
        )
        #expect(
            request.headers.first(name: "Authorization")
                == "Basic QUNYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWDp5b3VyX2F1dGhfdG9rZW4="
        )
        #expect(request.headers.first(name: "Content-Type") == "application/x-www-form-urlencoded")
    }

    @Test func twilioPrefersMessagingService() throws {
        let settings = TwilioSMSSettings(
            accountSID: "AC1",
            authToken: "t",
            from: "+15017122661",
            messagingServiceSID: "MG9752274e9e519418a7406176694466fa"
        )
        let request = try #require(TwilioMessageRequest.prepare(SMSMessage(to: "+1", text: "x"), settings: settings))
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body == "To=%2B1&MessagingServiceSid=MG9752274e9e519418a7406176694466fa&Body=x")
    }

    @Test func twilioWithoutSenderIsRefused() {
        let settings = TwilioSMSSettings(accountSID: "AC1", authToken: "t")
        #expect(TwilioMessageRequest.prepare(SMSMessage(to: "+1", text: "x"), settings: settings) == nil)
    }

    @Test func webhookBody() {
        let message = SMSMessage(to: "+8613800138000", text: "【某某大学】登录验证码 123456，5分钟内有效。")
        let request = WebhookSMSSender.prepareRequest(
            message,
            url: URL(string: "https://sms-bridge.example.edu/send")!,
            secret: "webhook-secret",
            at: Self.at
        )
        #expect(request.url == "https://sms-bridge.example.edu/send")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == #"{"to":"+8613800138000","text":"【某某大学】登录验证码 123456，5分钟内有效。","at":"2026-11-29T05:47:08Z"}"#
        )
        #expect(request.headers.first(name: "X-Mailward-Timestamp") == "1795931228")
        #expect(
            request.headers.first(name: "X-Mailward-Signature")
                == "sha256=b66ab5312fd88cafa721c4b97d96c71994f511adc77843a812e3c47f717417cb"
        )
    }
}
