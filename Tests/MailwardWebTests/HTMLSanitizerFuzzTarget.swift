// libFuzzer entry point of the HTML sanitizer, compiled only with `-D LIBFUZZER` (libFuzzer then
// supplies `main`) by `scripts/fuzz/libfuzzer html`, with this folder's `HTMLSanitizerFuzzing.swift`
// and the sanitizer's two source files. Every input goes through both sanitizer configurations;
// any broken property stops the run with the input saved.
#if LIBFUZZER
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let problems = HTMLSanitizerFuzzing.check(input)
    if !problems.isEmpty { fatalError("sanitizer properties broken: \(problems) for \(String(reflecting: input))") }
    return 0
}

/// With `MAILWARD_FUZZ_SEEDS=DIR` the binary writes the harmless seeds into DIR and the tokens as
/// a libFuzzer dictionary (`DIR/../html.dict`), then exits: where the script's first run starts.
/// (`SeedFiles` is ProtocolFuzzing's file, compiled into this binary by the script.)
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let directory = getenv("MAILWARD_FUZZ_SEEDS").map({ String(cString: $0) }) else { return 0 }
    SeedFiles.write(HTMLSanitizerFuzzing.harmless.map { Array($0.utf8) }, into: directory)
    // One `"token"` per line, every byte outside printable ASCII (and `"` and `\`) as \xNN.
    let dictionary = HTMLSanitizerFuzzing.tokens.map { token in
        "\"" + token.utf8.map { byte in
            byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
                ? String(UnicodeScalar(byte)) : (byte < 0x10 ? "\\x0" : "\\x") + String(byte, radix: 16, uppercase: true)
        }.joined() + "\""
    }.joined(separator: "\n") + "\n"
    SeedFiles.writeFile(Array(dictionary.utf8), to: "\(directory)/../html.dict")
    exit(0)
}
#endif
