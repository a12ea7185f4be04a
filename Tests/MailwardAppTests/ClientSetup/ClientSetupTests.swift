import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// One-tap client setup (SPEC B7) over real HTTP: Thunderbird's autoconfig, Outlook's
/// autodiscover, and the Apple profile carrying a fresh client-specific password — which then
/// signs in at the IMAP and submission doors over TLS.
@Suite(.serialized) struct ClientSetupTests {
    let address = "zhang.san@example.edu.cn"
    let password = "Tea-Garden-42"

    func signedIn(_ server: TwoStepServer) async throws -> APIClient {
        try await server.addUser(address)
        let web = server.client()
        let reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "ok")
        return web
    }

    func ports(_ server: TwoStepServer) async -> [MailwardServer.Door: Int] {
        var ports: [MailwardServer.Door: Int] = [:]
        for door in [MailwardServer.Door.imap, .imaps, .pop3, .pop3s, .submission, .submissionTLS] {
            ports[door] = await server.server.port(door)
        }
        return ports
    }

    @Test func autoconfigNamesTheBoundDoorsForAnyAddressOfALocalDomain() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        let ports = await ports(server)

        let known = try await web.call(.GET, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=\(address)")
        #expect(known.status == 200)
        #expect(known.headers.first(name: "Content-Type")?.hasPrefix("application/xml") == true)
        for (type, port, socket) in [("imap", ports[.imaps]!, "SSL"), ("imap", ports[.imap]!, "STARTTLS"),
                                     ("pop3", ports[.pop3s]!, "SSL"), ("pop3", ports[.pop3]!, "STARTTLS")] {
            #expect(known.body.contains("""
                <incomingServer type="\(type)">
                  <hostname>localhost</hostname>
                  <port>\(port)</port>
                  <socketType>\(socket)</socketType>
                """.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")), "\(type) \(socket)")
        }
        #expect(known.body.contains("<outgoingServer type=\"smtp\">\n      <hostname>localhost</hostname>\n      <port>\(ports[.submissionTLS]!)</port>\n      <socketType>SSL</socketType>"))
        #expect(known.body.contains("<port>\(ports[.submission]!)</port>\n      <socketType>STARTTLS</socketType>"))
        #expect(known.body.contains("<domain>example.edu.cn</domain>"))
        #expect(known.body.contains("<username>%EMAILADDRESS%</username>"))

        // The same document for an address nobody has: it tells nothing about accounts.
        let unknown = try await web.call(.GET, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nobody@EXAMPLE.edu.cn")
        #expect(unknown.status == 200)
        #expect(unknown.body == known.body)
        // The autoconfig.<domain> host's path; without an address, the domain the host names —
        // and never a list of the server's domains.
        let host = try await web.call(.GET, "/mail/config-v1.1.xml?emailaddress=\(address)")
        #expect(host.body == known.body)
        try await server.runtime.accounts.addDomain("second.example")
        let byHost = try await web.call(.GET, "/mail/config-v1.1.xml", extraHeaders: [("Host", "autoconfig.second.example")])
        #expect(byHost.status == 200)
        #expect(byHost.body.contains("<domain>second.example</domain>") && !byHost.body.contains("example.edu.cn"))
        let wellKnown = try await web.call(.GET, "/.well-known/autoconfig/mail/config-v1.1.xml", extraHeaders: [("Host", "EXAMPLE.edu.cn:443")])
        #expect(wellKnown.body == known.body)
        #expect(try await web.call(.GET, "/mail/config-v1.1.xml").status == 404, "the host 127.0.0.1 is no mail domain")
        // Not ours, or not an address: nothing.
        #expect(try await web.call(.GET, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a@gmail.com").status == 404)
        #expect(try await web.call(.GET, "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=%3Cscript%3E").status == 404)
    }

    /// Behind a port forward (993 to the server's 1993) clients are told what they reach.
    @Test func clientSetupKeysOverrideWhatClientsAreTold() async throws {
        let server = try await TwoStepServer.start { $0.clientSetup.hostname = "mail.example.edu.cn"; $0.clientSetup.imapTLSPort = 993 }
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        let ports = await ports(server)
        let reply = try await web.call(.GET, "/mail/config-v1.1.xml?emailaddress=\(address)")
        #expect(reply.body.contains("<hostname>mail.example.edu.cn</hostname>\n      <port>993</port>\n      <socketType>SSL</socketType>"))
        #expect(reply.body.contains("<port>\(ports[.imap]!)</port>\n      <socketType>STARTTLS</socketType>"), "the others as bound")
        #expect(!reply.body.contains("localhost"))
    }

    @Test func autodiscoverAnswersOutlooksRequest() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        try await server.addUser(address)
        let web = server.client()
        let ports = await ports(server)
        func request(_ email: String) -> String {
            """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request>
                <EMailAddress>\(email)</EMailAddress>
                <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """
        }
        let reply = try await web.call(.POST, "/autodiscover/autodiscover.xml", rawBody: request("Zhang.San@Example.EDU.cn"),
                                       contentType: "text/xml")
        #expect(reply.status == 200)
        for (type, port) in [("IMAP", ports[.imaps]!), ("POP3", ports[.pop3s]!), ("SMTP", ports[.submissionTLS]!)] {
            #expect(reply.body.contains("<Type>\(type)</Type>\n        <Server>localhost</Server>\n        <Port>\(port)</Port>\n        <LoginName>zhang.san@example.edu.cn</LoginName>"), "\(type)")
        }
        #expect(reply.body.contains("<SSL>on</SSL>") && !reply.body.contains("<Error"))
        // Outlook's own spelling of the path.
        let capitals = try await web.call(.POST, "/Autodiscover/Autodiscover.xml", rawBody: request(address), contentType: "text/xml")
        #expect(capitals.body.contains("<Type>IMAP</Type>"))

        let foreign = try await web.call(.POST, "/autodiscover/autodiscover.xml", rawBody: request("a@gmail.com"), contentType: "text/xml")
        #expect(foreign.body.contains("<ErrorCode>500</ErrorCode>") && !foreign.body.contains("<Protocol>"))
        let garbage = try await web.call(.POST, "/autodiscover/autodiscover.xml", rawBody: "<Autodiscover/>", contentType: "text/xml")
        #expect(garbage.body.contains("<ErrorCode>600</ErrorCode>"))
        let huge = try await web.call(.POST, "/autodiscover/autodiscover.xml",
                                      rawBody: request(address) + String(repeating: " ", count: 20_000), contentType: "text/xml")
        #expect(huge.status == 413)
        // ActiveSync asks with its own schema: no such provider here.
        let activeSync = request(address).replacingOccurrences(of: "outlook/responseschema/2006a", with: "mobilesync/responseschema/2006")
        let mobile = try await web.call(.POST, "/autodiscover/autodiscover.xml", rawBody: activeSync, contentType: "text/xml")
        #expect(mobile.body.contains("<ErrorCode>601</ErrorCode>") && !mobile.body.contains("<Protocol>"))
        // A body whose chunked framing breaks: a bad request, not a server error.
        let raw = try await LineClient.connect(port: server.port)
        try await raw.send("POST /autodiscover/autodiscover.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<EMai\r\nZZ\r\n")
        #expect(try await raw.readLine().hasPrefix("HTTP/1.1 400"))
        await raw.close()
    }

    @Test func theAppleProfileCarriesANewClientPasswordThatSignsIn() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let web = try await signedIn(server)
        let ports = await ports(server)

        #expect(try await web.call(.POST, "/api/v1/app-passwords/apple-profile", ["name": "iPhone"], sendCSRF: false).error == "csrf_failed")
        let reply = try await web.call(.POST, "/api/v1/app-passwords/apple-profile", ["name": "iPhone"])
        #expect(reply.status == 201, "\(reply.body)")
        #expect(reply.headers.first(name: "Content-Type") == "application/x-apple-aspen-config")
        #expect(reply.headers.first(name: "Content-Disposition")
            == "attachment; filename=\"zhang.san@example.edu.cn.mobileconfig\"; filename*=UTF-8''zhang.san%40example.edu.cn.mobileconfig")
        #expect(reply.headers.first(name: "Cache-Control") == "no-store")
        let profile = try #require(try PropertyListSerialization.propertyList(from: Data(reply.body.utf8), format: nil) as? [String: Any])
        #expect(profile["PayloadType"] as? String == "Configuration")
        #expect(profile["PayloadIdentifier"] as? String == "localhost.mailward.zhang.san-40example.edu.cn")
        let account = try #require((profile["PayloadContent"] as? [[String: Any]])?.first)
        #expect(account["PayloadType"] as? String == "com.apple.mail.managed")
        #expect(account["EmailAccountType"] as? String == "EmailTypeIMAP")
        #expect(account["EmailAddress"] as? String == address)
        #expect(account["IncomingMailServerPortNumber"] as? Int == ports[.imaps])
        #expect(account["OutgoingMailServerPortNumber"] as? Int == ports[.submissionTLS])
        #expect(account["IncomingMailServerUseSSL"] as? Bool == true)
        let secret = try #require(account["IncomingPassword"] as? String)

        // It is a client-specific password of the account, listed under the name given.
        let list = try await web.call(.GET, "/api/v1/app-passwords")
        #expect(list.array.map { $0["name"] as? String } == ["iPhone"])
        #expect(!list.body.contains(secret))
        // For the doors the profile sets up, IMAP and SMTP (unless the request asks for a scope, below).
        #expect(list.array.first?["protocols"] as? [String] == ["imap", "smtp"])

        // And it signs in where the profile points: IMAP and submission over TLS.
        let imap = try await LineClient.connect(port: account["IncomingMailServerPortNumber"] as! Int, tls: true)
        _ = try await imap.readLine()
        try await imap.send("a LOGIN \"\(address)\" \"\(secret)\"\r\n")
        let login = try await imap.readLines { $0.hasPrefix("a ") }
        #expect(login.last?.hasPrefix("a OK") == true, "\(login)")
        await imap.close()
        let smtp = try await LineClient.connect(port: account["OutgoingMailServerPortNumber"] as! Int, tls: true)
        #expect(try await smtpReplyCode(smtp, nil) == 220)
        #expect(try await smtpReplyCode(smtp, "EHLO phone.example") == 250)
        let plain = Data("\0\(address)\0\(secret)".utf8).base64EncodedString()
        #expect(try await smtpReplyCode(smtp, "AUTH PLAIN \(plain)") == 235)
        await smtp.close()

        // The audit says a profile carried it out.
        let owner = try await server.runtime.accounts.account(address)
        let audit = try await server.runtime.store.auditEvents(accountID: owner.id, kinds: [AuditKind.appPasswordCreated, .appPasswordProfile], limit: 5)
        #expect(audit.map(\.kind) == [AuditKind.appPasswordProfile, .appPasswordCreated])

        // A scope asked for is the password's scope.
        let scoped = try await web.call(.POST, "/api/v1/app-passwords/apple-profile",
                                        ["name": "iPad", "protocols": ["imap"], "read_only": true])
        #expect(scoped.status == 201, "\(scoped.body)")
        let iPad = try await web.call(.GET, "/api/v1/app-passwords").array.first { $0["name"] as? String == "iPad" }
        #expect(iPad?["protocols"] as? [String] == ["imap"] && iPad?["read_only"] as? Bool == true)
        let iPadID = try #require(iPad?["id"])
        #expect(try await web.call(.DELETE, "/api/v1/app-passwords/\(iPadID)").status == 204)

        // The limits and rules of client-specific passwords hold here too.
        #expect(try await web.call(.POST, "/api/v1/app-passwords/apple-profile", ["name": ""]).error == "invalid_name")
        try await web.call(.DELETE, "/api/v1/session")
        #expect(try await web.call(.POST, "/api/v1/app-passwords/apple-profile", ["name": "iPad"]).status == 401)
    }

    /// The settings page's download: a form posted by the page itself, with the session's token
    /// and a client-specific password of this very account.
    @Test func theProfileFormTakesOnlyTheAccountsOwnPasswordWithTheToken() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let web = try await signedIn(server)
        let csrf = try #require(web.csrf)
        let created = try await web.call(.POST, "/api/v1/app-passwords", ["name": "iPhone"])
        let secret = try #require(created["password"] as? String)
        try await server.addUser("li.si@example.edu.cn")
        let other = server.client()
        try await other.call(.POST, "/api/v1/session", ["username": "li.si@example.edu.cn", "password": password])
        let othersSecret = try #require(try await other.call(.POST, "/api/v1/app-passwords", ["name": "x"])["password"] as? String)

        func post(_ client: APIClient, _ form: String) async throws -> APIClient.Reply {
            try await client.call(.POST, "/settings/profile/apple-profile", rawBody: form,
                                  contentType: "application/x-www-form-urlencoded", sendCSRF: false,
                                  extraHeaders: [("Origin", "http://127.0.0.1:\(server.port)")])
        }
        func form(_ token: String, _ password: String) -> String {
            "csrf_token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }
        let ok = try await post(web, form(csrf, secret))
        #expect(ok.status == 200)
        #expect(ok.headers.first(name: "Content-Type") == "application/x-apple-aspen-config")
        let profile = try #require(try PropertyListSerialization.propertyList(from: Data(ok.body.utf8), format: nil) as? [String: Any])
        #expect(((profile["PayloadContent"] as? [[String: Any]])?.first?["IncomingPassword"] as? String) == secret)

        #expect(try await post(web, form("wrong", secret)).status == 403)
        #expect(try await post(web, "password=\(secret)").status == 400, "no token at all: an incomplete form")
        #expect(try await post(web, form(csrf, othersSecret)).status == 400, "another account's password")
        #expect(try await post(web, form(csrf, "not-a-password")).status == 400)
        // Signed out: sent to the sign-in page (the client follows the redirect), no profile.
        let signedOut = try await post(server.client(), form(csrf, secret))
        #expect(signedOut.body.contains("data-page=\"login\"") && !signedOut.body.contains(secret))
    }

    @Test func thePasswordPageShowsTheServerSettings() async throws {
        let server = try await TwoStepServer.start()
        defer { Task { try? await server.stop() } }
        let web = try await signedIn(server)
        let ports = await ports(server)
        let page = try await web.call(.GET, "/settings/profile/password")
        #expect(page.status == 200)
        #expect(page.body.contains("<tr><td>IMAP</td><td>localhost</td><td>\(ports[.imaps]!)</td><td>SSL/TLS</td></tr>"))
        #expect(page.body.contains("<tr><td>SMTP</td><td>localhost</td><td>\(ports[.submission]!)</td><td>STARTTLS</td></tr>"))
        #expect(page.body.contains("用户名：\(address)"))
        #expect(page.body.contains("action=\"/settings/profile/apple-profile\""))
    }
}
