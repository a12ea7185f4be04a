import Foundation
import MailwardCore

/// Message bodies as files named by their SHA-256 under `root/ab/cd/<hex>`, written to a
/// temporary name, fsynced, renamed into place and the folder fsynced: once `put` returns the
/// body survives a crash. Identical bodies are stored once.
///
/// The 256 × 256 fan-out folders are made on demand: `ensure` first tries to create its
/// temporary file and only on `ENOENT` creates the folder (and fsyncs the parents so the new
/// folder survives a crash too). Almost every delivery thus costs no `mkdir` or `stat` of folders.
///
/// `put` and `get` run on a queue of their own: the server's tasks run on NIO's event loops
/// (`Mailward.main`), and writing, fsyncing or reading a body of many megabytes there would hold
/// up every connection of that loop.
///
/// A deleted body is not unlinked at once: it stays in place, with a hard link in
/// `root/.deleted/` (``deletedFolder``) saying since when it is deleted, until a sweep finds it
/// older than the retention time and no message naming it (`BodyFileSweeper`). So a backup that
/// copies the database and then this folder, in one pass, finds every body the database copy
/// names — also those expunged while it ran.
public struct FileBlobStore: BlobStore {
    public let root: String
    private static let io = DispatchQueue(label: "mailward.blob-files", attributes: .concurrent)

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root + "/.deleted", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    /// Where deleted bodies wait, named by their hex id.
    public var deletedFolder: String { root + "/.deleted" }

    private func deletedPath(of id: BlobID) -> String { deletedFolder + "/" + id.hex }

    public static func id(of bytes: [UInt8]) -> BlobID {
        BlobID.of(bytes)
    }

    public func path(of id: BlobID) -> String {
        let hex = id.hex
        return "\(root)/\(hex.prefix(2))/\(hex.dropFirst(2).prefix(2))/\(hex)"
    }

    public func put(_ bytes: [UInt8]) async throws -> BlobID {
        try await Self.io.run {
            let id = Self.id(of: bytes)
            try self.ensure(id, bytes: bytes)
            return id
        }
    }

