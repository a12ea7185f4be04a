import Foundation

/// Which SMS provider to use and its keys: the plain value the configuration file is mapped onto.
/// `description` never shows a secret.
public struct SMSProviderSettings: Sendable, Equatable, CustomStringConvertible {
    public enum Provider: String, Sendable, CaseIterable, Codable {
        case outbox, webhook, aliyun, tencent, twilio
    }

    public var provider: Provider
    /// Only for `webhook`.
    public var webhook: WebhookSMSSettings?
    /// Only for `aliyun`.
    public var aliyun: AliyunSMSSettings?
    /// Only for `tencent`.
    public var tencent: TencentSMSSettings?
    /// Only for `twilio`.
    public var twilio: TwilioSMSSettings?
    /// How long an HTTP provider may take to accept a message.
    public var timeoutSeconds: Int

    public init(
        provider: Provider,
        webhook: WebhookSMSSettings? = nil,
        aliyun: AliyunSMSSettings? = nil,
        tencent: TencentSMSSettings? = nil,
        twilio: TwilioSMSSettings? = nil,
        timeoutSeconds: Int = 10
    ) {
        self.provider = provider
        self.webhook = webhook
        self.aliyun = aliyun
        self.tencent = tencent
        self.twilio = twilio
        self.timeoutSeconds = timeoutSeconds
    }

    /// The default (SPEC O1): write to `<data>/sms-outbox.jsonl`.
    public static let outbox = SMSProviderSettings(provider: .outbox)

    public var description: String {
        let detail: String =
            switch provider {
            case .outbox: ""
            case .webhook: webhook.map { ", \($0)" } ?? ", webhook: missing"
            case .aliyun: aliyun.map { ", \($0)" } ?? ", aliyun: missing"
            case .tencent: tencent.map { ", \($0)" } ?? ", tencent: missing"
            case .twilio: twilio.map { ", \($0)" } ?? ", twilio: missing"
            }
        return "SMSProviderSettings(provider: \(provider.rawValue)\(detail), timeoutSeconds: \(timeoutSeconds))"
    }
}

/// Where the `webhook` provider posts, and the key it signs with.
public struct WebhookSMSSettings: Sendable, Equatable, CustomStringConvertible {
    public var url: URL
    public var secret: SMSSecret

    public init(url: URL, secret: SMSSecret) {
        self.url = url
        self.secret = secret
    }

    public var description: String { "WebhookSMSSettings(url: \(url.absoluteString), secret: <redacted>)" }
}
