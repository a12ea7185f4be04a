import Foundation
import MailwardCore
import MailwardTesting
import MailwardConfig
import Testing

/// Secrets (passwords, SMS codes, client-specific passwords, session, challenge, CSRF and device
/// tokens) appear in no log line and in no database file in clear: a real `mailward serve`
/// process at log level trace is driven through every flow, then its log and the SQLite files
/// (database, WAL) are searched for each secret.
@Suite struct SecretsStayOutTests {
    @Test func noSecretInLogOrDatabase() async throws {
        let data = try temporaryFolder()
        let password = "Tea-Garden-42"
        let address = "zhang.san@example.edu.cn"
        #expect(try await runMailward(["domain", "add", "example.edu.cn", "--data", data]).status == 0)
        #expect(try await runMailward(["user", "add", address, "--password", password, "--data", data]).status == 0)

        let logPath = data + "/server.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = Binary.mailward
        process.arguments = ["serve", "--data", data]
        var environment = ProcessInfo.processInfo.environment
        environment["MAILWARD_LOG_LEVEL"] = "trace"
        environment.merge(MailwardConfiguration.ephemeralPortEnvironment) { $1 }
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var port: Int?
        for _ in 0..<300 where port == nil {
            try await Task.sleep(for: .milliseconds(100))
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"address=127\.0\.0\.1:(\d+) \[MailwardWeb\]"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":")[1].prefix { $0.isNumber })
            }
        }
        let web = APIClient(port: try #require(port))
        let outbox = Outbox(path: data + "/sms-outbox.jsonl")
        var secrets = [password]

        var reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        secrets += [try #require(reply["csrf_token"] as? String), try #require(web.cookie("mw_session"))]
        try await web.call(.POST, "/api/v1/security/two-step/sms/start", ["phone": "13800138000"])
        let bindCode = try #require(outbox.lastCode(to: "+8613800138000"))
        secrets.append(bindCode)
        reply = try await web.call(.POST, "/api/v1/security/two-step/sms/confirm", ["phone": "13800138000", "code": bindCode])
        #expect(reply["enabled"] as? Bool == true)
        reply = try await web.call(.POST, "/api/v1/app-passwords", ["name": "Foxmail"])
        secrets.append(try #require(reply["password"] as? String))
        try await web.call(.DELETE, "/api/v1/session")

        reply = try await web.call(.POST, "/api/v1/session", ["username": address, "password": password])
        let challenge = try #require(reply["challenge"] as? String)
        secrets.append(challenge)
        try await web.call(.POST, "/api/v1/session/sms", ["challenge": challenge])
        let code = try #require(outbox.lastCode(to: "+8613800138000"))
        secrets.append(code)
        reply = try await web.call(.POST, "/api/v1/session/verify", ["challenge": challenge, "code": code, "trust_device": true])
        #expect(reply["status"] as? String == "ok")
        secrets += [try #require(reply["csrf_token"] as? String), try #require(web.cookie("mw_session")),
                    try #require(web.cookieNames(prefix: "mw_device_").first.flatMap(web.cookie))]
        // B1: the authenticator app's secret (Base32 and its bytes), its code, the recovery codes.
        reply = try await web.call(.POST, "/api/v1/security/two-step/totp/start")
        let shown = try #require(reply["secret"] as? String).replacingOccurrences(of: " ", with: "")
        let secretBytes = try #require(Base32.decode(shown))
        secrets += [shown, try #require(reply["setup_token"] as? String)]
        let appCode = TOTP.code(secret: secretBytes, step: TOTP.step(at: Date()))
        reply = try await web.call(.POST, "/api/v1/security/two-step/totp/confirm",
                                   ["setup_token": try #require(reply["setup_token"] as? String), "code": appCode, "password": password])
        #expect(reply["methods"] as? [String] == ["sms", "totp"], "\(reply.body)")
        reply = try await web.call(.POST, "/api/v1/security/two-step/recovery-codes", ["password": password])
        let recoveryCodes = try #require(reply["codes"] as? [String])
        secrets += recoveryCodes + recoveryCodes.map { $0.replacingOccurrences(of: "-", with: "") }
        reply = try await web.call(.POST, "/api/v1/account/password", ["current_password": password, "new_password": "Moon-River-77"])
        #expect(reply.status == 200)
        secrets.append("Moon-River-77")

        process.terminate()
        process.waitUntilExit()
        try log.close()
        let logText = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(logText.contains("SMS queued to outbox"), "the log was captured")
        var database = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: data) where name.hasPrefix("mailward.sqlite") {
            database.append(try Data(contentsOf: URL(fileURLWithPath: data + "/" + name)))
        }
        #expect(database.count > 0)
        #expect(database.range(of: Data(secretBytes)) == nil, "the authenticator secret is stored in clear")
        for secret in secrets {
            #expect(!logText.contains(secret), "a secret reached the log: \(secret.prefix(3))…")
            #expect(database.range(of: Data(secret.utf8)) == nil, "a secret is stored in clear: \(secret.prefix(3))…")
        }
    }
}
