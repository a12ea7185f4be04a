import Foundation
import MailwardCore
import MailwardTesting
import NIOHTTP1
import Testing

/// The audit findings on the JSON API and the HTTP door, over real HTTP: header injection via
/// `in_reply_to` and attachment types, JSON errors for unknown routes and wrong methods, HEAD,
/// wrong JSON types, the app-password name and password-policy messages, the JSON content type
/// required of bodies, and a stalled request's connection being closed.
@Suite(.serialized) struct APIHardeningTests {
    static let password = "Tea-Garden-42"

    func expectError(_ reply: APIClient.Reply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "\(reply.body)", sourceLocation: sourceLocation)
        #expect(reply.error == code, "\(reply.body)", sourceLocation: sourceLocation)
        #expect((reply["message"] as? String)?.isEmpty == false, "\(reply.body)", sourceLocation: sourceLocation)
    }

    func signedIn(_ server: TwoStepServer, _ address: String) async throws -> APIClient {
        let client = server.client()
        #expect(try await client.call(.POST, "/api/v1/session", ["username": address, "password": Self.password]).status == 200)
        return client
    }

    /// The raw messages in an account's INBOX, oldest first.
    func inbox(_ server: TwoStepServer, _ address: String) async throws -> [String] {
        let account = try await server.runtime.accounts.account(address)
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        var raws: [String] = []
        for record in try await server.runtime.mail.store.messagePage(mailboxID: inbox.id, offset: 0, limit: 50).records.reversed() {
            raws.append(String(decoding: try await server.runtime.mail.raw(record), as: UTF8.self))
        }
        return raws
    }

    /// The header section of a raw message (or of a part), unfolded into one string per field.
    func headerLines(_ raw: Substring) -> [String] {
        let head = raw.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
            .components(separatedBy: "\r\n")
    }

    @Test func inReplyToMustBeAMessageID() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        let injected = "<a@b>\r\nFrom: CEO <ceo@demo.test>\r\n\r\nINJECTED BODY"
        for bad in [injected, "<a@b>\nX-Evil: 1", "<a b@c>", "a@b@c", "<@b>", "<a@>", "<a@b", "no-at-sign",
                    "<" + String(repeating: "x", count: 300) + "@b>", "<a\u{7F}@b>", "<中@b>"] {
            let sent = try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "text": "hi", "in_reply_to": bad])
            expectError(sent, 422, "invalid_in_reply_to")
            let draft = try await li.call(.POST, "/api/v1/drafts", ["to": "wang@demo.test", "text": "hi", "in_reply_to": bad])
            expectError(draft, 422, "invalid_in_reply_to")
        }
        #expect(try await inbox(server, "wang@demo.test").isEmpty, "nothing was sent")
        let english = try await li.call(.POST, "/api/v1/messages/send?lang=en", ["to": "wang@demo.test", "in_reply_to": injected])
        #expect((english["message"] as? String)?.contains("not a message id") == true)

        // Valid ids, with or without angle brackets; empty means no parent.
        for (given, written) in [("<parent.1@mail.example.org>", "<parent.1@mail.example.org>"), ("x$y@[10.0.0.1]", "<x$y@[10.0.0.1]>")] {
            let sent = try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "text": "hi", "in_reply_to": given])
            #expect(sent.status == 200, "\(sent.body)")
            let lines = headerLines(Substring(try #require(try await inbox(server, "wang@demo.test").last)))
            #expect(lines.contains("In-Reply-To: \(written)"))
            #expect(lines.contains("References: \(written)"))
        }
        #expect(try await li.call(.POST, "/api/v1/messages/send", ["to": "wang@demo.test", "in_reply_to": ""]).status == 200)
        let last = try #require(try await inbox(server, "wang@demo.test").last)
        #expect(!last.contains("In-Reply-To") && !last.contains("INJECTED"))
        #expect(try await li.call(.POST, "/api/v1/drafts", ["to": "wang@demo.test", "in_reply_to": "<p@q>"]).status == 201)
    }

    @Test func attachmentContentTypeCannotAddHeaders() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        let content = Data("hi".utf8).base64EncodedString()
        let sent = try await li.call(.POST, "/api/v1/messages/send", [
            "to": "wang@demo.test", "text": "see attachments",
            "attachments": [
                ["filename": "a.txt", "content_type": "text/plain\r\nX-Evil-Ct: 2", "content": content],
                ["filename": "b.txt", "content_type": "text/plain\nX-Evil-Lf: 3", "content": content],
                ["filename": "c.pdf", "content_type": "Application/PDF; name=x", "content": content],
                ["filename": "d.txt", "content_type": "nonsense", "content": content],
                ["filename": "e.txt", "content": content],
            ],
        ])
        #expect(sent.status == 200, "\(sent.body)")
        let raw = try #require(try await inbox(server, "wang@demo.test").first)
        #expect(!raw.contains("X-Evil"))
        let types = raw.components(separatedBy: "\r\n").filter { $0.hasPrefix("Content-Type: ") && !$0.contains("multipart") }
        #expect(types.count == 6, "\(types)")
        #expect(types.filter { $0.hasPrefix("Content-Type: application/octet-stream;") }.count == 3, "\(types)")
        #expect(types.contains { $0.hasPrefix("Content-Type: application/pdf; name=\"c.pdf\"") })
        #expect(types.contains { $0.hasPrefix("Content-Type: text/plain; name=\"e.txt\"") })
    }

    @Test func unknownRoutesAndWrongMethodsAnswerJSON() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        for path in ["/api/v1/nope", "/api/v1", "/api/v1/", "/api/v1/messages/abc/nope", "/api/v1/session/verify/x"] {
            expectError(try await li.call(.GET, path), 404, "not_found")
        }
        var reply = try await li.call(.PUT, "/api/v1/session", ["username": "x"])
        expectError(reply, 405, "method_not_allowed")
        #expect(reply.headers.first(name: "Allow") == "DELETE, GET, HEAD, POST")
        #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
        reply = try await li.call(.POST, "/api/v1/mailboxes/abc/messages", ["x": 1])
        expectError(reply, 405, "method_not_allowed")
        #expect(reply.headers.first(name: "Allow") == "GET, HEAD")
        reply = try await li.call(.GET, "/api/v1/session/verify")
        expectError(reply, 405, "method_not_allowed")
        #expect(reply.headers.first(name: "Allow") == "POST")
        // `/messages/send` is not a message id: GET is not among its methods.
        reply = try await li.call(.GET, "/api/v1/messages/send")
        expectError(reply, 405, "method_not_allowed")
        #expect(reply.headers.first(name: "Allow") == "POST")
        reply = try await li.call(.DELETE, "/api/v1/nope?lang=en")
        #expect(reply["message"] as? String == "There is no such API endpoint.")
        // Outside the API the router's plain 404 stays.
        #expect(try await li.call(.GET, "/nope").status == 404)
    }

    @Test func headIsAnsweredLikeGetWithoutABody() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let anonymous = server.client()
        for path in ["/healthz", "/metrics", "/login", "/static/app.js", "/"] {
            let get = try await anonymous.call(.GET, path)
            let head = try await anonymous.call(.HEAD, path)
            #expect(head.status == get.status, "\(path)")
            #expect(head.status == 200, "\(path)")
            #expect(head.body.isEmpty, "\(path)")
            #expect(head.headers.first(name: "Content-Type") == get.headers.first(name: "Content-Type"), "\(path)")
            if path != "/metrics" {
                #expect(head.headers.first(name: "Content-Length") == String(get.body.utf8.count), "\(path)")
            }
        }
        let li = try await signedIn(server, "li@demo.test")
        #expect(try await li.call(.HEAD, "/mail").status == 200)
        #expect(try await li.call(.HEAD, "/api/v1/mailboxes").status == 200)
        let missing = try await li.call(.HEAD, "/api/v1/nope")
        #expect(missing.status == 404 && missing.body.isEmpty)
        #expect(try await li.call(.HEAD, "/nope").status == 404)
    }

    @Test func wrongJSONTypesAreBadRequests() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let web = server.client()
        for wrong: Any in ["yes", 1, 0, "true", ["x"]] {
            expectError(try await web.call(.POST, "/api/v1/session/verify", ["challenge": "c", "code": "123456", "trust_device": wrong]),
                        400, "bad_request")
            expectError(try await web.call(.POST, "/api/v1/session/enroll/confirm",
                                           ["challenge": "c", "phone": "13800138000", "code": "123456", "trust_device": wrong]),
                        400, "bad_request")
        }
        // A real boolean (or none) gets past the type check to the challenge check.
        expectError(try await web.call(.POST, "/api/v1/session/verify", ["challenge": "c", "code": "123456", "trust_device": false]),
                    401, "invalid_challenge")
        expectError(try await web.call(.POST, "/api/v1/session/verify", ["challenge": "c", "code": "123456"]), 401, "invalid_challenge")
        let missing = try await web.call(.POST, "/api/v1/session?lang=en", ["username": "li@demo.test"])
        #expect(missing["message"] as? String == "Field \"password\" is missing.")
        let long = try await web.call(.POST, "/api/v1/session?lang=en", ["username": String(repeating: "a", count: 400), "password": "x"])
        #expect(long["message"] as? String == "Field \"username\" is longer than 320 characters.")

        let li = try await signedIn(server, "li@demo.test")
        let inbox = try #require(try await li.call(.GET, "/api/v1/mailboxes").array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        _ = try await server.runtime.mail.deliver(Array("From: a@example.org\r\nSubject: s\r\n\r\nx\r\n".utf8),
                                              to: [try await server.runtime.accounts.account("li@demo.test").id])
        let id = try #require((try await li.call(.GET, "/api/v1/mailboxes/\(inbox)/messages").object["messages"] as? [[String: Any]])?
            .first?["id"] as? String)
        expectError(try await li.call(.PATCH, "/api/v1/messages/\(id)", ["seen": 1]), 400, "bad_request")
        #expect(try await li.call(.PATCH, "/api/v1/messages/\(id)", ["seen": true]).status == 200)
    }

    /// A reply's References carry the thread (RFC 5322 §3.6.4): the parent's References and then
    /// the parent's id — when `reply_to_id` names the parent; a bare `in_reply_to` refers to it alone.
    @Test func replyReferencesCarryTheThread() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        try await server.addUser("wang@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        let inboxID = try #require(try await li.call(.GET, "/api/v1/mailboxes").array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        let parent = "From: a@example.org\r\nSubject: s\r\nMessage-ID: <m3@example.org>\r\n"
            + "References: <m1@example.org>\r\n (a comment) <m2@example.org> <bad id@x>\r\n\r\nx\r\n"
        _ = try await server.runtime.mail.deliver(Array(parent.utf8), to: [try await server.runtime.accounts.account("li@demo.test").id])
        let id = try #require((try await li.call(.GET, "/api/v1/mailboxes/\(inboxID)/messages").object["messages"] as? [[String: Any]])?
            .first?["id"] as? String)

        let reply = try await li.call(.POST, "/api/v1/messages/send",
                                      ["to": "wang@demo.test", "text": "re", "in_reply_to": "<m3@example.org>", "reply_to_id": id])
        #expect(reply.status == 200, "\(reply.body)")
        let lines = headerLines(Substring(try #require(try await inbox(server, "wang@demo.test").last)))
        #expect(lines.contains("In-Reply-To: <m3@example.org>"))
        #expect(lines.contains("References: <m1@example.org> <m2@example.org> <m3@example.org>"), "\(lines)")

        // reply_to_id of a message whose id is not in_reply_to: the parent alone.
        _ = try await li.call(.POST, "/api/v1/messages/send",
                              ["to": "wang@demo.test", "text": "re", "in_reply_to": "<other@example.org>", "reply_to_id": id])
        let other = headerLines(Substring(try #require(try await inbox(server, "wang@demo.test").last)))
        #expect(other.contains("References: <other@example.org>"), "\(other)")
    }

    @Test func appPasswordNamesAndPasswordPolicyMessages() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let li = try await signedIn(server, "li@demo.test")
        for name: Any in [String(repeating: "x", count: 500), String(repeating: "x", count: 65), 5, true, ["a"], ""] {
            let reply = try await li.call(.POST, "/api/v1/app-passwords", ["name": name])
            expectError(reply, 400, "invalid_name")
            #expect(reply["message"] as? String == "请输入 1–64 个字符的名称")
        }
        expectError(try await li.call(.POST, "/api/v1/app-passwords", ["label": "x"]), 400, "bad_request")
        #expect(try await li.call(.POST, "/api/v1/app-passwords", ["name": String(repeating: "x", count: 64)]).status == 201)

        let cases: [(String, String, String)] = [
            ("1", "新密码不符合要求：至少需要 8 个字符", "The new password is refused: it must have at least 8 characters."),
            ("password123", "新密码不符合要求：这是常见密码，容易被猜中", "The new password is refused: it is a well-known password."),
            ("aaaaaaaaab", "新密码不符合要求：重复字符过多，至少需要 4 个不同的字符", "The new password is refused: it repeats too few characters."),
        ]
        for (weak, chinese, english) in cases {
            let body = ["current_password": Self.password, "new_password": weak]
            var reply = try await li.call(.POST, "/api/v1/account/password", body)
            expectError(reply, 400, "weak_password")
            #expect(reply["message"] as? String == chinese)
            reply = try await li.call(.POST, "/api/v1/account/password?lang=en", body)
            #expect(reply["message"] as? String == english)
        }
    }

    @Test func bodiesMustBeDeclaredJSON() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let web = server.client()
        let credentials = #"{"username":"li@demo.test","password":"Tea-Garden-42"}"#
        // What a page on another site can make a browser send: a form's types, or a script's
        // "simple" request — always with an Origin header.
        let crossSite = [("Origin", "https://evil.example")]
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "json", nil] {
            for path in ["/api/v1/session", "/api/v1/session/sms", "/api/v1/session/verify", "/api/v1/session/enroll/sms",
                         "/api/v1/session/enroll/confirm"] {
                expectError(try await web.call(.POST, path, rawBody: credentials, contentType: type, extraHeaders: crossSite),
                            415, "unsupported_media_type")
            }
        }
        // Without an Origin (not a browser) still no other type than JSON, form and none.
        for type in ["text/plain", "multipart/form-data; boundary=x", "application/jsonp"] {
            expectError(try await web.call(.POST, "/api/v1/session", rawBody: credentials, contentType: type), 415, "unsupported_media_type")
        }
        // Real form fields from a tool: the type is what is wrong.
        expectError(try await web.call(.POST, "/api/v1/session", rawBody: "username=li%40demo.test&password=x",
                                       contentType: "application/x-www-form-urlencoded"), 415, "unsupported_media_type")
        #expect(web.cookie("mw_session") == nil, "no session from a plain form post")
        // A tool's JSON without the header (curl -d, urllib) and no Origin: read as JSON.
        for type in ["application/x-www-form-urlencoded", nil] {
            let tool = server.client()
            let reply = try await tool.call(.POST, "/api/v1/session", rawBody: credentials, contentType: type)
            #expect(reply.status == 200 && reply["status"] as? String == "ok", "\(reply.body)")
        }
        let signedIn = try await web.call(.POST, "/api/v1/session", rawBody: credentials, contentType: "Application/JSON; charset=utf-8")
        #expect(signedIn.status == 200 && signedIn["status"] as? String == "ok")
        // Signed in: the other JSON endpoints refuse other types too (the CSRF token is sent).
        expectError(try await web.call(.POST, "/api/v1/app-passwords", rawBody: #"{"name":"x"}"#, contentType: "text/plain"),
                    415, "unsupported_media_type")
        // Endpoints that take no body still work without one.
        #expect(try await web.call(.DELETE, "/api/v1/session").status == 200)
    }

    @Test func aStalledRequestIsCutOff() async throws {
        let server = try await TwoStepServer.start { $0.http.requestTimeout = 1 }
        defer { Task { try? await server.stop() } }
        let started = ContinuousClock.now
        // A body announced as 100 bytes of which one arrives.
        let body = try await LineClient.connect(port: server.port, timeout: .seconds(60))
        try await body.send("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        // Headers that never end.
        let head = try await LineClient.connect(port: server.port, timeout: .seconds(60))
        try await head.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        // A connection that sends nothing at all.
        let silent = try await LineClient.connect(port: server.port, timeout: .seconds(60))
        #expect(await body.waitForClose())
        #expect(await head.waitForClose())
        #expect(await silent.waitForClose())
        // Generous: a loaded test run must not blur a 1 s timeout against none at all.
        #expect(ContinuousClock.now - started < .seconds(45))
        // A request that completes is answered as before.
        let healthy = try await LineClient.connect(port: server.port, timeout: .seconds(10))
        try await healthy.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await healthy.readLine() == "HTTP/1.1 200 OK")
        await healthy.close()
    }
}
