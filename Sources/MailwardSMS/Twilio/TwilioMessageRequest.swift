import Foundation
import MailwardCore
import NIOHTTP1

/// Builds the Messages API call: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
/// form-encoded `To`, `From` or `MessagingServiceSid`, `Body`, HTTP Basic authentication. Pure.
public enum TwilioMessageRequest {
    public static func path(accountSID: String) -> String {
        "/2010-04-01/Accounts/\(PercentEncoding.encode(accountSID))/Messages.json"
    }

    public static func prepare(_ message: SMSMessage, settings: TwilioSMSSettings) -> PreparedHTTPRequest? {
        guard let endpoint = Endpoint(settings.apiBaseURL) else { return nil }
        var form: [(String, String)] = [("To", message.to)]
        if let service = settings.messagingServiceSID, !service.isEmpty {
            form.append(("MessagingServiceSid", service))
        } else if let from = settings.from, !from.isEmpty {
            form.append(("From", from))
        } else {
            return nil
        }
        form.append(("Body", message.text))
        let body = Array(PercentEncoding.formEncode(form).utf8)

        let user = settings.apiKeySID ?? settings.accountSID
        let credentials = Data("\(user):\(settings.authToken.revealedValue)".utf8).base64EncodedString()
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Basic \(credentials)")
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        return PreparedHTTPRequest(
            method: .POST,
            url: endpoint.url(appendingPath: path(accountSID: settings.accountSID)),
            headers: headers,
            body: body
        )
    }
}
