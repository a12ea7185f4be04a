import Foundation

/// Alibaba Cloud SMS (`dysmsapi`) account and template settings.
public struct AliyunSMSSettings: Sendable, Equatable, CustomStringConvertible {
    public static let defaultEndpoint = URL(string: "https://dysmsapi.aliyuncs.com")!

    public var accessKeyID: String
    public var accessKeySecret: SMSSecret
    /// The approved signature shown in brackets, e.g. `某某大学`.
    public var signName: String
    /// `TemplateCode`s such as `SMS_123456789`.
    public var templates: SMSTemplateSet
    /// The variable the templates use for the code (`${code}`).
    public var codeParameterName: String
    /// Overridable for tests and for regional endpoints.
    public var endpoint: URL

    public init(
        accessKeyID: String,
        accessKeySecret: SMSSecret,
        signName: String,
        templates: SMSTemplateSet,
        codeParameterName: String = "code",
        endpoint: URL = AliyunSMSSettings.defaultEndpoint
    ) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.templates = templates
        self.codeParameterName = codeParameterName
        self.endpoint = endpoint
    }

    public var description: String {
        "AliyunSMSSettings(accessKeyID: \(accessKeyID), accessKeySecret: <redacted>, signName: \(signName), "
            + "templates: \(templates), endpoint: \(endpoint.absoluteString))"
    }
}
