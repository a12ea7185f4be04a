import Foundation
import NIOHTTP1

/// Builds the signed `SendSms` call (API version 2017-05-25, RPC style, signature V3).
/// Pure: the time and the nonce are arguments.
public enum AliyunSendSmsRequest {
    public static let action = "SendSms"
    public static let version = "2017-05-25"

    /// `PhoneNumbers` as Alibaba wants it: mainland numbers as the bare 11 digits
    /// (`+8613800138000` → `13800138000`); elsewhere country code and number without `+`
    /// (`+85212345678` → `85212345678`).
    public static func phoneNumbersParameter(_ e164: String) -> String {
        let digits = e164.hasPrefix("+") ? String(e164.dropFirst()) : e164
        if digits.hasPrefix("86"), digits.count == 13 {
            return String(digits.dropFirst(2))
        }
        return digits
    }

    public static func prepare(
        _ message: SMSTemplateMessage,
        settings: AliyunSMSSettings,
        at date: Date,
        nonce: String
    ) -> PreparedHTTPRequest? {
        guard let endpoint = Endpoint(settings.endpoint) else { return nil }
        let query: [(name: String, value: String)] = [
            ("PhoneNumbers", phoneNumbersParameter(message.to)),
            ("SignName", settings.signName),
            ("TemplateCode", settings.templates.template(for: message.purpose)),
            ("TemplateParam", JSONText.stringObject([(settings.codeParameterName, message.code)])),
        ]
        // Parameters travel in the query string; the body is empty (its hash is still signed).
        let payload: [UInt8] = []
        let signedHeaders: [String: String] = [
            "host": endpoint.hostHeader,
            "x-acs-action": action,
            "x-acs-version": version,
            "x-acs-date": UTCTimestamp(date).iso8601,
            "x-acs-signature-nonce": nonce,
            "x-acs-content-sha256": ACS3Signer.hashedPayload(payload),
        ]
        let signature = ACS3Signer.sign(
            ACS3SigningInput(method: "POST", canonicalURI: endpoint.path, query: query, headers: signedHeaders, payload: payload),
            accessKeyID: settings.accessKeyID,
            accessKeySecret: settings.accessKeySecret
        )
        var headers = HTTPHeaders()
        for name in signedHeaders.keys.sorted() {
            headers.add(name: name, value: signedHeaders[name]!)
        }
        headers.add(name: "Authorization", value: signature.authorization)
        headers.add(name: "Accept", value: "application/json")
        return PreparedHTTPRequest(
            method: .POST,
            url: endpoint.url(query: signature.canonicalQueryString),
            headers: headers,
            body: payload
        )
    }
}
