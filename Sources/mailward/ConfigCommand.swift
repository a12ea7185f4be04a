import ArgumentParser
import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration before a (re)start, or print its defaults.",
        subcommands: [Check.self, Defaults.self])

    /// `postconf -d` for Mailward: every key with its default, as a configuration file to start
    /// from. Reads no file and no environment: what is printed is what holds when nothing is set.
    struct Defaults: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every configuration key with its default, as a YAML configuration file.")

        func run() throws {
            print(try ConfigurationLoader.defaultsYAML(), terminator: "")
        }
    }

    /// `nginx -t` for Mailward: everything `serve` reads and checks before it listens — the YAML
    /// file and `MAILWARD_*` variables, the store (PostgreSQL is connected to), the DKIM keys, the
    /// TLS certificate and key, the SMS provider's settings — without binding a port, so it runs
    /// beside the server before a restart. Exit status 1 when `serve` would not start; its
    /// warnings are printed and do not change the status.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and check the configuration as `serve` would, without starting: exit status 1 if it would not start.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await administer {
                // A data folder that does not exist is not made here (a mistyped `--data` would
                // leave an empty one behind): the check runs on a scratch folder, as `serve` would
                // on the folder it creates, and says so.
                // A folder without its server key was never set up by `serve`: checked the same way.
                let requested = DataFolder.located(global.data)
                let setUp = FileManager.default.fileExists(atPath: requested.serverKeyPath)
                let scratch = setUp ? nil : try Self.scratchFolder()
                defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
                // The folder's own mailward.yaml counts even when the check runs elsewhere.
                let (folder, configuration) = try await Runtime.configuration(dataPath: scratch ?? global.data,
                                                                              configFile: requested.configFile(explicit: global.config))
                // Only what goes wrong, not the start-up lines of the parts it builds.
                var log = configuration.log
                log.level = "error"
                LogSetup.bootstrap(log)
                // The store is only read: a newer version's schema changes are named, not made
                // (the server running beside the check, or an older one, keeps its schema).
                // A scratch folder's new database may be set up: it is thrown away.
                let runtime = try await Runtime.make(folder: folder, configuration: configuration,
                                                     checkOnly: scratch == nil || !configuration.storage.postgresURL.isEmpty)
                try runtime.prepareSMS()
                // A self-signed pair that would be made anew is made in a scratch folder (the
                // running server's pair stays until it restarts).
                let certificates = try Self.scratchFolder()
                defer { try? FileManager.default.removeItem(atPath: certificates) }
                let server = try MailwardServer(runtime: runtime, selfSignedFolder: certificates)
                for line in Self.summary(folder: requested, configuration: configuration, explicitFile: global.config) { print(line) }
                var warnings = await server.startWarnings()
                if scratch != nil {
                    warnings.insert(requested.exists
                        ? "the data folder \(requested.path) is not set up yet: `serve` sets it up on first start"
                        : "the data folder \(requested.path) does not exist: `serve` creates it on first start "
                            + "(a mistyped --data or MAILWARD_DATA?)", at: 0)
                } else if configuration.tls.certificate.isEmpty, server.certificate.certificatePath.hasPrefix(certificates),
                          FileManager.default.fileExists(atPath: requested.path + "/tls-selfsigned.crt") {
                    warnings.append("the self-signed certificate in the data folder does not name \(configuration.hostname): "
                                    + "`serve` makes a new one at its next start (mail clients will ask to trust it again)")
                }
                if let migrating = runtime.store as? any MigratingStore, !migrating.migrationsPendingAtOpen.isEmpty {
                    warnings.append(Self.schemaWarning(pending: migrating.migrationsPendingAtOpen,
                                                       known: type(of: migrating).knownMigrations))
                }
                for warning in warnings { print("warning: \(warning)") }
                print(warnings.isEmpty ? "configuration OK" : "configuration OK, \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
            }
        }

        /// What `serve` will do to the store's schema at its start. Checks that read the store
        /// (domains without a postmaster) see the schema as it is until then.
        static func schemaWarning(pending: [String], known: [String]) -> String {
            guard pending.count < known.count else {
                return "the store has no Mailward schema yet: `serve` creates it at its first start"
            }
            return "the store's schema lacks \(pending.count) change\(pending.count == 1 ? "" : "s") of this version "
                + "(\(pending.joined(separator: ", "))): `serve` applies \(pending.count == 1 ? "it" : "them") at its start — "
                + "stop the running server first"
        }

        /// An empty private folder in the system's temporary folder.
        static func scratchFolder() throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mailward-check-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return path
        }

        static func summary(folder: DataFolder, configuration c: MailwardConfiguration, explicitFile: String?) -> [String] {
            let store = c.storage.postgresURL.isEmpty ? "SQLite \(folder.databasePath)" : "PostgreSQL \(c.storage.printablePostgresURL)"
            let tls = c.tls.certificate.isEmpty ? "self-signed, in the data folder" : "\(c.tls.certificate) (key \(c.tls.key))"
            let sms = c.sms.provider == "outbox" ? "outbox (\(folder.smsOutboxPath))" : c.sms.provider
            return [
                "configuration file: \(folder.configFile(explicit: explicitFile) ?? "none (defaults and MAILWARD_* variables)")",
                "data folder: \(folder.path)",
                "store: \(store)",
                "hostname: \(c.hostname), listening on \(c.listenAddress)",
                "ports: HTTP \(c.http.port), SMTP \(c.smtp.port), submission \(c.smtp.submissionPort) (STARTTLS) and \(c.smtp.submissionTLSPort) (TLS), "
                    + "IMAP \(c.imap.port) and \(c.imap.tlsPort) (TLS), POP3 \(c.pop3.port) and \(c.pop3.tlsPort) (TLS)",
                "TLS certificate: \(tls)",
                "SMS provider: \(sms)",
                "outbound: \(outbound(c.delivery))",
            ]
        }

        /// Where remote mail goes; the relay's login is named by its user, never its password.
        static func outbound(_ d: MailwardConfiguration.DeliverySettings) -> String {
            let routes = d.routes.isEmpty ? "" : ", \(d.routes.count) domain route\(d.routes.count == 1 ? "" : "s")"
            guard !d.relayHost.isEmpty else { return "MX lookup (port \(d.smtpPort))" + routes }
            let login = d.relayUsername.isEmpty ? "no login" : "login \(d.relayUsername)"
            return "smarthost \(d.relayHost), TLS \(d.relayTLS.rawValue), \(login)" + routes
        }
    }
}
