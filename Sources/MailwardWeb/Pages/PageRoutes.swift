import Foundation
import Hummingbird
import Logging
import MailwardCore

/// The server-rendered pages: sign-in (with the code step and the mandatory enrollment), the
/// signed-in landing page, Settings › Security (two-step, login devices) and Settings ›
/// Personal info › Mailbox password, Settings › Advanced › Shared mailbox. The pages call the JSON API from `/static/app.js`.
struct PageRoutes {
    let security: WebSecurity
    let renderer: PageRenderer
    /// The webmail serves `/mail` itself when present.
    var mailPages = false
    /// Where mail clients connect: shown on the client-specific password page.
    var clientSetup: ClientSetup.Source?

    func register(on router: Router<MailwardRequestContext>) {
        let security = self.security
        let renderer = self.renderer
        let clientSetup = self.clientSetup
        @Sendable func render(_ name: String, _ request: Request, signedIn: SignedInSession?,
                              extra: [String: Any] = [:]) -> Response {
            var values = extra
            values["trust_device_hint"] = PageText.trustDeviceHint(
                days: max(1, Int((security.env.settings.trustedDeviceLifetime / 86_400).rounded())), request.language)
            return renderer.page(name, request, signedIn: signedIn, values: values)
        }
        router.get("/") { request, _ -> Response in
            switch await PageSession.of(request, security) {
            case .signedIn: .redirect(to: "/mail")
            case .signedOut: .redirect(to: "/login")
            case .storeUnavailable: renderer.unavailable(language: request.language)
            }
        }
        router.get("login") { request, _ -> Response in
            // Signed in already (a bookmark, the back button): the mailbox, not the form again.
            if case .signedIn = await PageSession.of(request, security) {
                let lang = request.uri.queryParameters["lang"].map { "?lang=" + (String($0).addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-"))) ?? "") } ?? ""
                return .redirect(to: "/mail" + lang)
            }
            return render("login", request, signedIn: nil)
        }
        let protected: [(String, String)] = (mailPages ? [] : [("mail", "mail")]) + [
            ("settings", "settings"), ("settings/security/two-step", "two_step"),
            ("settings/security/devices", "devices"), ("settings/profile/password", "password"),
            ("settings/advanced/shares", "shares"),
        ] + (mailPages ? [("settings/mail/auto-reply", "auto_reply")] : [])
        for (path, template) in protected {
            router.get(RouterPath(path)) { request, _ -> Response in
                switch await PageSession.of(request, security) {
                case .signedIn(let session):
                    var extra: [String: Any] = [:]
                    if template == "password", let clientSetup { extra["setup"] = Self.values(await clientSetup()) }
                    if template == "settings" { extra["mail_pages"] = mailPages }
                    return render(template, request, signedIn: session, extra: extra)
                case .signedOut: return .redirect(to: "/login")
                case .storeUnavailable: return renderer.unavailable(language: request.language)
                }
            }
        }
        // Browsers ask for /favicon.ico on every fresh load whatever the page links.
        router.get("favicon.ico") { _, _ -> Response in renderer.staticFile("favicon.svg") }
        router.get("static/:file") { _, context -> Response in
            renderer.staticFile(context.parameters.get("file") ?? "")
        }
    }

    /// The server settings a user types into a client that finds nothing by itself (Foxmail's
    /// manual setup, say).
    static func values(_ setup: ClientSetup) -> [String: Any] {
        ["host": setup.hostname, "imap_tls": setup.imapTLS, "imap": setup.imap, "pop3_tls": setup.pop3TLS,
         "pop3": setup.pop3, "submission_tls": setup.submissionTLS, "submission": setup.submission]
    }
}
