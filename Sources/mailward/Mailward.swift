import ArgumentParser
import Foundation
import MailwardApp

@main
struct Mailward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailward",
        abstract: "Mailward: SMTP, IMAP, POP3 and webmail in one server, with two-step verification.",
        subcommands: [Serve.self, DomainCommand.self, UserCommand.self, PolicyCommand.self, QueueCommand.self])
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder (database, certificates, SMS outbox).")
    var data: String = ProcessInfo.processInfo.environment["MAILWARD_DATA"] ?? "./data"

    @Option(name: .long, help: "A YAML configuration file (default: mailward.yaml in the data folder, if present).")
    var config: String?

    func openRuntime() async throws -> Runtime {
        try await Runtime.open(dataPath: data, configFile: config)
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

/// Reads a password from `--password` or one line of standard input (`--password-stdin`).
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: "The password (visible in the process list; prefer --password-stdin).")
    var password: String?

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    func read() throws -> String {
        switch (password, passwordStdin) {
        case (let pw?, false): return pw
        case (nil, true):
            guard let line = Swift.readLine(strippingNewline: true) else {
                throw AppError("no password on standard input")
            }
            return line.hasSuffix("\r") ? String(line.dropLast()) : line
        case (nil, false): throw AppError("give --password PW or --password-stdin")
        default: throw AppError("give either --password or --password-stdin, not both")
        }
    }
}
