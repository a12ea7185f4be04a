import NIOCore
import POP3Codec

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

/// Feeds `pieces` into one cumulation buffer and drains every decoded command.
func decodeCommands(
    _ pieces: [[UInt8]], configuration: POP3CommandDecoder.Configuration = .init()
) -> [POP3DecodeResult<POP3Command>] {
    var decoder = POP3CommandDecoder(configuration: configuration)
    var buffer = ByteBuffer()
    var results: [POP3DecodeResult<POP3Command>] = []
    for piece in pieces {
        buffer.writeBytes(piece)
        while true {
            let result = decoder.next(&buffer)
            if result == .needMoreData { break }
            results.append(result)
            precondition(results.count < 10_000, "decoder does not make progress")
        }
    }
    return results
}

extension String {
    var bytes: [UInt8] { Array(self.utf8) }
}

extension ByteBuffer {
    var string: String { String(decoding: self.readableBytesView, as: UTF8.self) }
}
