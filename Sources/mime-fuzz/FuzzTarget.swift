// libFuzzer entry point, compiled only with `-D LIBFUZZER` (libFuzzer then supplies `main`):
// `scripts/fuzz/libfuzzer mime [SECONDS]` builds it with AddressSanitizer, seeds it with the
// corpus and the test fixtures and runs it.
#if LIBFUZZER
import MailwardMIME

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = FuzzChecks.run(input) { fatalError(failure) }
    return 0
}
#endif
