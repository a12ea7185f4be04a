import MailwardConfig
import Testing

@Suite struct TwoStepConfigurationTests {
    @Test func defaultsFollowTheSpec() async throws {
        let c = try await ConfigurationLoader.load(file: nil, environment: [:])
        #expect(c.twoStep.codeLifetime == 300 && c.twoStep.codeMaxAttempts == 5 && c.twoStep.codeResendInterval == 60)
        #expect(c.twoStep.trustedDeviceDays == 7 && c.twoStep.challengeLifetime == 600)
        #expect(c.sms.provider == "outbox")
        #expect(c.twoStep.smsCountries.isEmpty && c.twoStep.monthlySMSLimit == 0)
        #expect(c.http.sessionIdleTimeout == 1800 && c.http.sessionAbsoluteTimeout == 43200)
    }

    @Test func fileAndEnvironmentValues() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            two-step:
              trusted-device-days: 14
              daily-codes-per-number: 3
              system-name: 院邮件系统
              sms-countries: 86, +852, 1
              monthly-sms-limit: 5000
            sign-in:
              failures-per-ip: 200
            sms:
              provider: webhook
              webhook-url: https://sms.example.edu.cn/send
              webhook-secret: s3cret
            """, environment: ["MAILWARD_TWO_STEP_CODE_LIFETIME": "600"])
        #expect(c.twoStep.trustedDeviceDays == 14)
        #expect(c.twoStep.dailyCodesPerNumber == 3)
        #expect(c.twoStep.systemName == "院邮件系统")
        #expect(c.twoStep.smsCountries == ["86", "852", "1"] && c.twoStep.monthlySMSLimit == 5000)
        #expect(c.twoStep.codeLifetime == 600)
        #expect(c.signIn.failuresPerIP == 200)
        #expect(c.sms.provider == "webhook" && c.sms.webhookURL == "https://sms.example.edu.cn/send")
    }

    @Test func gatewayKeys() async throws {
        let c = try await ConfigurationLoader.load(yaml: """
            sms:
              provider: tencent
              tencent:
                secret-id: AKID-test
                sdk-app-id: "1400000000"
                sign-name: 某某大学
                template: "449739"
                template-unbind: "449740"
              aliyun:
                template-sign-in: SMS_1
              twilio:
                from: "+15005550006"
            """, environment: ["MAILWARD_SMS_TENCENT_SECRET_KEY": "from-the-environment"])
        #expect(c.sms.provider == "tencent")
        #expect(c.sms.tencent.secretID == "AKID-test" && c.sms.tencent.secretKey == "from-the-environment")
        #expect(c.sms.tencent.sdkAppID == "1400000000" && c.sms.tencent.signName == "某某大学")
        #expect(c.sms.tencent.template == "449739" && c.sms.tencent.templateUnbind == "449740")
        #expect(c.sms.tencent.region == "ap-guangzhou")
        #expect(c.sms.aliyun.templateSignIn == "SMS_1")
        #expect(c.sms.twilio.from == "+15005550006")
    }

    @Test(arguments: [
        ("two-step:\n  code-lifetime: 5\n", "two-step.code-lifetime"),
        ("two-step:\n  trusted-device-days: 0\n", "two-step.trusted-device-days"),
        ("sms:\n  provider: pigeon\n", "sms.provider"),
        ("two-step:\n  sms-countries: 86, china\n", "two-step.sms-countries"),
        ("two-step:\n  sms-countries: \"0086\"\n", "two-step.sms-countries"),
        ("two-step:\n  monthly-sms-limit: -1\n", "two-step.monthly-sms-limit"),
        ("sms:\n  provider: webhook\n", "sms.webhook-url"),
        ("sms:\n  provider: webhook\n  webhook-url: https://x.test/\n", "sms.webhook-secret"),
        ("http:\n  session-idle-timeout: 1\n", "http.session-idle-timeout"),
    ])
    func wrongValuesNameTheirKey(_ yaml: String, _ key: String) async {
        await #expect(throws: ConfigurationError.self) { _ = try await ConfigurationLoader.load(yaml: yaml) }
        do {
            _ = try await ConfigurationLoader.load(yaml: yaml)
        } catch let error as ConfigurationError {
            #expect(error.key == key)
        } catch {
            Issue.record("\(error)")
        }
    }
}
