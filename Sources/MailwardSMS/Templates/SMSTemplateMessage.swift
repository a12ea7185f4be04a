import MailwardCore

/// A verification code addressed to a phone, for gateways that send only pre-approved templates
/// (Alibaba Cloud, Tencent Cloud). The gateway fills the code into the template chosen by `purpose`.
public struct SMSTemplateMessage: Sendable, Equatable {
    /// E.164, e.g. `+8613800138000`.
    public var to: String
    public var code: String
    /// `nil` means "use the default template".
    public var purpose: SMSCodePurpose?

    public init(to: String, code: String, purpose: SMSCodePurpose? = nil) {
        self.to = to
        self.code = code
        self.purpose = purpose
    }

    /// Takes the code and purpose a Core message carries; for a message without them,
    /// recovers the code from the text: the last run of exactly 6 ASCII digits (SPEC A10 codes), or failing that the last run of
    /// 4 to 8 digits. Validities such as "5分钟" never form such a run.
    /// Returns `nil` when the text has no such run.
    public init?(_ message: SMSMessage, purpose: SMSCodePurpose? = nil) {
        if let code = message.code {
            self.init(to: message.to, code: code, purpose: message.purpose ?? purpose)
            return
        }
        guard let code = Self.lastDigitRun(in: message.text, lengths: 6...6)
            ?? Self.lastDigitRun(in: message.text, lengths: 4...8)
        else { return nil }
        self.init(to: message.to, code: code, purpose: purpose)
    }

    static func lastDigitRun(in text: String, lengths: ClosedRange<Int>) -> String? {
        var found: String?
        var current = ""
        for character in text.unicodeScalars {
            if ("0"..."9").contains(character) {
                current.unicodeScalars.append(character)
            } else {
                if lengths.contains(current.count) { found = current }
                current = ""
            }
        }
        if lengths.contains(current.count) { found = current }
        return found
    }
}

/// A sender for gateways that deliver only templates. Such senders also accept a plain
/// `SMSMessage` (the Core port) by extracting the code from its text and using the default template.
public protocol SMSTemplateSender: SMSSender {
    func send(_ message: SMSTemplateMessage) async throws
}
