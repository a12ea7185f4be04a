import Foundation
import Testing
@testable import MailwardApp

/// Memory a big command freed goes back to the system when the trimmer runs.
@Suite struct MemoryTrimmerTests {
    @Test func freedMemoryLeavesTheProcess() throws {
        #if canImport(Glibc)
        let trim = try #require(MemoryTrimmer.mallocTrim)
        // 200 MB in 10 KB blocks (below mmap's threshold: from the heap), then all freed but a
        // small block allocated after them, which pins the heap's top: nothing is returned by
        // `free` itself.
        var blocks: [UnsafeMutableRawPointer] = []
        for _ in 0..<20_000 {
            let block = try #require(malloc(10_240))
            memset(block, 1, 10_240)
            blocks.append(block)
        }
        let pin = malloc(64)
        for block in blocks { free(block) }
        let before = try Self.residentBytes()
        _ = trim(0)
        let after = try Self.residentBytes()
        free(pin)
        #expect(before - after > 100 << 20, "resident \(before >> 20) MB → \(after >> 20) MB")
        #endif
    }

    static func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes << 10
    }
}
