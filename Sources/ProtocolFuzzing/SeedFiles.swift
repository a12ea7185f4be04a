#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a fuzzer's seed corpus as files, one input each: where a coverage-guided run
/// (scripts/fuzz/libfuzzer) starts. One file with no imports but the C library, so a libFuzzer
/// build that does not link this module (the HTML sanitizer's) compiles it in directly.
public enum SeedFiles {
    /// `seed-0`, `seed-1`, … in `directory` (which exists); stops the program when one cannot be written.
    public static func write(_ seeds: [[UInt8]], into directory: String) {
        for (index, seed) in seeds.enumerated() { writeFile(seed, to: directory + "/seed-\(index)") }
    }

    /// Writes `bytes` to `path` (replacing it); stops the program when it cannot.
    public static func writeFile(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard fclose(file) == 0, written == bytes.count else { fatalError("cannot write \(path)") }
    }

    /// True (after writing them) when the arguments were `--write-seeds DIR`.
    public static func writeIfAsked(_ arguments: [String], seeds: () -> [[UInt8]]) -> Bool {
        guard arguments.count == 3, arguments[1] == "--write-seeds" else { return false }
        write(seeds(), into: arguments[2])
        return true
    }
}
