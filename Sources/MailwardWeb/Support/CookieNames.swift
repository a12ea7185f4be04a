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
    /// The browser's time zone (`Asia/Shanghai`), set by the pages' script: the mail pages write
    /// times in it, as the script writes the settings pages' times.
    static let timeZone = "mw_tz"

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

    /// The trusted-device cookies the browser sent for the account with this tag: its own
    /// `mw_device_<tag>`, then a bare legacy `mw_device` (other accounts' cookies are not looked at).
    func trustedDeviceTokens(tag: String) -> [String] {
        let own = CookieNames.trustedDeviceName(tag: tag)
        return [cookie(own), cookie(CookieNames.trustedDevice)].compactMap { $0 }
    }

    /// The zone the browser said it is in (``CookieNames/timeZone``), else the server's. Only a
    /// name the system knows is looked up: Foundation reads a zone's file by its name.
    var timeZone: TimeZone {
        guard let name = cookie(CookieNames.timeZone), KnownTimeZones.names.contains(name) else { return .current }
        return TimeZone(identifier: name) ?? .current
    }

    /// zh-CN unless `?lang=en` or the language cookie says otherwise.
    var language: MailwardCore.Language {
        if let query = uri.queryParameters["lang"] { return Language(tag: String(query)) }
        return Language(tag: cookie(CookieNames.language))
    }
}

/// The zone names of the system's database, read once.
enum KnownTimeZones {
    static let names = Set(TimeZone.knownTimeZoneIdentifiers)
}
