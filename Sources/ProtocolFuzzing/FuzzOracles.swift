/// Checks the line-protocol fuzzers share.
public enum FuzzOracles {
    /// The input with every line ending (CR, LF or CRLF) made CRLF and a final CRLF added when
    /// missing: what dot-stuffing promises a message comes back as.
    public static func canonicalCRLF(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == 13 {
                output += [13, 10]
                if index + 1 < input.count, input[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                output += [13, 10]
            } else {
                output.append(byte)
            }
            index += 1
        }
        if let last = output.last, last != 10 { output += [13, 10] }
        return output
    }

    /// Stops the run, naming the input, when decoding it whole and in random pieces gave different
    /// results (a decoder must not depend on how the network splits its bytes).
    public static func requireSplitIndependent<Result: Equatable>(_ whole: Result, _ split: Result, iteration: Int,
                                                                   input: [UInt8], what: String) {
        guard whole != split else { return }
        // One message on standard error: what `print` buffered would be lost when the run stops.
        fatalError("""
            split-dependent \(what) at iteration \(iteration) for input \(input)
              whole: \(whole)
              split: \(split)
            """)
    }
}
