import Foundation
import MailwardConfig
import StoreSQLite

/// `mailward backup DEST`: a copy of a data folder, made while the server runs, that is itself a
/// data folder (`mailward serve --data DEST` starts on it).
///
/// The order is what makes it whole (docs/production.md, "Backups and upgrades"): **first** the
/// database, one consistent snapshot through SQLite's online backup; **then** `blobs/`. A body
/// expunged after the snapshot stays in place, marked in `blobs/.deleted/`, for an hour before the
/// sweep removes it, so every body the snapshot names is still there to copy; a body that arrived
/// after it is copied too and later found unreferenced. The mark and its body are one file (a
/// hard link), and stay one file in the copy. Then `server.key` (without it client-specific
/// passwords, trusted devices and sessions stop working), `dkim/` and the configuration file.
/// With PostgreSQL the mail is in the database: only the files are copied, and `pg_dump` does
/// the rest.
public enum DataFolderBackup {
    public struct Summary: Sendable, Equatable {
        /// The database copy's size; nil when the store is PostgreSQL.
        public var databaseBytes: Int64?
        public var bodyFiles: Int
        public var bodyBytes: Int64
        /// The other files and folders copied, by name (`server.key`, `dkim`, `mailward.yaml`).
        public var copied: [String]
    }

    /// Makes the copy. Before anything is written it checks that the destination's file system
    /// has room for the database and the bodies (`freeBytes` answers for a path; the statvfs one
    /// by default); a copy that fails half-way removes what it wrote, so no folder that looks like
    /// a backup but is not one is left behind.
    public static func make(from folder: DataFolder, configuration: MailwardConfiguration, configFile: String?,
                            to destinationPath: String,
                            freeBytes: (String) -> Int64? = DataFolderBackup.freeBytes) throws -> Summary {
        let destination = DataFolder.located(destinationPath)
        guard destination.path != folder.path else { throw AppError("the backup cannot go into the data folder itself") }
        if destination.path.hasPrefix(folder.path + "/") { throw AppError("the backup cannot go inside the data folder \(folder.path)") }
        let manager = FileManager.default
        let existed = destination.exists
        if existed {
            guard (try? manager.contentsOfDirectory(atPath: destination.path))?.isEmpty == true else {
                throw AppError("\(destination.path) exists and is not an empty folder: a backup goes into a new one")
            }
        }
        let needed = requiredBytes(for: folder, copyingDatabase: configuration.storage.postgresURL.isEmpty)
        if let free = freeBytes(nearestExistingFolder(of: destination.path)), free < needed {
            throw AppError("not enough free space for the backup at \(destination.path): it needs about "
                           + "\(ByteSize.format(needed)), \(ByteSize.format(free)) is free")
        }
        do {
            return try copy(folder, configuration: configuration, configFile: configFile, to: destination)
        } catch {
            // Whatever was written goes; an empty folder the admin made stays, empty.
            if existed {
                for name in (try? manager.contentsOfDirectory(atPath: destination.path)) ?? [] {
                    try? manager.removeItem(atPath: destination.path + "/" + name)
                }
            } else {
                try? manager.removeItem(atPath: destination.path)
            }
            throw error
        }
    }

    private static func copy(_ folder: DataFolder, configuration: MailwardConfiguration, configFile: String?,
                             to destination: DataFolder) throws -> Summary {
        let manager = FileManager.default
        _ = try DataFolder.prepare(destination.path)
        var summary = Summary(databaseBytes: nil, bodyFiles: 0, bodyBytes: 0, copied: [])
        if configuration.storage.postgresURL.isEmpty {
            let partial = destination.databasePath + ".partial"
            try? manager.removeItem(atPath: partial)
            summary.databaseBytes = try SQLiteStore.backUp(databaseAt: folder.databasePath, to: partial)
            try rename(partial, to: destination.databasePath)
        }
        if manager.fileExists(atPath: folder.blobsPath) {
            (summary.bodyFiles, summary.bodyBytes) = try copyBodies(from: folder.blobsPath, to: destination.blobsPath)
        }
        if manager.fileExists(atPath: folder.serverKeyPath) {
            try copyFile(folder.serverKeyPath, to: destination.serverKeyPath)
            summary.copied.append("server.key")
        }
        let dkim = folder.path + "/dkim"
        if manager.fileExists(atPath: dkim) {
            try copyTree(dkim, to: destination.path + "/dkim")
            summary.copied.append("dkim")
        }
        if let configFile = folder.configFile(explicit: configFile), manager.fileExists(atPath: configFile) {
            try copyFile(configFile, to: destination.defaultConfigPath)
            summary.copied.append("mailward.yaml")
        }
        syncFolder(destination.path)
        return summary
    }