    public func ensure(_ id: BlobID, bytes: [UInt8]) throws {
        let final = path(of: id)
        if access(final, F_OK) == 0 { return }
        let folder = (final as NSString).deletingLastPathComponent
        let temporary = folder + "/.tmp-\(UUID().uuidString)"
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 && errno == ENOENT {
            try createFolder(folder)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw Self.posixError("open", temporary) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw Self.posixError("write", temporary)
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw Self.posixError("fsync", temporary) }
        }
        guard rename(temporary, final) == 0 else { throw Self.posixError("rename", final) }
        ok = true
        Self.syncFolder(folder)
    }

    /// Creates the fan-out folders `root/ab` and `root/ab/cd` as needed (and `root` itself if it
    /// went missing) and fsyncs each parent whose entries changed, so that a body renamed into
    /// the new folder is found after a crash.
    private func createFolder(_ folder: String) throws {
        let middle = (folder as NSString).deletingLastPathComponent
        if access(root, F_OK) != 0 {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            Self.syncFolder((root as NSString).deletingLastPathComponent)
        }
        for (path, parent) in [(middle, root), (folder, middle)] {
            if mkdir(path, 0o700) == 0 {
                Self.syncFolder(parent)
            } else if errno != EEXIST {
                throw Self.posixError("mkdir", path)
            }
        }
    }

    public func get(_ id: BlobID) async throws -> [UInt8] {
        let path = path(of: id)
        let deleted = deletedPath(of: id)
        return try await Self.io.run {
            // Its mark in `.deleted` is a link to the same file: found there if only that was kept.
            guard let data = FileManager.default.contents(atPath: path) ?? FileManager.default.contents(atPath: deleted) else {
                // A message names this body, but its file is gone (a restore without it, or
                // worse): a server error to report and log, not the "expunged meanwhile" of
                // `MailError.noSuchMessage`, which would pass it off as normal.
                throw StoreError.missing("the body file \(path) is gone")
            }
            return [UInt8](data)
        }
    }

    public func read(_ id: BlobID, range: Range<Int>) async throws -> [UInt8] {
        let path = path(of: id)
        let deleted = deletedPath(of: id)
        return try await Self.io.run {
            var fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 && errno == ENOENT { fd = open(deleted, O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else {
                if errno == ENOENT { throw StoreError.missing("the body file \(path) is gone") }
                throw Self.posixError("open", path)
            }
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: max(range.count, 0))
            var filled = 0
            while filled < bytes.count {
                let got = bytes.withUnsafeMutableBytes { buffer in
                    pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(max(range.lowerBound, 0) + filled))
                }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Self.posixError("read", path)
                }
                if got == 0 { break }  // the end of the body: the range is clamped to it
                filled += got
            }
            bytes.removeSubrange(filled...)
            return bytes
        }
    }

    /// Marks the body deleted: a hard link in ``deletedFolder``, the file's time set to now; the
    /// sweep removes both once the retention time has passed. Gone already is fine.
    public func delete(_ id: BlobID) throws {
        let target = deletedPath(of: id)
        if link(path(of: id), target) != 0 {
            switch errno {
            case EEXIST: break  // deleted before (and delivered again since): the time is renewed below
            case ENOENT:
                if access(path(of: id), F_OK) != 0 { return }  // the body was gone
                try FileManager.default.createDirectory(atPath: deletedFolder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                guard link(path(of: id), target) == 0 || errno == EEXIST else { throw Self.posixError("link", target) }
            default:
                throw Self.posixError("link", target)
            }
        }
        utimes(target, nil)
    }

    // MARK: Sweeping (`BodyFileSweeper`)

    /// What a sweep looks at, everything last changed before `cutoff`: the bodies marked in
    /// ``deletedFolder``, and with `includePlaced` the other bodies in place too (to find those
    /// no message names: a refused insert's, a crash's). Temporary files of writes a crash
    /// interrupted are removed on the way.
    public func sweepCandidates(before cutoff: Date, includePlaced: Bool) -> (deleted: [BlobID], placed: [BlobID]) {
        let limit = cutoff.timeIntervalSince1970
        func isOld(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && Double(info.st_mtim.tv_sec) < limit
        }
        let fm = FileManager.default
        let marked = (try? fm.contentsOfDirectory(atPath: deletedFolder)) ?? []
        let deleted = marked.filter { isOld(deletedFolder + "/" + $0) }.compactMap { Self.blobID(fileName: $0) }
        guard includePlaced else { return (deleted, []) }
        // Bodies marked deleted are the first list's (or not yet due): not looked at twice.
        let markedNames = Set(marked)
        var placed: [BlobID] = []
        for first in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where first.count == 2 {
            for second in (try? fm.contentsOfDirectory(atPath: root + "/" + first)) ?? [] where second.count == 2 {
                let folder = root + "/" + first + "/" + second
                for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] {
                    let path = folder + "/" + name
                    if name.hasPrefix(".tmp-") {
                        if isOld(path) { unlink(path) }
                    } else if !markedNames.contains(name), let id = Self.blobID(fileName: name), isOld(path) {
                        placed.append(id)
                    }
                }
            }
        }
        return (deleted, placed)
    }

    /// The id a body file is named by: 64 lowercase hex digits (anything else is not ours).
    static func blobID(fileName name: String) -> BlobID? {
        guard name.utf8.count == 64, name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        return BlobID(hex: name)
    }

    /// A deleted body's end: the file and its mark unlinked for good.
    public func purge(_ id: BlobID) {
        unlink(path(of: id))
        unlink(deletedPath(of: id))
    }

    /// A body marked deleted that a message names after all (the same message delivered again,
    /// a restored backup): the mark goes, and the body is in place (put back if it was not).
    public func keep(_ id: BlobID) {
        if access(path(of: id), F_OK) != 0 {
            let folder = (path(of: id) as NSString).deletingLastPathComponent
            if access(folder, F_OK) != 0 { try? createFolder(folder) }
            guard link(deletedPath(of: id), path(of: id)) == 0 else { return }
            Self.syncFolder(folder)
        }
        unlink(deletedPath(of: id))
    }

    /// Total bytes of all bodies (for benchmarks and `/metrics`).
    public func diskUsage() -> Int64 {
        var total: Int64 = 0
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let name = enumerator?.nextObject() as? String {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + name),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? Int64 else { continue }
            total += size
        }
        return total
    }

    static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func posixError(_ call: String, _ path: String) -> any Error {
        let code = errno
        if code == ENOSPC || code == EDQUOT {
            // Temporary for the doors (451, NO [UNAVAILABLE], 503): space can be made.
            return StoreError.unavailable("the disk is full: \(call) \(path)")
        }
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code),
                       userInfo: [NSLocalizedDescriptionKey: "\(call) \(path): \(String(cString: strerror(code)))"])
    }
}
