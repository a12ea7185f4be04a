// libFuzzer entry point, compiled only with `-D LIBFUZZER` (libFuzzer then supplies `main`); the
// steps are in scripts/fuzz/libfuzzer. The chunk sizes of the split decoding are drawn from a
// generator seeded with the input's own bytes, so a crash reproduces from its file alone.
#if LIBFUZZER
import ProtocolFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix64(seededBy: input)
    _ = IMAPFuzzCheck.run(input, iteration: 0, random: &random)
    return 0
}
#endif
