#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Appends records to a file so that concurrent writers never interleave: calls are serialized
/// by the actor, the file is opened with `O_APPEND` and each record goes out in one `write`,
/// then `fsync` makes it durable before the caller hears "sent".
actor AppendOnlyFile {
    struct WriteError: Error, CustomStringConvertible {
        var operation: String
        var code: Int32
        var description: String { "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
    }

    let path: String
    private let mode: mode_t

    /// `mode` applies when the file is created (default 0600: the outbox holds live codes).
    init(path: String, mode: mode_t = 0o600) {
        self.path = path
        self.mode = mode
    }

    func append(_ record: [UInt8]) throws {
        guard !record.isEmpty else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteError(operation: "open", code: errno) }
        defer { _ = close(descriptor) }

        var written = 0
        while written < record.count {
            let result = record.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw WriteError(operation: "write", code: errno)
            }
            // A regular file takes the whole record in one call; the loop is only a safety net.
            written += result
        }
        guard fsync(descriptor) == 0 else { throw WriteError(operation: "fsync", code: errno) }
    }
}
