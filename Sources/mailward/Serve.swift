import ArgumentParser
import Foundation
import MailwardApp
import Metrics
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (every door) until SIGTERM or SIGINT.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Also create the demo domain demo.test with users, and print their passwords.")
    var demo = false

    func run() async throws {
        try await administer {
            let (folder, configuration) = try await global.loadConfiguration()
            let lock = try ServerLock(folder)
            defer { withExtendedLifetime(lock) {} }
            LogSetup.bootstrap(configuration.log)
            OpenFilesLimit.raise(for: configuration)
            let runtime = try await Runtime.make(folder: folder, configuration: configuration)
            try await runtime.requireTheNodesServerKey()
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let server = try MailwardServer(runtime: runtime, registry: registry)
            if demo {
                let credentials = try await DemoSeeder.seed(runtime.accounts, mail: runtime.mail, security: runtime.security)
                Task {
                    let port = await server.port(.http)
                    var ports: [MailwardServer.Door: Int] = [:]
                    for door in MailwardServer.Door.allCases { ports[door] = await server.port(door) }
                    let host = runtime.configuration.listenAddress
                    var lines = ["", "Mailward demo is ready.", "  Webmail: http://\(host):\(port)/",
                                 "  Mail clients on \(host) (self-signed certificate): IMAP \(ports[.imap]!) STARTTLS, \(ports[.imaps]!) TLS;"
                                 + " POP3 \(ports[.pop3]!) STLS, \(ports[.pop3s]!) TLS; SMTP submission \(ports[.submission]!) STARTTLS, \(ports[.submissionTLS]!) TLS;"
                                 + " inbound SMTP (MX) \(ports[.smtp]!)",
                                 "  Accounts (passwords are new on every start):"]
                    for c in credentials { lines.append("    \(c.address)  password: \(c.password)") }
                    lines.append("")
                    FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                }
            }
            try await server.run()
        }
    }
}
