import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// A grace period seen from the doors of a real server (B8): the webmail's banner, the API's
/// `enforced_from`, and IMAP taking the account password until the grace ends, then not (also
/// ending a session opened with it during the grace).
@Suite struct EnforcementGraceWebTests {
    let address = "zhang.san@example.edu.cn"
    let password = "Tea-Garden-42"

    /// The end of the day `days` days from today in the server's zone, and that day's name.
    static func lastDay(_ days: Int, from now: Date) -> (end: Date, text: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: now))!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return (calendar.date(byAdding: .day, value: 1, to: day)!,
                String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
    }

    func imapLogin(_ server: TwoStepServer, tag: String) async throws -> String {
        let imap = try await LineClient.connect(port: await server.server.port(.imap))
        defer { Task { await imap.close() } }
        _ = try await imap.readLine()
        try await imap.send("\(tag) LOGIN \(address) \(password)\r\n")
        return try await imap.readLines { $0.hasPrefix("\(tag) ") }.last ?? ""
    }

    @Test func bannerAndEnforcedFromDuringGraceThenTheMailDoorsRefuse() async throws {
        let clock = FixedClock(Date())
        let server = try await TwoStepServer.start(clock: clock)
        defer { Task { try? await server.stop() } }
        try await server.addUser(address, password: password)
        try await server.addUser("robot@example.edu.cn", password: password)
        let (end, day) = Self.lastDay(5, from: clock.now)
        let twoStep = TwoStepService(server.runtime.security)
        try await twoStep.enforce(.domain("example.edu.cn"), graceUntil: end)
        let robot = try await server.runtime.accounts.account("robot@example.edu.cn")
        try await twoStep.exempt(.account(robot.id))

        // Web: signed in as before, told on every page.
        let web = server.client()
        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "ok", "\(reply.body)")
        reply = try await web.call(.GET, "/api/v1/security/two-step")
        #expect(reply["enforced"] as? Bool == false)
        #expect(reply["enforced_from"] as? String == ISO8601DateFormatter().string(from: end))
        for page in ["/mail", "/settings", "/settings/security/devices", "/mail/compose"] {
            let html = try await web.call(.GET, page).body
            #expect(html.contains("id=\"two-step-grace\""), "\(page)")
            #expect(html.contains("请在 \(day)（含当天）之前绑定手机"), "\(page)")
            #expect(html.contains("href=\"/settings/security/two-step\""), "\(page)")
        }
        let english = try await web.call(.GET, "/settings?lang=en").body
        #expect(english.contains("Your administrator requires two-step verification after \(day)"))
        #expect(english.contains("Bind a phone now"))

        // The exempt account: neither forced nor told.
        let exempt = server.client()
        #expect(try await exempt.call(.POST, "/api/v1/session", ["username": "robot@example.edu.cn", "password": password])["status"]
                as? String == "ok")
        reply = try await exempt.call(.GET, "/api/v1/security/two-step")
        #expect(reply["enforced"] as? Bool == false)
        #expect(reply.object.keys.contains("enforced_from") && reply["enforced_from"] is NSNull)
        #expect(!(try await exempt.call(.GET, "/mail").body.contains("two-step-grace")))

        // Mail door: the account password still works during grace.
        #expect(try await imapLogin(server, tag: "a").hasPrefix("a OK"))
        let open = try await LineClient.connect(port: await server.server.port(.imap))
        defer { Task { await open.close() } }
        _ = try await open.readLine()
        try await open.send("o1 LOGIN \(address) \(password)\r\n")
        #expect(try await open.readLines { $0.hasPrefix("o1 ") }.last?.hasPrefix("o1 OK") == true)

        // The grace ends: refused at the mail door, enrollment on the web, no more banner.
        clock.set(end)
        // A client connected with the account password since the grace is told at its next
        // command, as the browser is signed out.
        try await open.send("o2 NOOP\r\n")
        let ended = try await open.readLine()
        #expect(ended.hasPrefix("* BYE"), "\(ended)")
        let refused = try await imapLogin(server, tag: "b")
        #expect(refused.hasPrefix("b NO [AUTHENTICATIONFAILED]"), "\(refused)")
        let signedOut = try await web.call(.GET, "/mail").body
        #expect(signedOut.contains("data-page=\"login\"") && !signedOut.contains("two-step-grace"),
                "the session opened during grace is over")
        reply = try await server.client().call(.POST, "/api/v1/session", ["username": address, "password": password])
        #expect(reply["status"] as? String == "enrollment_required")
        // The exempt account is not forced after the grace either.
        #expect(try await server.client().call(.POST, "/api/v1/session", ["username": "robot@example.edu.cn", "password": password])["status"]
                as? String == "ok")
    }
}
