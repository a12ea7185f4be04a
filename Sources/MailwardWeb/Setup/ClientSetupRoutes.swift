import Foundation
import Hummingbird
import MailwardCore
import NIOCore

/// One-tap mail client setup (SPEC B7):
/// - `GET /.well-known/autoconfig/mail/config-v1.1.xml` and `GET /mail/config-v1.1.xml`
///   (`?emailaddress=`): Thunderbird's autoconfig for a local domain;
/// - `POST /autodiscover/autodiscover.xml`: Outlook's autodiscover;
/// - `POST /api/v1/app-passwords/apple-profile` `{"name"}` (and the scope fields of
///   `POST /app-passwords`; IMAP and SMTP when `protocols` is absent): a new client-specific
///   password, answered as an Apple configuration profile that carries it;
/// - `POST /settings/profile/apple-profile` (a form: `csrf_token`, `password`): the settings
///   page's download of a profile for a client-specific password it has just made. A form, not a
///   script's download, because iOS installs a profile only from a page's own navigation.
///
/// The first two are public, as clients ask before anyone signs in: they name the server's host
/// and ports for any address of a local domain, and never whether the account exists. Asked
/// without an address, the autoconfig answers for the domain the request's host names
/// (`autoconfig.<domain>`, `<domain>`) and no other: the server's domains are not listed to anyone.
struct ClientSetupRoutes {
    /// What an Apple profile sets up, and so what its password is for unless asked otherwise.
    static let profileDoors: Set<DoorKind> = [.imap, .smtp]

    let security: WebSecurity
    let handler: APIHandler
    let setup: ClientSetup.Source

    func register(on router: Router<MailwardRequestContext>, api: APIRoutes) {
        let security = self.security
        let setup = self.setup
        for path in [".well-known/autoconfig/mail/config-v1.1.xml", "mail/config-v1.1.xml"] {
            router.get(RouterPath(path)) { request, _ -> Response in
                let domain: String?
                if let requested = request.uri.queryParameters["emailaddress"] {
                    domain = (try? EmailAddress(String(requested)))?.domain
                } else {
                    domain = Self.domain(ofHost: request.head.authority)
                }
                guard let domain, try await Self.isLocal(domain, security) else { return Response(status: .notFound) }
                return Self.xml(ThunderbirdAutoconfig.document(domains: [domain], setup: await setup()))
            }
        }
        // Outlook writes the path with capitals; the router's paths are case-sensitive.
        for path in ["autodiscover/autodiscover.xml", "Autodiscover/Autodiscover.xml", "AutoDiscover/AutoDiscover.xml"] {
            router.post(RouterPath(path)) { request, _ -> Response in
                let body: ByteBuffer
                switch try await Self.body(request, limit: OutlookAutodiscover.requestLimit) {
                case .read(let read): body = read
                case .refused(let status): return Response(status: status)
                }
                let bytes = Array(body.readableBytesView)
                guard let requested = OutlookAutodiscover.requestedAddress(in: bytes),
                      let address = try? EmailAddress(requested) else {
                    return Self.xml(OutlookAutodiscover.error(code: 600, message: "Invalid Request"))
                }
                // ActiveSync asks here too (MS-ASCMD): there is no such provider.
                guard OutlookAutodiscover.acceptsOutlookSettings(bytes) else {
                    return Self.xml(OutlookAutodiscover.error(code: 601, message: "Provider is not available"))
                }
                guard try await Self.isLocal(address.domain, security) else {
                    return Self.xml(OutlookAutodiscover.error(code: 500, message: "The e-mail address cannot be found."))
                }
                return Self.xml(OutlookAutodiscover.settings(for: address.description, setup: await setup()))
            }
        }
        let handler = self.handler
        api.post("app-passwords/apple-profile") { request, context in
            await handler.run(request, context) { call in
                let (session, _) = try await call.session(csrf: true)
                let body = try await call.body()
                // The scope asked for, as `POST /app-passwords` reads it; without `protocols`, the
                // doors the profile sets up (IMAP and SMTP), not POP3 as well.
                var scope = try AppPasswordRoutes.scope(body, call.language)
                if body.fields["protocols"] == nil || body.fields["protocols"] is NSNull { scope.doors = Self.profileDoors }
                let created = try await call.security.appPasswords.create(
                    session.account, name: try AppPasswordRoutes.name(body, call.language), scope: scope, context: call.client)
                await call.security.appPasswords.recordProfileIssued(session.account, created.record, context: call.client)
                var response = Self.profile(for: session.account, password: created.password, await setup(), call.language)
                response.status = .created
                return response
            }
        }
        router.post("settings/profile/apple-profile") { request, context -> Response in
            let language = request.language
            guard let token = request.cookie(CookieNames.session),
                  let session = try await security.sessions.resolve(token: token) else { return .redirect(to: "/login") }
            let body: ByteBuffer
            switch try await Self.body(request, limit: 4096) {
            case .read(let read): body = read
            case .refused(let status):
                return Self.refusal(status, language == .en ? "The form could not be read." : "无法读取表单内容。")
            }
            guard let form = try? URLEncodedFormDecoder().decode(ProfileForm.self, from: String(buffer: body)) else {
                return Self.refusal(.badRequest, language == .en ? "The form is incomplete: reload the page and try again."
                                        : "表单内容不完整，请刷新页面后重试。")
            }
            guard security.sessions.checkCSRF(sessionToken: token, presented: form.csrf_token) else {
                return Self.refusal(.forbidden, language == .en ? "The form has expired: reload the page and try again."
                                        : "表单已过期，请刷新页面后重试。")
            }
            // Only a password of this account goes into its profile (the page has just made it).
            guard let record = try await security.appPasswords.find(session.account, password: form.password) else {
                return Self.refusal(.badRequest, language == .en ? "This is not one of your client-specific passwords."
                                        : "这不是您的客户端专用密码。")
            }
            await security.appPasswords.recordProfileIssued(session.account, record, context: ClientContext(
                ip: context.clientIP, userAgent: request.headers[.userAgent], language: language))
            return Self.profile(for: session.account, password: form.password, await setup(), language)
        }
    }

