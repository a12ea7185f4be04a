/// Runs work under a time limit: its answer, or nil once `limit` has passed (the work is then
/// cancelled). For answers a caller must give in time whatever a dependency does — a gateway
/// that stalls its answer, a health check while the database does not answer.
public enum TimeLimit {
    public static func run<T: Sendable>(within limit: Duration,
                                        _ work: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
