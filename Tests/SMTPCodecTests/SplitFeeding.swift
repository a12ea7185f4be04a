import NIOCore
import SMTPCodec

/// Every way the network might deliver `bytes`: whole, cut in two at every position, and one
/// byte at a time.
func deliveries(of bytes: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [[bytes]]
    if bytes.count > 1 {
        for cut in 1..<bytes.count {
            result.append([Array(bytes[..<cut]), Array(bytes[cut...])])
        }
    }
    result.append(bytes.map { [$0] })
    return result
}

/// Runs a decoder over `pieces`, appending each to one cumulation buffer (as NIO does) and
/// draining results after each piece. Returns everything that was not `needMoreData`, and the
/// bytes left in the buffer.
func drain<Decoder, Output: Equatable>(
    _ pieces: [[UInt8]], decoder: inout Decoder, isNeedMoreData: (Output) -> Bool,
    step: (inout Decoder, inout ByteBuffer) -> Output
) -> (outputs: [Output], leftover: [UInt8]) {
    var buffer = ByteBuffer()
    var outputs: [Output] = []
    for piece in pieces {
        buffer.writeBytes(piece)
        var guardCount = 0
        while true {
            let output = step(&decoder, &buffer)
            if isNeedMoreData(output) { break }
            outputs.append(output)
            guardCount += 1
            precondition(guardCount < 10_000, "decoder does not make progress")
        }
    }
    return (outputs, Array(buffer.readableBytesView))
}

func decodeCommands(
    _ pieces: [[UInt8]], configuration: SMTPCommandDecoder.Configuration = .init()
) -> [SMTPDecodeResult<SMTPCommand>] {
    var decoder = SMTPCommandDecoder(configuration: configuration)
    return drain(pieces, decoder: &decoder, isNeedMoreData: { $0 == .needMoreData }, step: { $0.next(&$1) }).outputs
}

extension String {
    var bytes: [UInt8] { Array(self.utf8) }
}

extension ByteBuffer {
    var string: String { String(decoding: self.readableBytesView, as: UTF8.self) }
}
