import AsyncHTTPClient
import Foundation
import MailwardCore
import MailwardSMS
import NIOCore
import Testing

/// Every HTTP sender against a real local server: what arrives on the socket is checked the way
/// the vendor would check it (signatures recomputed with `Independent`), and failures map to
/// `SMSDeliveryError`.
@Suite struct HTTPSenderTests {
    static let message = SMSMessage(to: "+8613800138000", text: "【Mailward】您的登录验证码为 482913，5分钟内有效。")

    static func aliyunSettings(_ server: RecordingHTTPServer) -> AliyunSMSSettings {
        AliyunSMSSettings(
            accessKeyID: "testAccessKeyId",
            accessKeySecret: "testAccessKeySecret",
            signName: "某某大学",
            templates: SMSTemplateSet(defaultTemplate: "SMS_123456789"),
            endpoint: URL(string: server.baseURL)!
        )
    }

    static func tencentSettings(_ server: RecordingHTTPServer) -> TencentSMSSettings {
        TencentSMSSettings(
            secretID: "AKIDtest",
            secretKey: "testSecretKey",
            smsSdkAppID: "1400006666",
            signName: "某某大学",
            templates: SMSTemplateSet(defaultTemplate: "1234567"),
            extraTemplateParameters: ["5"],
            endpoint: URL(string: server.baseURL)!
        )
    }

    static func twilioSettings(_ server: RecordingHTTPServer) -> TwilioSMSSettings {
        TwilioSMSSettings(
            accountSID: "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            authToken: "your_auth_token",
            from: "+15017122661",
            apiBaseURL: URL(string: server.baseURL)!
        )
    }

    // MARK: Webhook

