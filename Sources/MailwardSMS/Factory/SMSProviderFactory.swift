import AsyncHTTPClient
import Foundation
import Logging
import MailwardCore
import NIOCore

/// A configuration that cannot work, found at start-up rather than at the first sign-in.
public struct SMSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "SMS configuration: \(message)" }
}

/// Turns `SMSProviderSettings` into the `SMSSender` Core uses.
public enum SMSProviderFactory {
    public static func make(
        config: SMSProviderSettings,
        dataDirectory: URL,
        httpClient: HTTPClient,
        logger: Logger
    ) throws -> any SMSSender {
        guard config.timeoutSeconds > 0, config.timeoutSeconds <= 300 else {
            throw SMSConfigurationError("timeout must be between 1 and 300 seconds, not \(config.timeoutSeconds)")
        }
        let timeout = TimeAmount.seconds(Int64(config.timeoutSeconds))
        let sender: any SMSSender
        switch config.provider {
        case .outbox:
            sender = OutboxSMSSender(
                fileURL: dataDirectory.appendingPathComponent(OutboxSMSSender.defaultFileName),
                logger: logger
            )
        case .webhook:
            guard let settings = config.webhook else { throw missing("webhook") }
            try requireHTTP(settings.url, "sms.webhook-url")
            try require(!settings.secret.isEmpty, "sms.webhook-secret is empty")
            sender = WebhookSMSSender(url: settings.url, secret: settings.secret, httpClient: httpClient, timeout: timeout)
        case .aliyun:
            guard let settings = config.aliyun else { throw missing("aliyun") }
            try requireHTTP(settings.endpoint, "aliyun endpoint")
            try require(!settings.accessKeyID.isEmpty, "sms.aliyun.access-key-id is empty")
            try require(!settings.accessKeySecret.isEmpty, "sms.aliyun.access-key-secret is empty")
            try require(!settings.signName.isEmpty, "sms.aliyun.sign-name is empty")
            try require(!settings.templates.defaultTemplate.isEmpty, "sms.aliyun.template (the default TemplateCode) is empty")
            sender = AliyunSMSSender(settings: settings, httpClient: httpClient, timeout: timeout)
        case .tencent:
            guard let settings = config.tencent else { throw missing("tencent") }
            try requireHTTP(settings.endpoint, "tencent endpoint")
            try require(!settings.secretID.isEmpty, "sms.tencent.secret-id is empty")
            try require(!settings.secretKey.isEmpty, "sms.tencent.secret-key is empty")
            try require(!settings.smsSdkAppID.isEmpty, "sms.tencent.sdk-app-id (SmsSdkAppId) is empty")
            // Tencent refuses every message to a mainland China number without its signature.
            try require(!settings.signName.isEmpty, "sms.tencent.sign-name is empty (Tencent requires it for mainland China numbers)")
            try require(!settings.templates.defaultTemplate.isEmpty, "sms.tencent.template (the default template ID) is empty")
            try require(!settings.region.isEmpty, "sms.tencent.region is empty")
            sender = TencentSMSSender(settings: settings, httpClient: httpClient, timeout: timeout)
        case .twilio:
            guard let settings = config.twilio else { throw missing("twilio") }
            try requireHTTP(settings.apiBaseURL, "twilio API URL")
            try require(!settings.accountSID.isEmpty, "sms.twilio.account-sid is empty")
            try require(!settings.authToken.isEmpty, "sms.twilio.auth-token is empty")
            try require(
                !(settings.from ?? "").isEmpty || !(settings.messagingServiceSID ?? "").isEmpty,
                "twilio needs sms.twilio.from (a From number) or sms.twilio.messaging-service-sid"
            )
            sender = TwilioSMSSender(settings: settings, httpClient: httpClient, timeout: timeout)
        }
        logger.info("SMS provider ready", metadata: ["sms.provider": "\(config.provider.rawValue)"])
        return FailureLoggingSMSSender(sender, logger: logger)
    }

    private static func missing(_ provider: String) -> SMSConfigurationError {
        SMSConfigurationError("provider \(provider) is selected but its settings are missing")
    }

    private static func require(_ condition: Bool, _ message: String) throws {
        if !condition { throw SMSConfigurationError(message) }
    }

    private static func requireHTTP(_ url: URL, _ what: String) throws {
        guard Endpoint(url) != nil else {
            throw SMSConfigurationError("\(what) \(url.absoluteString) is not an http(s) URL")
        }
    }
}
