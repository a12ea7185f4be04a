import Foundation

/// Twilio Programmable Messaging settings. Exactly one of `from` and `messagingServiceSID`
/// is needed; when both are set the Messaging Service wins (Twilio then picks the sender).
public struct TwilioSMSSettings: Sendable, Equatable, CustomStringConvertible {
    public static let defaultAPIBaseURL = URL(string: "https://api.twilio.com")!

    public var accountSID: String
    /// The account's auth token (or an API key secret when `apiKeySID` is set).
    public var authToken: SMSSecret
    /// Authenticate as an API key (`SK…`) instead of the account SID.
    public var apiKeySID: String?
    public var from: String?
    public var messagingServiceSID: String?
    public var apiBaseURL: URL

    public init(
        accountSID: String,
        authToken: SMSSecret,
        apiKeySID: String? = nil,
        from: String? = nil,
        messagingServiceSID: String? = nil,
        apiBaseURL: URL = TwilioSMSSettings.defaultAPIBaseURL
    ) {
        self.accountSID = accountSID
        self.authToken = authToken
        self.apiKeySID = apiKeySID
        self.from = from
        self.messagingServiceSID = messagingServiceSID
        self.apiBaseURL = apiBaseURL
    }

    public var description: String {
        "TwilioSMSSettings(accountSID: \(accountSID), authToken: <redacted>, apiKeySID: \(apiKeySID ?? "-"), "
            + "from: \(from ?? "-"), messagingServiceSID: \(messagingServiceSID ?? "-"), apiBaseURL: \(apiBaseURL.absoluteString))"
    }
}
