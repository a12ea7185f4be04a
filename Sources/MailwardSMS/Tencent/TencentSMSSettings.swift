import Foundation

/// Tencent Cloud SMS account and template settings.
public struct TencentSMSSettings: Sendable, Equatable, CustomStringConvertible {
    public static let defaultEndpoint = URL(string: "https://sms.tencentcloudapi.com")!

    public var secretID: String
    public var secretKey: SMSSecret
    /// `SmsSdkAppId`, e.g. `1400006666`.
    public var smsSdkAppID: String
    public var signName: String
    /// `TemplateId`s.
    public var templates: SMSTemplateSet
    /// Template variables after the code, in order (Tencent templates are positional:
    /// `{1}` is the code, `{2}` might be the validity in minutes, e.g. `["5"]`).
    public var extraTemplateParameters: [String]
    /// `ap-guangzhou`, `ap-beijing` or `ap-nanjing`.
    public var region: String
    public var endpoint: URL

    public init(
        secretID: String,
        secretKey: SMSSecret,
        smsSdkAppID: String,
        signName: String,
        templates: SMSTemplateSet,
        extraTemplateParameters: [String] = [],
        region: String = "ap-guangzhou",
        endpoint: URL = TencentSMSSettings.defaultEndpoint
    ) {
        self.secretID = secretID
        self.secretKey = secretKey
        self.smsSdkAppID = smsSdkAppID
        self.signName = signName
        self.templates = templates
        self.extraTemplateParameters = extraTemplateParameters
        self.region = region
        self.endpoint = endpoint
    }

    public var description: String {
        "TencentSMSSettings(secretID: \(secretID), secretKey: <redacted>, smsSdkAppID: \(smsSdkAppID), "
            + "signName: \(signName), templates: \(templates), region: \(region), endpoint: \(endpoint.absoluteString))"
    }
}
