#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `mailward serve` per data folder: an exclusive lock on `<data>/serve.lock`, held for the
/// life of the process (the kernel lets go of it when the process ends, however it ends). A
/// second server on the same folder would clear the first one's POP3 maildrop leases at its
/// start and never see the mail the other receives in its IMAP IDLE sessions. The command line
/// does not take the lock: it works beside a running server.
public final class ServerLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or throws naming the folder when another server holds it.
    public init(_ folder: DataFolder) throws {
        let path = folder.path + "/serve.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AppError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw AppError("another Mailward server is running on the data folder \(folder.path) (it holds \(path))")
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }
}
