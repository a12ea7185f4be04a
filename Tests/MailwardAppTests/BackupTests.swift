import Foundation
import MailwardApp
import MailwardConfig
import MailwardCore
import Testing

/// `mailward backup` (`DataFolderBackup`): a copy made while the server runs is a data folder of
/// its own — the database snapshot, every body file it names (also one expunged after the
/// snapshot, kept as a mark in `blobs/.deleted/`, still one file with its body), the server key.
@Suite(.serialized) struct BackupTests {
    /// A message whose body is stored as a file (above the inline limit).
    static func largeMessage(_ subject: String) -> [UInt8] {
        let line = String(repeating: "大容量邮件 large mail body line ", count: 4) + "\r\n"
        return Array(("From: wang@demo.test\r\nTo: li@demo.test\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)@demo.test>\r\n\r\n"
            + String(repeating: line, count: 900)).utf8)
    }

    @Test func aBackupMadeWhileTheServerRunsOpensAsADataFolder() async throws {
        let server = try await TwoStepServer.start()
        try await server.addUser("li@demo.test")
        let runtime = server.runtime
        let li = try await runtime.accounts.account("li@demo.test")
        let inbox = try await runtime.mail.inbox(accountID: li.id)
        _ = try await runtime.mail.deliver(Array("From: wang@demo.test\r\nSubject: small\r\n\r\nhello\r\n".utf8), to: [li.id])
        let kept = Self.largeMessage("kept")
        _ = try await runtime.mail.deliver(kept, to: [li.id])
        _ = try await runtime.mail.deliver(Self.largeMessage("expunged"), to: [li.id])
        let uids = try await runtime.store.messages(mailboxID: inbox.id).map(\.uid)
        #expect(uids.count == 3)
        // The third is expunged and its body marked deleted: a mark in blobs/.deleted, the body in place.
        _ = try await runtime.mail.remove(mailboxID: inbox.id, uids: [uids[2]], onlyDeleted: false)
        // (The server's own collection may have marked it already.)
        _ = try await runtime.store.collectGarbage(deleteBody: { try runtime.blobs.delete($0) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: runtime.blobs.deletedFolder).count == 1)

        let destination = try temporaryFolder() + "/backup"
        let summary = try DataFolderBackup.make(from: runtime.folder, configuration: runtime.configuration, configFile: nil,
                                                to: destination)
        #expect((summary.databaseBytes ?? 0) > 0)
        #expect(summary.bodyFiles == 2, "the kept body and the expunged one; the mark is a link")
        #expect(summary.copied.contains("server.key"))
        // The mark and its body are still one file in the copy.
        let marks = destination + "/blobs/.deleted"
        let mark = try #require(try FileManager.default.contentsOfDirectory(atPath: marks).first)
        let markInode = try FileManager.default.attributesOfItem(atPath: marks + "/" + mark)[.systemFileNumber] as? NSNumber
        let bodyPath = destination + "/blobs/\(mark.prefix(2))/\(mark.dropFirst(2).prefix(2))/\(mark)"
        #expect(try FileManager.default.attributesOfItem(atPath: bodyPath)[.systemFileNumber] as? NSNumber == markInode)
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination + "/server.key"))
                == Data(contentsOf: URL(fileURLWithPath: runtime.folder.serverKeyPath)))
        // A new folder only: not again into the same one, not into the data folder.
        #expect(throws: AppError.self) {
            try DataFolderBackup.make(from: runtime.folder, configuration: runtime.configuration, configFile: nil, to: destination)
        }
        #expect(throws: AppError.self) {
            try DataFolderBackup.make(from: runtime.folder, configuration: runtime.configuration, configFile: nil,
                                      to: runtime.folder.path + "/inside")
        }
        try await server.stop()

        // The copy opens as a data folder: the account, both kept messages, the large body whole.
        let copy = try Runtime(folder: try DataFolder.prepare(destination), configuration: MailwardConfiguration())
        let restored = try await copy.accounts.account("li@demo.test")
        let restoredInbox = try await copy.mail.inbox(accountID: restored.id)
        let records = try await copy.store.messages(mailboxID: restoredInbox.id)
        #expect(records.count == 2)
        var raws: [[UInt8]] = []
        for record in records { raws.append(try await copy.mail.raw(record)) }
        #expect(raws.contains(kept))
    }

    @Test func theCommandLineMakesABackupAndRefusesAnUsedFolder() async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "add", "demo.test", "--data", data]).status == 0)
        #expect(try await runMailward(["user", "add", "li@demo.test", "--password", "Tea-Garden-42", "--data", data]).status == 0)
        let destination = try temporaryFolder() + "/copy"
        let made = try await runMailward(["backup", destination, "--data", data])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.hasPrefix("backed up ") && made.stdout.contains("database (") && made.stdout.contains("server.key"),
                "\(made.stdout)")
        #expect(try await runMailward(["user", "list", "--data", destination]).stdout == "li@demo.test\n")
        let again = try await runMailward(["backup", destination, "--data", data])
        #expect(again.status == 1 && again.stderr.contains("is not an empty folder"), "\(again.stderr)")
        let missing = try await runMailward(["backup", destination + "-2", "--data", data + "-nothing"])
        #expect(missing.status == 1 && missing.stderr.contains("no data folder"), "\(missing.stderr)")
    }

    @Test func aBackupThatWouldNotFitIsRefusedBeforeAnythingIsWritten() async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "add", "demo.test", "--data", data]).status == 0)
        #expect(try await runMailward(["user", "add", "li@demo.test", "--password", "Tea-Garden-42", "--data", data]).status == 0)
        let folder = DataFolder.located(data)
        let databaseBytes = try #require(try FileManager.default.attributesOfItem(atPath: folder.databasePath)[.size] as? NSNumber).int64Value
        #expect(DataFolderBackup.requiredBytes(for: folder, copyingDatabase: true) > databaseBytes)

        // A new folder: refused, and not made.
        let destination = try temporaryFolder() + "/copy"
        var asked: [String] = []
        #expect {
            try DataFolderBackup.make(from: folder, configuration: MailwardConfiguration(), configFile: nil, to: destination,
                                      freeBytes: { asked.append($0); return 4096 })
        } throws: { error in
            "\(error)".contains("not enough free space") && "\(error)".contains("4 KiB is free")
        }
        #expect(asked == [(destination as NSString).deletingLastPathComponent], "the free space of where it would be made")
        #expect(!FileManager.default.fileExists(atPath: destination))
        // An empty folder the admin made: refused, and left as it was.
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        #expect(throws: AppError.self) {
            try DataFolderBackup.make(from: folder, configuration: MailwardConfiguration(), configFile: nil, to: destination,
                                      freeBytes: { _ in 4096 })
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination).isEmpty)
        // With room it is made there.
        let summary = try DataFolderBackup.make(from: folder, configuration: MailwardConfiguration(), configFile: nil,
                                                to: destination, freeBytes: { _ in Int64.max })
        #expect(summary.databaseBytes != nil)
    }
}
