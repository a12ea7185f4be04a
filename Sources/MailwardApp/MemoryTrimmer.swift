#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// Gives memory the allocator keeps back to the system once a minute. glibc's `malloc` holds on
/// to what a big command freed (an IMAP SEARCH or FETCH over 100 000 messages left the server at
/// 370 MB resident; `malloc_trim` brings it back to ~110 MB), so without it a server's size is
/// that of its biggest moment since start. A no-op where the C library has no `malloc_trim`.
struct MemoryTrimmer: Service {
    var interval: Duration = .seconds(60)

    func run() async throws {
        guard let trim = Self.mallocTrim else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                _ = trim(0)
            }
        }
    }

    typealias Trim = @convention(c) (Int) -> Int32

    /// glibc's `malloc_trim`, looked up at run time: the Glibc module does not import `malloc.h`.
    static let mallocTrim: Trim? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()
}
