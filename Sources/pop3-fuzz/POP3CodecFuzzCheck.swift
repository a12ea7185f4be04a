import LineCodec
import NIOCore
import POP3Codec
import ProtocolFuzzing

/// The checks of POP3Codec alone, without a session, by the mutation loop (`main.swift`) and the
/// libFuzzer entry point (`FuzzTarget.swift`): the bytes read as client lines by the door's decoder
/// whole and in random chunks (a SASL response line after `AUTH PLAIN` without one, as the session
/// asks), which must make progress, hold at most one bounded line and give the same results however
/// the input is split; and the same bytes as a message through dot-stuffing and TOP.
enum POP3CodecFuzzCheck {
    static let configuration = POP3CommandDecoder.Configuration(maximumLineLength: 255, maximumAuthenticationLineLength: 1024)
    static let maxChunk = 64

    /// One decoded client line: a command, or a SASL response.
    enum Line: Equatable {
        case command(POP3DecodeResult<POP3Command>)
        case saslResponse(POP3DecodeResult<String>)
    }

    static func run(_ input: [UInt8], random: inout SplitMix64) {
        let whole = decode(input) { input.count }
        let split = decode(input) { 1 + Int(random.next() % UInt64(maxChunk)) }
        FuzzOracles.requireSplitIndependent(whole, split, iteration: 0, input: input, what: "decoding")
        checkMessage(input, iteration: 0, random: &random)
    }

    /// Decodes `input` fed in chunks of the sizes `nextChunk` picks; at most one unfinished line
    /// (and one chunk) is held.
    static func decode(_ input: [UInt8], nextChunk: () -> Int) -> [Line] {
        var decoder = POP3CommandDecoder(configuration: configuration)
        var lines: [Line] = []
        var saslResponseNext = false
        ChunkedFeed.run(input, bound: configuration.maximumAuthenticationLineLength + maxChunk, iteration: 0,
                        nextChunk: nextChunk) { buffer in
            if saslResponseNext {
                let result = decoder.nextAuthenticationLine(&buffer)
                if case .needMoreData = result { return false }
                lines.append(.saslResponse(result))
                saslResponseNext = false
            } else {
                let result = decoder.next(&buffer)
                if case .needMoreData = result { return false }
                lines.append(.command(result))
                if case .value(.auth("PLAIN", nil)) = result { saslResponseNext = true }
            }
            return true
        }
        return lines
    }

    /// `message` dot-stuffed in random pieces must un-stuff to itself (with CRLF line ends) and
    /// end only at its terminator; TOP of it must be a prefix of it.
    static func checkMessage(_ message: [UInt8], iteration: Int, random: inout SplitMix64) {
        let wire = DotStuffedInPieces.wire(message, random: &random)
        guard let body = unstuff(Array(wire.readableBytesView)) else {
            fatalError("bad stuffing (iteration \(iteration)) for \(message)")
        }
        if !message.isEmpty, body != FuzzOracles.canonicalCRLF(message) {
            fatalError("stuffing changed the message (iteration \(iteration)) for \(message)")
        }
        let top = POP3TopSelection.select(from: ByteBuffer(bytes: message), bodyLines: Int(random.next() % 4))
        precondition(message.starts(with: top.readableBytesView), "TOP is not a prefix (iteration \(iteration))")
    }

    /// Un-stuffs a multi-line body; nil when the terminator is missing or appears early.
    static func unstuff(_ wire: [UInt8]) -> [UInt8]? {
        var lines = wire.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        guard lines.last == [], lines.count >= 2, lines[lines.count - 2] == Array(".\r".utf8) else { return nil }
        lines.removeLast(2)
        var output: [UInt8] = []
        for line in lines {
            guard line.last == UInt8(ascii: "\r"), line != Array(".\r".utf8) else { return nil }
            output += line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line
            output.append(UInt8(ascii: "\n"))
        }
        return output
    }
}
