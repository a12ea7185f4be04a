/// Why a code is being sent (SPEC A10: the text names the purpose). Template gateways in
/// mainland China need one pre-approved template per wording, so the purpose picks the template.
public enum SMSCodePurpose: String, Sendable, Hashable, CaseIterable, Codable {
    case signIn = "sign-in"
    case bind
    case unbind
}
