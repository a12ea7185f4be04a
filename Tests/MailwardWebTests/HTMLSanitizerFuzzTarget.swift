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
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    guard let directory = getenv("MAILWARD_FUZZ_SEEDS").map({ String(cString: $0) }) else { return 0 }
    func write(_ text: String, to path: String) {
        guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
        fputs(text, file)
        fclose(file)
    }
    for (index, seed) in HTMLSanitizerFuzzing.harmless.enumerated() { write(seed, to: "\(directory)/seed-\(index)") }
    // One `"token"` per line, every byte outside printable ASCII (and `"` and `\`) as \xNN.
    let dictionary = HTMLSanitizerFuzzing.tokens.map { token in
        "\"" + token.utf8.map { byte in
            byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C
                ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(2)
        }.joined() + "\""
    }.joined(separator: "\n") + "\n"
    write(dictionary, to: "\(directory)/../html.dict")
    exit(0)
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
#endif