    /// The space the copy takes, a little more than it will: the database with its write-ahead
    /// log (the snapshot is no larger), every body file (a mark sharing its body's inode is
    /// counted once; only such files are remembered), and a margin for the small files and the
    /// file system's own blocks.
    public static func requiredBytes(for folder: DataFolder, copyingDatabase: Bool) -> Int64 {
        var total: Int64 = 16 * 1024 * 1024
        if copyingDatabase {
            for path in [folder.databasePath, folder.databasePath + "-wal"] { total += fileSize(path) ?? 0 }
        }
        var seen = Set<UInt64>()
        var queue = [folder.blobsPath]
        let manager = FileManager.default
        while let path = queue.popLast() {
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                queue += ((try? manager.contentsOfDirectory(atPath: path)) ?? []).map { path + "/" + $0 }
            } else if attributes[.type] as? FileAttributeType == .typeRegular {
                let inode = sharedInode(attributes)
                if inode.map({ seen.insert($0).inserted }) ?? true { total += (attributes[.size] as? NSNumber)?.int64Value ?? 0 }
            }
        }
        return total
    }

    /// The bytes an unprivileged writer may still use on the file system holding `path`.
    public static func freeBytes(_ path: String) -> Int64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// The destination, or the closest folder above it that exists (where it will be made).
    static func nearestExistingFolder(of path: String) -> String {
        var candidate = path
        while !FileManager.default.fileExists(atPath: candidate), candidate != "/", !candidate.isEmpty {
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        return candidate.isEmpty ? "." : candidate
    }

    /// The file's inode when it has more than one name (a `.deleted/` mark and its body) — the
    /// only files the walks remember, so that each is counted and copied once.
    private static func sharedInode(_ attributes: [FileAttributeKey: Any]) -> UInt64? {
        guard ((attributes[.referenceCount] as? NSNumber)?.intValue ?? 1) > 1 else { return nil }
        return (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
    }

    private static func fileSize(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }

    /// Copies the body files (fan-out folders and `.deleted/` marks), skipping unfinished
    /// writes (`.tmp-…`). A file already copied under another name (a mark and its body share
    /// an inode) becomes a hard link in the copy too.
    static func copyBodies(from source: String, to destination: String) throws -> (files: Int, bytes: Int64) {
        // Only files with more than one name are remembered (a mark and its body): a large
        // server has millions of bodies, and the walk keeps no more than one folder's entries
        // per level (depth first) rather than a list of them all.
        var linkedInodes: [UInt64: String] = [:]
        var files = 0
        var bytes: Int64 = 0
        try makeFolder(destination)
        let manager = FileManager.default
        // The fan-out folders first, `.deleted` last: its marks are links to bodies copied by then.
        let names = try manager.contentsOfDirectory(atPath: source).sorted { ($0 == ".deleted" ? 1 : 0, $0) < ($1 == ".deleted" ? 1 : 0, $1) }
        var pending = Array(names.reversed())
        while let relative = pending.popLast() {
            let from = source + "/" + relative
            let to = destination + "/" + relative
            // Gone since it was listed: the hourly sweep removed a body expunged long before the
            // snapshot (so not named by it), or a folder emptied with it.
            guard let attributes = try? manager.attributesOfItem(atPath: from) else { continue }
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                try makeFolder(to)
                let entries = (try? manager.contentsOfDirectory(atPath: from)) ?? []
                pending.append(contentsOf: entries.sorted(by: >).map { relative + "/" + $0 })
                continue
            }
            guard attributes[.type] as? FileAttributeType == .typeRegular,
                  !(relative as NSString).lastPathComponent.hasPrefix(".tmp-") else { continue }
            let inode = sharedInode(attributes)
            if let inode, let first = linkedInodes[inode], link(first, to) == 0 { continue }
            do {
                try copyFile(from, to: to)
            } catch where !manager.fileExists(atPath: from) {
                try? manager.removeItem(atPath: to)
                continue
            }
            if let inode { linkedInodes[inode] = to }
            files += 1
            bytes += (attributes[.size] as? NSNumber)?.int64Value ?? 0
        }
        return (files, bytes)
    }

    static func copyTree(_ source: String, to destination: String) throws {
        try makeFolder(destination)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: source + "/" + name, isDirectory: &isFolder), isFolder.boolValue {
                try copyTree(source + "/" + name, to: destination + "/" + name)
            } else {
                try copyFile(source + "/" + name, to: destination + "/" + name)
            }
        }
    }

    /// A byte copy, readable by the owner only, fsynced.
    static func copyFile(_ source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw AppError("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw AppError("cannot write \(destination): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw AppError("cannot read \(source): \(String(cString: strerror(errno)))") }
            if got == 0 { break }
            var written = 0
            while written < got {
                let put = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, got - written) }
                if put < 0 && errno == EINTR { continue }
                guard put > 0 else { throw AppError("cannot write \(destination): \(String(cString: strerror(errno)))") }
                written += put
            }
        }
        guard fsync(output) == 0 else { throw AppError("cannot fsync \(destination): \(String(cString: strerror(errno)))") }
    }

    private static func makeFolder(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw AppError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw AppError("cannot rename \(from): \(String(cString: strerror(errno)))") }
    }

    private static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
