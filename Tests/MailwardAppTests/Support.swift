import Foundation
import MailwardTesting
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `mailward ARGS` to completion, feeding `stdin` (off the cooperative threads).
func runMailward(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws -> CommandResult {
    let outcome = try await ProcessRunner.run(Binary.mailward.path, arguments, environment: environment, stdin: stdin)
    return CommandResult(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
}

func temporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-app-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// A plain HTTP GET over a real socket.
func httpGet(_ url: String) async throws -> (status: Int, body: String, headers: [AnyHashable: Any]) {
    let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
    let http = response as! HTTPURLResponse
    return (http.statusCode, String(decoding: data, as: UTF8.self), http.allHeaderFields)
}

/// Sends `line` (unless nil) to an SMTP server and returns the code of its (possibly multi-line)
/// reply.
func smtpReplyCode(_ smtp: LineClient, _ line: String?) async throws -> Int {
    if let line { try await smtp.send(line + "\r\n") }
    let lines = try await smtp.readLines { $0.count < 4 || $0[$0.index($0.startIndex, offsetBy: 3)] != "-" }
    return Int(lines.last!.prefix(3)) ?? 0
}
