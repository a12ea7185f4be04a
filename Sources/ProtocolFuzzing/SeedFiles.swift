#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a fuzzer's seed corpus as files, one input each: where a coverage-guided run
/// (scripts/fuzz/libfuzzer) starts.
public enum SeedFiles {
    /// `seed-0`, `seed-1`, … in `directory` (which exists); stops the program when one cannot be written.
    public static func write(_ seeds: [[UInt8]], into directory: String) {
        for (index, seed) in seeds.enumerated() {
            let path = directory + "/seed-\(index)"
            guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
            let written = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            guard written == seed.count else { fatalError("cannot write \(path)") }
        }
    }

    /// True (after writing them) when the arguments were `--write-seeds DIR`.
    public static func writeIfAsked(_ arguments: [String], seeds: () -> [[UInt8]]) -> Bool {
        guard arguments.count == 3, arguments[1] == "--write-seeds" else { return false }
        write(seeds(), into: arguments[2])
        return true
    }
}
