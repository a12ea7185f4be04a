import Foundation
import NIOHTTP1

/// Builds the signed `SendSms` call (API version 2021-01-11, signature v3 / TC3-HMAC-SHA256).
/// Pure: the time is an argument.
public enum TencentSendSmsRequest {
    public static let action = "SendSms"
    public static let version = "2021-01-11"
    public static let service = "sms"
    static let contentType = "application/json; charset=utf-8"

    /// The JSON body: keys in a fixed order so the signed bytes are reproducible.
    public static func body(_ message: SMSTemplateMessage, settings: TencentSMSSettings) -> String {
        JSONText.object([
            (key: "PhoneNumberSet", json: JSONText.stringArray([message.to])),
            (key: "SmsSdkAppId", json: JSONText.quoted(settings.smsSdkAppID)),
            (key: "SignName", json: JSONText.quoted(settings.signName)),
            (key: "TemplateId", json: JSONText.quoted(settings.templates.template(for: message.purpose))),
            (key: "TemplateParamSet", json: JSONText.stringArray([message.code] + settings.extraTemplateParameters)),
        ])
    }

    public static func prepare(_ message: SMSTemplateMessage, settings: TencentSMSSettings, at date: Date) -> PreparedHTTPRequest? {
        guard let endpoint = Endpoint(settings.endpoint) else { return nil }
        let payload = Array(body(message, settings: settings).utf8)
        let timestamp = UTCTimestamp(date).unixSeconds
        let signature = TC3Signer.sign(
            TC3SigningInput(
                method: "POST",
                canonicalURI: endpoint.path,
                signedHeaders: ["content-type": contentType, "host": endpoint.hostHeader, "x-tc-action": action],
                payload: payload,
                service: service,
                timestamp: timestamp
            ),
            secretID: settings.secretID,
            secretKey: settings.secretKey
        )
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: signature.authorization)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Host", value: endpoint.hostHeader)
        headers.add(name: "X-TC-Action", value: action)
        headers.add(name: "X-TC-Version", value: version)
        headers.add(name: "X-TC-Timestamp", value: String(timestamp))
        headers.add(name: "X-TC-Region", value: settings.region)
        return PreparedHTTPRequest(method: .POST, url: endpoint.url(), headers: headers, body: payload)
    }
}
