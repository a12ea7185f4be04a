import Foundation

/// Slows down password guessing per client IP across connections: every recent failure from
/// an IP adds a delay before that IP's next AUTH is checked (capped), and failures are
/// forgotten after `window`. Connection-level limits (421 after a few failures) are the
/// session's job.
public actor AuthenticationThrottle {
    private struct Record {
        var failures: Int
        var last: ContinuousClock.Instant
    }

    private var records: [String: Record] = [:]
    private let step: Duration
    private let maximumDelay: Duration
    private let window: Duration
    private let clock = ContinuousClock()

    public init(step: Duration = .milliseconds(250), maximumDelay: Duration = .seconds(5), window: Duration = .seconds(900)) {
        self.step = step
        self.maximumDelay = maximumDelay
        self.window = window
    }

    /// How long to wait before checking a credential from `ip`.
    public func delay(for ip: String) -> Duration {
        guard let record = records[ip], clock.now - record.last < window else { return .zero }
        return min(step * record.failures, maximumDelay)
    }

    public func recordFailure(from ip: String) {
        if records.count > 4096 { prune() }
        let now = clock.now
        var record = records[ip].flatMap { now - $0.last < window ? $0 : nil } ?? Record(failures: 0, last: now)
        record.failures += 1
        record.last = now
        records[ip] = record
    }

    public func recordSuccess(from ip: String) {
        records[ip] = nil
    }

    private func prune() {
        let now = clock.now
        records = records.filter { now - $0.value.last < window }
    }
}
