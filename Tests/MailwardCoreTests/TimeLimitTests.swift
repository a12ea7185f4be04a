import MailwardCore
import Testing

/// `TimeLimit`: the answer when the work is quick, nil (and the work cancelled) when it is not.
@Suite struct TimeLimitTests {
    @Test func aQuickAnswerIsReturned() async throws {
        #expect(try await TimeLimit.run(within: .seconds(5)) { 42 } == 42)
    }

    @Test func aSlowOneIsNilAndCancelled() async throws {
        let started = ContinuousClock.now
        let answer = try await TimeLimit.run(within: .milliseconds(100)) { () async throws -> Bool in
            try await Task.sleep(for: .seconds(30))
            return true
        }
        #expect(answer == nil)
        #expect(ContinuousClock.now - started < .seconds(10), "the slow work was cancelled, not waited for")
    }

    @Test func aFailureIsThrown() async {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { _ = try await TimeLimit.run(within: .seconds(5)) { () throws -> Int in throw Broken() } }
    }
}
