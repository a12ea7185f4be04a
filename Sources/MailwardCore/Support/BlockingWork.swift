import Dispatch

extension DispatchQueue {
    /// Runs `work` — something that blocks or burns CPU for long (password hashing, writing and
    /// fsyncing a big file) — on this queue, and resumes the caller with its result. The server's
    /// tasks run on NIO's event loops, where such work would hold up every connection of a loop.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// ``run(_:)`` for work that cannot fail.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            self.async { continuation.resume(returning: work()) }
        }
    }
}