    @Test func webhookDeliversSignedJSON() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json("", status: .noContent) }
        defer { Task { await server.shutdown() } }
        let sender = WebhookSMSSender(
            url: URL(string: "\(server.baseURL)/hooks/sms")!,
            secret: "webhook-secret",
            httpClient: .shared,
            clock: { Date(timeIntervalSince1970: 1_795_931_228) }
        )
        try await sender.send(Self.message)

        let request = try #require(server.requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/hooks/sms")
        #expect(request.headers.first(name: "content-type") == "application/json; charset=utf-8")
        let timestamp = try #require(request.headers.first(name: "x-mailward-timestamp"))
        #expect(timestamp == "1795931228")
        let expected = "sha256=" + Independent.hex(Independent.hmac(Array("webhook-secret".utf8), timestamp + "." + request.bodyText))
        #expect(request.headers.first(name: "x-mailward-signature") == expected)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(json == ["to": "+8613800138000", "text": Self.message.text, "at": "2026-11-29T05:47:08Z"])
    }

    @Test func webhookServerErrorIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json(#"{"echo":"482913"}"#, status: .internalServerError) }
        defer { Task { await server.shutdown() } }
        let sender = WebhookSMSSender(url: URL(string: server.baseURL)!, secret: "s", httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.provider == "webhook")
        #expect(error?.detail.contains("500") == true)
        #expect(error?.detail.contains("482913") == false)
    }

    @Test func webhookTimeoutIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in nil }
        defer { Task { await server.shutdown() } }
        let sender = WebhookSMSSender(url: URL(string: server.baseURL)!, secret: "s", httpClient: .shared, timeout: .milliseconds(300))
        // The server never answers: only the sender's own deadline can end this call.
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.detail.contains("no answer") == true)
    }

    /// `sms.timeout` bounds the whole answer, not only its head: a gateway that sends its head and
    /// then stalls the body fails the send in time (it hung until the gateway gave up).
    @Test func aStalledAnswerBodyIsATimeout() async throws {
        let server = try await RecordingHTTPServer.start { _ in .stalled(#"{"Code":"OK"}"#) }
        defer { Task { await server.shutdown() } }
        let sender = AliyunSMSSender(settings: Self.aliyunSettings(server), httpClient: .shared, timeout: .milliseconds(500))
        let started = ContinuousClock.now
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.detail.contains("no answer within 500 ms") == true, "\(String(describing: error))")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    // MARK: Alibaba Cloud

    @Test func aliyunSendsSignedSendSms() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(#"{"Message":"OK","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Code":"OK","BizId":"900619746936498440^0"}"#)
        }
        defer { Task { await server.shutdown() } }
        let sender = AliyunSMSSender(settings: Self.aliyunSettings(server), httpClient: .shared)
        try await sender.send(Self.message)

        let request = try #require(server.requests.first)
        #expect(request.method == .POST)
        #expect(request.path == "/")
        let query = Dictionary(uniqueKeysWithValues: Independent.decodeQuery(request.rawQuery))
        #expect(
            query == [
                "PhoneNumbers": "13800138000",
                "SignName": "某某大学",
                "TemplateCode": "SMS_123456789",
                "TemplateParam": #"{"code":"482913"}"#,
            ]
        )
        #expect(request.headers.first(name: "x-acs-action") == "SendSms")
        #expect(request.headers.first(name: "x-acs-version") == "2017-05-25")
        #expect(request.headers.first(name: "x-acs-content-sha256") == Independent.sha256Hex(request.body))
        #expect(request.headers.first(name: "host") == "127.0.0.1:\(server.port)")

        // Verify as Alibaba's gateway would, from what arrived.
        let authorization = try #require(request.headers.first(name: "authorization"))
        #expect(authorization.hasPrefix("ACS3-HMAC-SHA256 Credential=testAccessKeyId,"))
        let fields = Independent.authorizationFields(authorization)
        let signedNames = try #require(fields["SignedHeaders"]).split(separator: ";").map(String.init)
        #expect(signedNames == ["host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"])
        let canonicalQuery = Independent.decodeQuery(request.rawQuery)
            .map { (Independent.percentEncode($0.0), Independent.percentEncode($0.1)) }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        let canonicalHeaders = signedNames.map { "\($0):\(request.headers.first(name: $0)!)\n" }.joined()
        let canonicalRequest = ["POST", "/", canonicalQuery, canonicalHeaders, signedNames.joined(separator: ";"), Independent.sha256Hex(request.body)]
            .joined(separator: "\n")
        let expected = Independent.hex(
            Independent.hmac(Array("testAccessKeySecret".utf8), "ACS3-HMAC-SHA256\n" + Independent.sha256Hex(canonicalRequest))
        )
        #expect(fields["Signature"] == expected)
    }

    @Test func aliyunVendorErrorIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(#"{"Message":"触发小时级流控Permits:5","RequestId":"R1","Code":"isv.BUSINESS_LIMIT_CONTROL"}"#)
        }
        defer { Task { await server.shutdown() } }
        let sender = AliyunSMSSender(settings: Self.aliyunSettings(server), httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.provider == "aliyun")
        #expect(error?.detail.contains("isv.BUSINESS_LIMIT_CONTROL") == true)
    }

    @Test func aliyunServerErrorIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json("oops", status: .internalServerError) }
        defer { Task { await server.shutdown() } }
        let sender = AliyunSMSSender(settings: Self.aliyunSettings(server), httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.detail.contains("500") == true)
    }

    // MARK: Tencent Cloud

    @Test func tencentSendsSignedSendSms() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(
                #"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613800138000","#
                    + #""Fee":1,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}}"#
            )
        }
        defer { Task { await server.shutdown() } }
        let sender = TencentSMSSender(settings: Self.tencentSettings(server), httpClient: .shared)
        try await sender.send(Self.message)

        let request = try #require(server.requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/")
        #expect(request.headers.first(name: "x-tc-action") == "SendSms")
        #expect(request.headers.first(name: "x-tc-version") == "2021-01-11")
        #expect(request.headers.first(name: "x-tc-region") == "ap-guangzhou")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["PhoneNumberSet"] as? [String] == ["+8613800138000"])
        #expect(body["SmsSdkAppId"] as? String == "1400006666")
        #expect(body["SignName"] as? String == "某某大学")
        #expect(body["TemplateId"] as? String == "1234567")
        #expect(body["TemplateParamSet"] as? [String] == ["482913", "5"])

        // Verify as Tencent's gateway would, from what arrived.
        let timestampHeader = try #require(request.headers.first(name: "x-tc-timestamp"))
        let timestamp = try #require(Int(timestampHeader))
        let date = Independent.utcDate(unixSeconds: timestamp)
        let authorization = try #require(request.headers.first(name: "authorization"))
        let fields = Independent.authorizationFields(authorization)
        #expect(fields["Credential"] == "AKIDtest/\(date)/sms/tc3_request")
        let signedNames = try #require(fields["SignedHeaders"]).split(separator: ";").map(String.init)
        #expect(signedNames == ["content-type", "host", "x-tc-action"])
        let canonicalHeaders = signedNames.map { "\($0):\(request.headers.first(name: $0)!.lowercased())\n" }.joined()
        let canonicalRequest = ["POST", "/", "", canonicalHeaders, signedNames.joined(separator: ";"), Independent.sha256Hex(request.body)]
            .joined(separator: "\n")
        let stringToSign = "TC3-HMAC-SHA256\n\(timestamp)\n\(date)/sms/tc3_request\n" + Independent.sha256Hex(canonicalRequest)
        let key = Independent.hmac(Independent.hmac(Independent.hmac(Array("TC3testSecretKey".utf8), date), "sms"), "tc3_request")
        #expect(fields["Signature"] == Independent.hex(Independent.hmac(key, stringToSign)))
    }

    @Test(arguments: [
        #"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"r"}}"#,
        #"{"Response":{"SendStatusSet":[{"Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"daily limit","PhoneNumber":"+8613800138000"}],"RequestId":"r"}}"#,
        #"{"Response":{"RequestId":"r"}}"#,
        "not json",
    ])
    func tencentVendorErrorIsADeliveryError(answer: String) async throws {
        let server = try await RecordingHTTPServer.start { _ in .json(answer) }
        defer { Task { await server.shutdown() } }
        let sender = TencentSMSSender(settings: Self.tencentSettings(server), httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.provider == "tencent")
    }

    @Test func tencentServerErrorIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in .json("", status: .internalServerError) }
        defer { Task { await server.shutdown() } }
        let sender = TencentSMSSender(settings: Self.tencentSettings(server), httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.detail.contains("500") == true)
    }

    // MARK: Twilio

    @Test func twilioPostsFormWithBasicAuth() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(#"{"sid":"SM1","status":"queued"}"#, status: .created)
        }
        defer { Task { await server.shutdown() } }
        let sender = TwilioSMSSender(settings: Self.twilioSettings(server), httpClient: .shared)
        try await sender.send(Self.message)

        let request = try #require(server.requests.first)
        #expect(request.method == .POST)
        #expect(request.uri == "/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages.json")
        #expect(request.headers.first(name: "content-type") == "application/x-www-form-urlencoded")
        let basic = try #require(request.headers.first(name: "authorization"))
        let credentials = try #require(Data(base64Encoded: String(basic.dropFirst("Basic ".count))))
        #expect(String(decoding: credentials, as: UTF8.self) == "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:your_auth_token")
        let form = Independent.decodeQuery(request.bodyText)
        #expect(form.map(\.0) == ["To", "From", "Body"])
        #expect(form.map(\.1) == ["+8613800138000", "+15017122661", Self.message.text])
    }

    @Test func twilioErrorIsADeliveryError() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(#"{"code":21211,"message":"Invalid 'To' Phone Number","status":400}"#, status: .badRequest)
        }
        defer { Task { await server.shutdown() } }
        let sender = TwilioSMSSender(settings: Self.twilioSettings(server), httpClient: .shared)
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.provider == "twilio")
        #expect(error?.detail.contains("21211") == true)
    }

    // MARK: Connection refused

    @Test(arguments: ["webhook", "aliyun", "tencent", "twilio"])
    func connectionRefusedIsADeliveryError(provider: String) async throws {
        // Bind a port, then close it: nothing listens there any more.
        let closed = try await RecordingHTTPServer.start { _ in nil }
        await closed.shutdown()
        // AsyncHTTPClient keeps retrying a refused connection until the deadline; keep it short.
        let timeout = TimeAmount.seconds(1)
        let sender: any SMSSender =
            switch provider {
            case "webhook": WebhookSMSSender(url: URL(string: closed.baseURL)!, secret: "s", httpClient: .shared, timeout: timeout)
            case "aliyun": AliyunSMSSender(settings: Self.aliyunSettings(closed), httpClient: .shared, timeout: timeout)
            case "tencent": TencentSMSSender(settings: Self.tencentSettings(closed), httpClient: .shared, timeout: timeout)
            default: TwilioSMSSender(settings: Self.twilioSettings(closed), httpClient: .shared, timeout: timeout)
            }
        let error = await #expect(throws: SMSDeliveryError.self) { try await sender.send(Self.message) }
        #expect(error?.provider == provider)
        #expect(error?.detail.contains("482913") == false)
    }
}
