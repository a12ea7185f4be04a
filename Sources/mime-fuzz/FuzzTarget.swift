// libFuzzer entry point, compiled only with `-D LIBFUZZER` (libFuzzer then supplies `main`):
//
//     mkdir -p /tmp/mime-libfuzzer && cd /tmp/mime-libfuzzer
//     swiftc -O -sanitize=fuzzer,address -parse-as-library -emit-library -static -emit-module \
//         -module-name MailwardMIME /work/main/Sources/MailwardMIME/*.swift
//     swiftc -O -sanitize=fuzzer,address -parse-as-library -D LIBFUZZER -I . -L . -lMailwardMIME \
//         /work/main/Sources/mime-fuzz/{FuzzTarget,FuzzChecks,SplitMix64}.swift -o mime-libfuzzer
//     ./mime-libfuzzer -max_len=65536 CORPUS_DIR
#if LIBFUZZER
import MailwardMIME

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = FuzzChecks.run(input) { fatalError(failure) }
    return 0
}
#endif
