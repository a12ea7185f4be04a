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
public struct FileBlobStore: BlobStore {
    public let root: String
    private static let io = DispatchQueue(label: "mailward.blob-files", attributes: .concurrent)

    public init(root: String) throws {
        self.root = root
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

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
        return try await Self.io.run {
            guard let data = FileManager.default.contents(atPath: path) else { throw MailError.noSuchMessage }
            return [UInt8](data)
        }
    }

    public func delete(_ id: BlobID) throws {
        if unlink(path(of: id)) != 0 && errno != ENOENT { throw Self.posixError("unlink", path(of: id)) }
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
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code),
                       userInfo: [NSLocalizedDescriptionKey: "\(call) \(path): \(String(cString: strerror(code)))"])
    }
}
