import Foundation

/// One text message to a phone. `to` is always E.164 (`+8613800138000`).
/// Verification codes also carry `code` and `purpose`, so gateways that only send
/// pre-approved templates (Alibaba Cloud, Tencent Cloud) can fill their template.
public struct SMSMessage: Sendable, Equatable, Codable {
    public var to: String
    public var text: String
    public var purpose: SMSCodePurpose?
    public var code: String?

    public init(to: String, text: String, purpose: SMSCodePurpose? = nil, code: String? = nil) {
        self.to = to
        self.text = text
        self.purpose = purpose
        self.code = code
    }

    /// Codes never appear in descriptions (logs).
    public var redactedDescription: String { "SMS to \(to) (\(purpose?.rawValue ?? "message"))" }
}

/// Why a provider could not deliver a message. The user only ever sees "could not send,
/// try again"; `detail` goes to the log and must never contain the message text (it holds a code).
public struct SMSDeliveryError: Error, Sendable, CustomStringConvertible {
    public var provider: String
    public var detail: String

    public init(provider: String, detail: String) {
        self.provider = provider
        self.detail = detail
    }

    public var description: String { "SMS provider \(provider) failed: \(detail)" }
}

/// The port through which Core sends SMS codes (SPEC A11). Implementations live in `MailwardSMS`.
public protocol SMSSender: Sendable {
    /// Sends one message; returns only once the provider accepted it. Throws `SMSDeliveryError`.
    func send(_ message: SMSMessage) async throws
}
