import AsyncHTTPClient
import Foundation
import MailwardCore
import MailwardSMS
import MailwardTesting
import Testing

@Suite struct SMSProviderFactoryTests {
    let data = URL(fileURLWithPath: "/tmp/mailward-data")

    /// The provider's sender the factory made (inside the failure logging every provider gets).
    func make(_ settings: SMSProviderSettings) throws -> any SMSSender {
        try #require(try makeLogged(settings) as? FailureLoggingSMSSender).sender
    }

    func makeLogged(_ settings: SMSProviderSettings, logs: LogRecorder = LogRecorder()) throws -> any SMSSender {
        try SMSProviderFactory.make(config: settings, dataDirectory: data, httpClient: .shared, logger: logs.logger())
    }

    /// A provider's failure is in the server log with its reason, the number masked even where
    /// the gateway's own message echoes it (Twilio does).
    @Test func failuresAreLoggedWithTheirReasonAndTheNumberMasked() async throws {
        let server = try await RecordingHTTPServer.start { _ in
            .json(#"{"code":21211,"message":"The 'To' number +8613800138000 is not a valid phone number.","status":400}"#, status: .badRequest)
        }
        defer { Task { await server.shutdown() } }
        let logs = LogRecorder()
        let settings = TwilioSMSSettings(accountSID: "AC1", authToken: "tw-SECRET", from: "+15017122661", apiBaseURL: URL(string: server.baseURL)!)
        let sender = try makeLogged(.init(provider: .twilio, twilio: settings), logs: logs)
        await #expect(throws: SMSDeliveryError.self) { try await sender.send(SMSMessage(to: "+8613800138000", text: "code 482913")) }
        let line = try #require(logs.all.first { $0.contains("SMS could not be sent") })
        #expect(line.hasPrefix("warning") && line.contains("21211") && line.contains("+86 138****8000"), "\(line)")
        #expect(!line.contains("13800138000") && !line.contains("482913") && !line.contains("SECRET"), "\(line)")
    }

    @Test func outboxIsTheDefaultAndWritesIntoTheDataFolder() throws {
        let sender = try make(.outbox)
        let outbox = try #require(sender as? OutboxSMSSender)
        #expect(outbox.fileURL.path == "/tmp/mailward-data/sms-outbox.jsonl")
    }

    @Test func buildsEachProvider() throws {
        let aliyun = AliyunSMSSettings(accessKeyID: "id", accessKeySecret: "s", signName: "n", templates: .init(defaultTemplate: "SMS_1"))
        let tencent = TencentSMSSettings(secretID: "id", secretKey: "k", smsSdkAppID: "14", signName: "n", templates: .init(defaultTemplate: "1"))
        let twilio = TwilioSMSSettings(accountSID: "AC1", authToken: "t", from: "+15017122661")
        let webhook = WebhookSMSSettings(url: URL(string: "https://bridge.example/sms")!, secret: "s")
        #expect(try make(.init(provider: .aliyun, aliyun: aliyun)) is AliyunSMSSender)
        #expect(try make(.init(provider: .tencent, tencent: tencent)) is TencentSMSSender)
        #expect(try make(.init(provider: .twilio, twilio: twilio)) is TwilioSMSSender)
        #expect(try make(.init(provider: .webhook, webhook: webhook)) is WebhookSMSSender)
    }

    @Test func refusesIncompleteSettings() {
        #expect(throws: SMSConfigurationError.self) { try make(.init(provider: .aliyun)) }
        #expect(throws: SMSConfigurationError.self) {
            try make(.init(provider: .tencent, tencent: TencentSMSSettings(secretID: "id", secretKey: "k", smsSdkAppID: "14", signName: "",
                                                                          templates: .init(defaultTemplate: "1"))))
        }
        #expect(throws: SMSConfigurationError.self) {
            try make(.init(provider: .twilio, twilio: TwilioSMSSettings(accountSID: "AC1", authToken: "t")))
        }
        #expect(throws: SMSConfigurationError.self) {
            try make(.init(provider: .webhook, webhook: WebhookSMSSettings(url: URL(string: "ftp://x/y")!, secret: "s")))
        }
        #expect(throws: SMSConfigurationError.self) {
            try make(.init(provider: .webhook, webhook: WebhookSMSSettings(url: URL(string: "https://x/y")!, secret: "")))
        }
        #expect(throws: SMSConfigurationError.self) { try make(.init(provider: .outbox, timeoutSeconds: 0)) }
    }

    @Test func descriptionsNeverShowSecrets() {
        let settings = [
            SMSProviderSettings(
                provider: .aliyun,
                aliyun: AliyunSMSSettings(accessKeyID: "LTAIid", accessKeySecret: "ali-SECRET", signName: "n", templates: .init(defaultTemplate: "SMS_1"))
            ),
            SMSProviderSettings(
                provider: .tencent,
                tencent: TencentSMSSettings(secretID: "AKIDid", secretKey: "tc-SECRET", smsSdkAppID: "14", signName: "n", templates: .init(defaultTemplate: "1"))
            ),
            SMSProviderSettings(provider: .twilio, twilio: TwilioSMSSettings(accountSID: "AC1", authToken: "tw-SECRET", from: "+1")),
            SMSProviderSettings(provider: .webhook, webhook: WebhookSMSSettings(url: URL(string: "https://b/s")!, secret: "wh-SECRET")),
        ]
        for setting in settings {
            var dumped = ""
            dump(setting, to: &dumped)
            for text in ["\(setting)", String(reflecting: setting), dumped] {
                #expect(!text.contains("SECRET"), "leaked in: \(text)")
            }
            #expect("\(setting)".contains("<redacted>"))
        }
    }

    @Test func sendersNeverShowSecrets() throws {
        let senders: [any SMSSender] = [
            try makeLogged(.init(provider: .aliyun, aliyun: AliyunSMSSettings(accessKeyID: "id", accessKeySecret: "ali-SECRET", signName: "n", templates: .init(defaultTemplate: "S")))),
            try makeLogged(.init(provider: .tencent, tencent: TencentSMSSettings(secretID: "id", secretKey: "tc-SECRET", smsSdkAppID: "1", signName: "n", templates: .init(defaultTemplate: "1")))),
            try makeLogged(.init(provider: .twilio, twilio: TwilioSMSSettings(accountSID: "AC", authToken: "tw-SECRET", from: "+1"))),
            try makeLogged(.init(provider: .webhook, webhook: WebhookSMSSettings(url: URL(string: "https://b/s")!, secret: "wh-SECRET"))),
        ]
        for sender in senders {
            var dumped = ""
            dump(sender, to: &dumped)
            #expect(!"\(sender)".contains("SECRET"))
            #expect(!dumped.contains("SECRET"))
            // Nor does it walk into the shared HTTP client, whose event loops and channels other
            // threads are changing meanwhile (such a walk once crashed the test run).
            #expect(!dumped.contains("HTTPClient"), "\(dumped.prefix(2_000))")
        }
    }
}
