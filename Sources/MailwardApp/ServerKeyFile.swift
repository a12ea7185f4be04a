import Foundation
import MailwardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `<data>/server.key`: the 32 random bytes every keyed hash uses (client-specific passwords,
/// codes, tokens). Made at first start with mode 0600; the server and the command line may start
/// at the same moment, so the file appears atomically (written aside, then hard-linked into place)
/// and whoever loses the race reads the winner's key.
enum ServerKeyFile {
    static func loadOrCreate(_ path: String, random: any RandomSource = SystemRandomSource()) throws -> ServerKey {
        if !FileManager.default.fileExists(atPath: path) {
            let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
            let created = FileManager.default.createFile(atPath: temporary, contents: Data(random.bytes(ServerKey.byteCount)),
                                                         attributes: [.posixPermissions: 0o600])
            guard created else { throw AppError("cannot write the server key \(path)") }
            defer { unlink(temporary) }
            if link(temporary, path) != 0, errno != EEXIST {
                throw AppError("cannot create the server key \(path): \(String(cString: strerror(errno)))")
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw AppError("the server key \(path) is readable by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try ServerKey(bytes: Array(bytes))
        } catch {
            throw AppError("the server key \(path) is damaged: \(error)")
        }
    }
}
