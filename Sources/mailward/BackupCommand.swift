import ArgumentParser
import Foundation
import MailwardApp
import MailwardConfig

/// `mailward backup DEST`: a consistent copy of the data folder while the server runs — the
/// database first (SQLite's online backup), then the body files, the server key, DKIM keys and
/// the configuration (`DataFolderBackup`). The copy is a data folder of its own.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the data folder (database, bodies, keys, configuration) into a new folder, also while the server runs.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The folder to create (or an empty one) for the copy.") var destination: String

    func run() async throws {
        try await administer {
            guard DataFolder.located(global.data).exists else { throw AppError("no data folder at \(DataFolder.located(global.data).path)") }
            let (folder, configuration) = try await global.loadConfiguration()
            let summary = try DataFolderBackup.make(from: folder, configuration: configuration, configFile: global.config,
                                                    to: destination)
            let target = DataFolder.located(destination).path
            var parts: [String] = []
            if let bytes = summary.databaseBytes { parts.append("database (\(ByteSize.format(bytes)))") }
            parts.append("\(summary.bodyFiles) body file\(summary.bodyFiles == 1 ? "" : "s") (\(ByteSize.format(summary.bodyBytes)))")
            parts += summary.copied
            print("backed up \(folder.path) to \(target): \(parts.joined(separator: ", "))")
            if summary.databaseBytes == nil {
                print("the mail is in PostgreSQL: back it up with pg_dump (docs/production.md)")
            }
            print("to use it: mailward serve --data \(target)")
        }
    }
}
