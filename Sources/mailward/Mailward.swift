import ArgumentParser
import Foundation
import MailwardApp
import MailwardConfig
import NIOCore
import NIOPosix

@main
struct Mailward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailward",
        abstract: "Mailward: SMTP, IMAP, POP3 and webmail in one server, with two-step verification.",
        subcommands: [Serve.self, DomainCommand.self, UserCommand.self, AliasCommand.self, PolicyCommand.self, QueueCommand.self,
                      DKIMCommand.self, ConfigCommand.self, ShareCommand.self, BackupCommand.self])

    /// Swift concurrency runs its tasks on NIO's event-loop threads: a session task that reads
    /// from and writes to its connection then stays on the connection's thread instead of
    /// hopping to the cooperative pool and back for every command (measured: ~12 % of the CPU
    /// of an SMTP delivery). Nothing in Mailward blocks inside a task for long: password hashing
    /// has its own queue, database writes GRDB's, body files FileBlobStore's (docs/ARCHITECTURE.md).
    static func main() async {
        // Everything Mailward writes — the database with its password hashes and mail, keys,
        // the SMS outbox — is for the server's user only, also in a data folder an installer
        // made readable for others (systemd's StateDirectory= is 0755), as Postfix does.
        umask(0o077)
        LogSetup.pinLocalTimeZone()
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // `--help` and `--version` print as usual; a usage mistake is one line, as every
            // other error of the command line (README: "Errors are one line").
            guard exitCode(for: error) != .success else { exit(withError: error) }
            FileHandle.standardError.write(Data("mailward: error: \(message(for: error)) (see `\(helpCommand()) --help`)\n".utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                var synchronous = command
                try synchronous.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

extension Mailward {
    /// `mailward` and the subcommands named on the command line, as far as they exist.
    static func helpCommand() -> String {
        var words = ["mailward"]
        var current: any ParsableCommand.Type = Mailward.self
        for argument in CommandLine.arguments.dropFirst() {
            guard let next = current.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            words.append(argument)
            current = next
        }
        return words.joined(separator: " ")
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder (database, certificates, SMS outbox).")
    var data: String = ProcessInfo.processInfo.environment["MAILWARD_DATA"] ?? "./data"

    @Option(name: .long, help: "A YAML configuration file (default: mailward.yaml in the data folder, if present).")
    var config: String?

    /// The store of an existing data folder. Only `serve` makes a data folder: an administrator's
    /// command on a mistyped `--data` (or without `--data`, away from the server's folder) would
    /// otherwise set up a new, empty server there and report success.
    func openRuntime() async throws -> Runtime {
        let folder = DataFolder.located(data)
        guard folder.exists else {
            throw AppError("no data folder at \(folder.path): pass the server's --data (or MAILWARD_DATA); "
                                  + "`mailward serve --data \(data)` makes a new one")
        }
        return try await Runtime.open(dataPath: data, configFile: config)
    }

    /// The data folder and configuration, the store not opened yet (see `Runtime.configuration`).
    func loadConfiguration() async throws -> (DataFolder, MailwardConfiguration) {
        try await Runtime.configuration(dataPath: data, configFile: config)
    }
}

/// Runs an administrator command: its errors become one line on standard error and exit 1.
func administer(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("mailward: error: \(describe(error))\n".utf8))
        throw ExitCode(1)
    }
}

func describe(_ error: any Error) -> String {
    String(describing: error)
}

/// Reads a password from `--password` or one line of standard input (`--password-stdin`), or
/// takes none (`--no-login`: a functional mailbox, B5).
struct PasswordOptions: ParsableArguments {
    /// The next argument whatever it looks like: a password may begin with a dash.
    @Option(name: .long, parsing: .unconditional, help: "The password (visible in the process list; prefer --password-stdin).")
    var password: String?

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @Flag(name: .long, help: "No password at all: a functional mailbox (办公室, 招生办…) people reach only through shares.")
    var noLogin = false

    /// The password given, or nil with `--no-login` (then neither password option may be given).
    func readUnlessNoLogin() throws -> String? {
        guard noLogin else { return try read() }
        guard password == nil, !passwordStdin else { throw AppError("give a password or --no-login, not both") }
        return nil
    }

    func read() throws -> String {
        switch (password, passwordStdin) {
        case (let pw?, false): return pw
        case (nil, true):
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw AppError("no password on standard input")
            }
            return line.hasSuffix("\r") ? String(line.dropLast()) : line
        case (nil, false): throw AppError("give --password PW, --password-stdin or --no-login")
        default: throw AppError("give either --password or --password-stdin, not both")
        }
    }
}
