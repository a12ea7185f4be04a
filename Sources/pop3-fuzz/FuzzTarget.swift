// libFuzzer entry point, compiled only with `-D LIBFUZZER` (libFuzzer then supplies `main`); the
// steps are in scripts/fuzz/libfuzzer. It checks POP3Codec alone (`POP3CodecFuzzCheck`); the
// mutation loop of `main.swift` also drives whole sessions. The random choices are seeded with
// the input's own bytes, so a crash reproduces from its file alone.
#if LIBFUZZER
import ProtocolFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix64(seededBy: input)
    POP3CodecFuzzCheck.run(input, random: &random)
    return 0
}
#endif
