import MailwardCore

/// Which gateway template to use for each purpose. Most institutions register a single generic
/// "your verification code is ${code}" template; per-purpose templates are optional overrides.
public struct SMSTemplateSet: Sendable, Equatable {
    /// Template ID/code used when no override matches or the purpose is unknown.
    public var defaultTemplate: String
    public var perPurpose: [SMSCodePurpose: String]

    public init(defaultTemplate: String, perPurpose: [SMSCodePurpose: String] = [:]) {
        self.defaultTemplate = defaultTemplate
        self.perPurpose = perPurpose
    }

    public func template(for purpose: SMSCodePurpose?) -> String {
        purpose.flatMap { perPurpose[$0] } ?? defaultTemplate
    }
}
