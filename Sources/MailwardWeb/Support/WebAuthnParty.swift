import Foundation
import Hummingbird
import MailwardCore

/// The WebAuthn relying party of a request (B1): the origin the browser is on — `https://` when
/// the request came over TLS through a trusted proxy or cookies are marked secure, else `http://`
/// (browsers allow WebAuthn on `http://localhost` only) — and its host name as the RP ID. An IP
/// address cannot be an RP ID: security keys need the webmail reached by a name.
enum WebAuthnParty {
    static func of(_ call: APICall) throws -> WebAuthn.RelyingParty {
        guard let authority = call.request.head.authority, let host = hostName(of: authority) else {
            throw unavailable(call.language)
        }
        let secure = call.context.viaHTTPS || call.security.secureCookies
        return WebAuthn.RelyingParty(id: host, origin: (secure ? "https://" : "http://") + authority.lowercased())
    }

    /// The host of `name:port` as an RP ID: a DNS name in its ASCII form (what browsers send);
    /// nil for an IP address (v4 or bracketed v6) or anything that is no domain name.
    static func hostName(of authority: String) -> String? {
        guard let host = RequestHost.name(of: authority), host.allSatisfy(\.isASCII), (try? DomainName.normalize(host)) == host,
              !host.split(separator: ".").allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        return host
    }

    static func unavailable(_ language: Language) -> APIFailure {
        APIFailure(status: .badRequest, code: "security_key_unavailable",
                   message: language == .en ? "Security keys work only when the webmail is opened by its name, not an IP address."
                       : "安全密钥只能在通过域名访问网页邮箱时使用（不能使用 IP 地址）")
    }
}
