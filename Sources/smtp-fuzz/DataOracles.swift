import NIOCore
import SMTPCodec

// The oracles of DATA's end (the smuggling rule), shared by the mutation loop (`main.swift`) and
// the libFuzzer entry point (`FuzzTarget.swift`).

/// Like `precondition`, but says why in release builds too.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// A naive model of RFC 5321 §4.5.2, written differently from the decoder: the message ends at the
/// first CRLF "." CRLF (the DATA line's CRLF counts as the first), and every line that starts after
/// a CRLF loses one leading ".". Bare CR and bare LF are data.
func referenceDATA(_ wire: [UInt8]) -> (payload: [UInt8], bare: Bool, leftover: [UInt8])? {
    let framed: [UInt8] = [13, 10] + wire
    let marker: [UInt8] = [13, 10, 46, 13, 10]
    guard framed.count >= 5, let end = (0...(framed.count - 5)).first(where: { framed[$0..<($0 + 5)].elementsEqual(marker) }) else {
        return nil
    }
    let message = Array(framed[2..<(end + 2)])
    var lines: [[UInt8]] = [[]]
    var bare = false
    var index = 0
    while index < message.count {
        if message[index] == 13, index + 1 < message.count, message[index + 1] == 10 {
            lines.append([])
            index += 2
            continue
        }
        if message[index] == 13 || message[index] == 10 { bare = true }
        lines[lines.count - 1].append(message[index])
        index += 1
    }
    let payload = lines.map { $0.first == 46 ? Array($0.dropFirst()) : $0 }.joined(separator: [13, 10])
    return (Array(payload), bare, Array(framed[(end + 5)...]))
}

/// True when `bytes` hold no CR or LF outside a CRLF pair.
func onlyCRLF(_ bytes: [UInt8]) -> Bool {
    for (index, byte) in bytes.enumerated() {
        if byte == 13, index + 1 >= bytes.count || bytes[index + 1] != 10 { return false }
        if byte == 10, index == 0 || bytes[index - 1] != 13 { return false }
    }
    return true
}

/// Decodes message text through SMTPDataDecoder in chunks; `withheld` bytes at the end are fed
/// only after checking the decoder has not ended yet.
func decodeDATA(_ wire: [UInt8], limit: Int, withheld: Int, iteration: Int,
                nextChunk: () -> Int) -> (payload: [UInt8], final: SMTPDataEvent, leftover: [UInt8]) {
    var decoder = SMTPDataDecoder(maximumMessageSize: limit)
    var buffer = ByteBuffer()
    var payload: [UInt8] = []
    var final = SMTPDataEvent.needMoreData
    var fed = 0
    var calls = 0
    while fed < wire.count {
        let end = fed < wire.count - withheld ? min(wire.count - withheld, fed + nextChunk()) : wire.count
        buffer.writeBytes(wire[fed..<end])
        fed = end
        decoding: while final == .needMoreData {
            calls += 1
            require(calls <= 2 * wire.count + 4, "DATA decoder did not make progress (iteration \(iteration))")
            let readable = buffer.readableBytes
            switch decoder.next(&buffer) {
            case .needMoreData: break decoding
            case .content(let piece):
                // What was read, plus at most the CR of a held-back "." CR that turned out to be data.
                require(piece.readableBytes <= readable + 1, "DATA handed out more than was read (iteration \(iteration))")
                payload += piece.readableBytesView
            case let event: final = event
            }
        }
        // Until its end the decoder holds nothing back in the buffer: at most its state.
        require(final != .needMoreData || buffer.readableBytes == 0, "DATA decoder left \(buffer.readableBytes) bytes")
        if fed == wire.count - withheld, withheld > 0, final != .needMoreData {
            fatalError("DATA ended before its end marker (iteration \(iteration)) for \(wire)")
        }
    }
    return (payload, final, Array(buffer.readableBytesView))
}

/// Bare-line-ending sequences an SMTP smuggler uses to fake the end of DATA.
let smugglingSequences: [[UInt8]] = ["\n.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\r", "\n.\r"].map { Array($0.utf8) }

func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard haystack.count >= needle.count else { return false }
    return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

/// Raw DATA text (with smuggling sequences, say), then the real end and a pipelined command,
/// decoded in chunks of the sizes `nextChunk` picks under the size limit `limit` picks for the
/// message's size: exactly what the reference model says, and a smuggling sequence is always
/// reported as a bare line ending (the session then refuses the message, 550 5.6.11). Returns
/// whether the text held a smuggling sequence and whether it was over the limit.
func checkRawDATA(_ raw: [UInt8], iteration: Int, limit pickLimit: (Int) -> Int,
                  nextChunk: () -> Int) -> (smuggling: Bool, tooLarge: Bool) {
    let wire = raw + Array("\r\n.\r\nQUIT\r\n".utf8)
    guard let reference = referenceDATA(wire) else { fatalError("no end marker in \(wire)") }
    let limit = pickLimit(reference.payload.count)
    let smuggled = decodeDATA(wire, limit: limit, withheld: reference.leftover.count + 1, iteration: iteration,
                              nextChunk: nextChunk)
    let summary = SMTPDataSummary(byteCount: reference.payload.count, sawBareLineEnding: reference.bare,
                                  sawNUL: reference.payload.contains(0))
    let tooLarge = reference.payload.count > limit
    if smuggled.payload != Array(reference.payload.prefix(limit)) || smuggled.leftover != reference.leftover
        || smuggled.final != (tooLarge ? .tooLarge(summary) : .end(summary)) {
        print("raw DATA \(wire) decoded to \(smuggled), reference \(reference) limit \(limit)")
        fatalError("DATA decoding differs from the reference (iteration \(iteration))")
    }
    // The message as framed by the DATA line's CRLF, up to the CRLF that starts the end marker (which belongs to it).
    let message = Array(([13, 10] + wire).dropLast(reference.leftover.count + 3))
    let smuggling = smugglingSequences.contains { contains(message, $0) }
    require(!smuggling || reference.bare, "a smuggling sequence not reported as a bare line ending (iteration \(iteration))")
    return (smuggling, tooLarge)
}
