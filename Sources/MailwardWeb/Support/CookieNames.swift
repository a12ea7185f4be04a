import Foundation
import Hummingbird
import MailwardCore

/// The cookies Mailward sets. Session and trusted-device tokens are `HttpOnly` (scripts never
/// see them) and `SameSite=Lax` (not sent with cross-site form posts). `Secure` is added to every
/// cookie of a response in one place, ``SecureCookiesMiddleware``.
enum CookieNames {
    static let session = "mw_session"
    /// The trusted-device cookies are `mw_device_<tag>`, one per account trusted in the browser
    /// (``SignInService/deviceCookieTag(for:)``); a bare `mw_device` (before there was one per
    /// account) is still read.
    static let trustedDevice = "mw_device"

    static func trustedDeviceName(tag: String) -> String {
        "\(trustedDevice)_\(tag)"
    }
    static let language = "mw_lang"

    static func session(_ token: String) -> Cookie {
        Cookie(name: session, value: token, path: "/", httpOnly: true, sameSite: .lax)
    }

    /// Max-Age is the trust's whole lifetime (from when it began, not from whenever this runs).
    static func trustedDevice(_ token: String, tag: String, trustedAt: Date, expiresAt: Date) -> Cookie {
        Cookie(name: trustedDeviceName(tag: tag), value: token, expires: expiresAt,
               maxAge: max(0, Int(expiresAt.timeIntervalSince(trustedAt).rounded())), path: "/", httpOnly: true,
               sameSite: .lax)
    }

    static func expired(_ name: String) -> Cookie {
        Cookie(name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
               httpOnly: true, sameSite: .lax)
    }

    static func language(_ language: String) -> Cookie {
        Cookie(name: self.language, value: language, maxAge: 365 * 86_400, path: "/", httpOnly: false,
               sameSite: .lax)
    }
}

extension Request {
    func cookie(_ name: String) -> String? {
        guard let value = cookies[name]?.value, !value.isEmpty, value.utf8.count <= 256 else { return nil }
        return value
    }

    /// The values of every trusted-device cookie the browser sent (at most
    /// ``SignInService/maximumDeviceTokens``), the bare legacy name first.
    var trustedDeviceTokens: [String] {
        var tokens: [String] = []
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let pair = pair.drop { $0 == " " }
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<equals], value = pair[pair.index(after: equals)...]
                guard name == CookieNames.trustedDevice || name.hasPrefix(CookieNames.trustedDevice + "_"),
                      !value.isEmpty, value.utf8.count <= 256 else { continue }
                if name == CookieNames.trustedDevice { tokens.insert(String(value), at: 0) } else { tokens.append(String(value)) }
            }
        }
        return Array(tokens.prefix(SignInService.maximumDeviceTokens))
    }

    /// zh-CN unless `?lang=en` or the language cookie says otherwise.
    var language: MailwardCore.Language {
        if let query = uri.queryParameters["lang"] { return Language(tag: String(query)) }
        return Language(tag: cookie(CookieNames.language))
    }
}
