import NIOCore

/// How the fuzzers feed a decoder as the network would: the input arrives in pieces into one
/// buffer, and after each piece the decoder takes what it can.
public enum ChunkedFeed {
    /// Writes `input` into one buffer in pieces of the sizes `nextChunk` picks. After each piece
    /// `step` runs until it answers false (it needs more input); a decoder that never does — more
    /// steps than there are bytes — stops the run, and so does one that then holds more than
    /// `bound` bytes. Once `finished` says so (a session closed), nothing more is fed, and what was
    /// left unread does not count against the bound.
    public static func run(_ input: [UInt8], bound: Int, iteration: Int, nextChunk: () -> Int,
                           finished: () -> Bool = { false }, step: (inout ByteBuffer) -> Bool) {
        var buffer = ByteBuffer()
        var offset = 0
        while offset < input.count, !finished() {
            let end = min(input.count, offset + nextChunk())
            buffer.writeBytes(input[offset..<end])
            offset = end
            var calls = 0
            repeat {
                calls += 1
                if calls > input.count + 2 { fatalError("decoder did not make progress (iteration \(iteration))") }
            } while !finished() && step(&buffer)
            if !finished(), buffer.readableBytes > bound {
                fatalError("decoder holds \(buffer.readableBytes) bytes (iteration \(iteration))")
            }
        }
    }
}
