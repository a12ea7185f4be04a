import Foundation
import Hummingbird
import MailwardCore
import Mustache
import NIOCore

/// Renders the Mustache templates shipped as resources of this module, and serves the static
/// files beside them. Both are read once at start-up.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let staticFiles: [String: (contentType: String, bytes: [UInt8])]

    static func load() throws -> PageRenderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let statics = Bundle.module.url(forResource: "Static", withExtension: nil) else {
            throw MailwardError.invalidValue("the web templates are missing from the MailwardWeb bundle")
        }
        ScalarHTMLEscaping.register()
        var parsed: [String: MustacheTemplate] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            parsed[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: ScalarHTMLEscaping.pragma + text)
        }
        var files: [String: (String, [UInt8])] = [:]
        let types = ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml"]
        for file in try FileManager.default.contentsOfDirectory(atPath: statics.path) {
            guard let type = types[(file as NSString).pathExtension] else { continue }
            files[file] = (type, Array(try Data(contentsOf: statics.appendingPathComponent(file))))
        }
        return PageRenderer(library: MustacheLibrary(templates: parsed), staticFiles: files)
    }

    func page(_ name: String, language: Language, values: [String: Any], setLanguageCookie: Bool) -> Response {
        var object = values
        let strings = PageText.strings(language)
        object["t"] = strings
        object["page"] = name
        object["i18n"] = String(decoding: (try? JSONSerialization.data(withJSONObject: strings, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        let html = library.render(object, withTemplate: name) ?? "template \(name) missing"
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
        if setLanguageCookie { response.setCookie(CookieNames.language(language.rawValue)) }
        return response
    }

    /// A page for `request`; for a signed-in `session` in the signed-in frame: the header names
    /// the account and leads to the mailbox, Settings and signing out, the form carries the CSRF
    /// token, and the banner says when two-step verification becomes required (B8). The language
    /// cookie is set when the page was asked for with `?lang=`.
    func page(_ name: String, _ request: Request, signedIn session: SignedInSession?, values: [String: Any]) -> Response {
        var object = values
        if let session {
            object["address"] = session.account.address.description
            object["display_name"] = session.account.displayName
            object["csrf"] = session.csrfToken
            object["grace_notice"] = session.twoStepGraceUntil.map { PageText.graceNotice(until: $0, request.language) }
        }
        return page(name, language: request.language, values: object,
                    setLanguageCookie: request.uri.queryParameters["lang"] != nil)
    }

    /// 503 in the page frame: the store cannot be reached (`StoreError.unavailable`); the browser
    /// may try again in half a minute.
    func unavailable(language: Language) -> Response {
        var response = page("unavailable", language: language, values: [:], setLanguageCookie: false)
        response.status = .serviceUnavailable
        response.headers[.retryAfter] = "30"
        return response
    }

    func staticFile(_ name: String) -> Response {
        guard let file = staticFiles[name] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