    private struct ProfileForm: Decodable {
        var csrf_token: String
        var password: String
    }

    /// Whether `domain` (normalized, as `EmailAddress` keeps it) is one of this server's.
    static func isLocal(_ domain: String, _ security: WebSecurity) async throws -> Bool {
        try await security.env.accounts.store.domain(named: domain) != nil
    }

    /// The mail domain a request's host names: `autoconfig.example.edu.cn` and
    /// `example.edu.cn` (a port after it dropped) both name `example.edu.cn`.
    static func domain(ofHost authority: String?) -> String? {
        guard var host = RequestHost.name(of: authority) else { return nil }
        if host.hasPrefix("autoconfig.") { host = String(host.dropFirst("autoconfig.".count)) }
        return try? DomainName.normalize(host)
    }

    enum Body {
        case read(ByteBuffer)
        case refused(HTTPResponse.Status)
    }

    /// The request's body; 413 past `limit` bytes, 400 when it broke off or its framing is wrong.
    static func body(_ request: Request, limit: Int) async throws -> Body {
        var request = request
        do {
            return .read(try await JSONBody.collect(&request, upTo: limit, reservation: nil, language: request.language))
        } catch let failure as APIFailure {
            return .refused(failure.status == .contentTooLarge ? .contentTooLarge : .badRequest)
        }
    }

    static func profile(for account: Account, password: String, _ setup: ClientSetup, _ language: Language) -> Response {
        let address = account.address.description
        let document = AppleMailProfile.document(address: address, displayName: account.displayName, password: password,
                                                 setup: setup, language: language)
        return Response(status: .ok, headers: [
            .contentType: AppleMailProfile.contentType,
            .contentDisposition: ContentDisposition.attachment(AppleMailProfile.fileName(address: address)),
            // It carries a password: never kept by a cache on the way.
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    static func xml(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8", .cacheControl: "no-cache"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A plain-text refusal of the settings page's form (a navigation: JSON would be shown raw).
    static func refusal(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
