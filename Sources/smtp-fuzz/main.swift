import Foundation
import LineCodec
import MailwardCore
import MailwardNet
import NIOCore
import ProtocolFuzzing
import SMTPCodec
import SMTPServer

// Deterministic mutation fuzzer for the SMTP door's pure parts.
// Usage: smtp-fuzz [iterations=100000] [seed=1] | smtp-fuzz --write-seeds DIR
// 1. Feeds mutated client transcripts in random chunks to SMTPCommandDecoder, SMTPDataDecoder and
//    SMTPChunkReader the way SMTPConnectionHandler does (by the session's inputMode), driving an
//    SMTPSession with every event and answering its backend questions with rotating canned
//    answers: never crashes, never loops, bounded buffering, and the same actions, replies and
//    delivered messages however the input is split. Every reply must read back as one SMTP reply.
// 2. DATA's end (the smuggling rule: only CRLF.CRLF ends DATA): DotStuffer's output of a mutated
//    body decodes back to the body with CRLF line endings and does not end a byte early; mutated
//    raw DATA text with smuggling sequences decodes as a reference model says, and any bare line
//    ending before the real end is reported so the session refuses the message.
// 3. BDAT: SMTPChunkReader delivers exactly the declared octets (0 and huge sizes included) and
//    holds nothing; whole BDAT transactions through a session deliver exactly the bytes sent.
// 4. Each mutated transcript also goes to the codec alone (`SMTPCodecFuzzCheck`): as commands, as
//    a remote server's replies (the outbound client's decoder) and as raw DATA text.

let arguments = CommandLine.arguments
if SeedFiles.writeIfAsked(arguments, seeds: { (SeedCorpus.sessions + SeedCorpus.dataWires + SeedCorpus.replies).map { Array($0.utf8) } }) {
    exit(0)
}
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1

/// As SMTPConnectionHandler configures it.
let decoderConfiguration = SMTPCommandDecoder.Configuration(allowsUTF8Addresses: true)
let maxChunk = 64
/// The decoder may hold at most one unfinished line (the longer AUTH bound), plus one unread chunk.
let memoryBound = decoderConfiguration.lineBound + maxChunk

let hostname = "mx.fuzz.test"
/// The doors' shapes: port 25 (half the runs: it faces the internet), loopback submission (AUTH
/// without TLS), implicit TLS (465), 587 before STARTTLS.
let inbound = SMTPSessionSettings(mode: .inbound, hostname: hostname, maximumMessageSize: 4096, maximumRecipients: 4)
let configurations: [SMTPSessionSettings] = [
    inbound,
    SMTPSessionSettings(mode: .submission, hostname: hostname, maximumMessageSize: 4096, maximumRecipients: 4,
                        isLoopback: true, outboundAvailable: true, maximumErrors: 20),
    inbound,
    SMTPSessionSettings(mode: .submission, hostname: hostname, maximumMessageSize: 1024, startTLSAvailable: false,
                        implicitTLS: true),
    SMTPSessionSettings(mode: .inbound, hostname: hostname, maximumMessageSize: 512, maximumErrors: 20),
    SMTPSessionSettings(mode: .submission, hostname: hostname, maximumMessageSize: 2048, outboundAvailable: true),
]

/// Canned backend answers, taken in turn (each question kind from its own starting point).
struct Answers {
    var recipients: [RecipientVerdict]
    var senders: [SenderVerdict]
    var logins: [AuthenticationOutcome]
    var deliveries: [SMTPServer.DeliveryOutcome]
}

let account = Account(id: 7, address: try! EmailAddress("alice@fuzz.test"), displayName: "Alice", passwordHash: "x",
                      disabled: false, createdAt: Date(timeIntervalSince1970: 0))
let rotating = Answers(
    recipients: [.local(7), .remote, .unknownUser, .local(8), .mailboxDisabled, .local(7), .mailboxFull(permanent: false),
                 .temporaryFailure, .mailboxFull(permanent: true)],
    senders: [.allowed, .notAllowed, .allowed, .sharePermissionForbids(.readOnly), .temporaryFailure, .allowed, .loginRevoked(.passwordChanged)],
    logins: [.success(account, .accountPassword), .invalid, .clientPasswordRequired,
             .success(account, .appPassword(id: 1, name: "phone")), .temporaryFailure],
    deliveries: [.accepted(queueID: "Q1"), .temporaryFailure, .contentRejected("virus\r\n250 smuggled\u{0}"), .fromMissing,
                 .accepted(queueID: "Q2"), .senderNotAllowed, .contentDeferred("busy"), .mailboxFull(permanent: false),
                 .sendingLimitReached(SendingLimitReached(limit: 5, windowMinutes: 60, retryAfter: 90)),
                 .sharePermissionForbids(.sendOnBehalf)])
let accepting = Answers(recipients: [.local(7)], senders: [.allowed], logins: [.success(account, .accountPassword)],
                        deliveries: [.accepted(queueID: "B1")])

/// What one run did, in order: the session's actions and what the glue did with them.
enum Record: Equatable {
    case action(SMTPSessionAction)
    /// The message handed to the backend with `.deliver`; `fromData`: received with DATA (not BDAT).
    case delivered([UInt8], fromData: Bool)
    /// Bytes buffered after STARTTLS, dropped as the handler does (RFC 3207 §4.2).
    case droppedAtTLS(Int)
}

/// The budget behind every fuzzed connection: far above any message here, so it never decides.
let memoryBudget = MessageMemoryBudget(limit: 1 << 40)

/// Splits a transcript after every line that may be STARTTLS: a client sends nothing more until
/// the 220 came and TLS is up, so no read spans the upgrade. (Anything it pipelines anyway is
/// dropped by the handler, which the records show.)
func tlsSegments(_ input: [UInt8]) -> [[UInt8]] {
    let verb = Array("starttls".utf8)
    var segments: [[UInt8]] = []
    var start = 0
    for index in input.indices where input[index] == UInt8(ascii: "\n") {
        var end = index
        while end > start, [UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(input[end - 1]) { end -= 1 }
        guard end - start >= verb.count,
              zip(input[(end - verb.count)..<end], verb).allSatisfy({ $0 | 0x20 == $1 }) else { continue }
        segments.append(Array(input[start...index]))
        start = index + 1
    }
    segments.append(Array(input[start...]))
    return segments
}

/// Runs a session over `segments`, each fed in chunks of the sizes `nextChunk` picks (never across
/// segments), performing the actions as SMTPChannelHandler does. Returns everything that happened.
func run(_ segments: [[UInt8]], settings: SMTPSessionSettings, answers: Answers, offset: Int, iteration: Int,
         nextChunk: () -> Int) -> [Record] {
    // The door's own connection state: its decoding, by the session's input mode, is what runs here.
    var door = SMTPConnectionHandler.ConnectionState(session: SMTPSession(settings: settings, remoteIP: "192.0.2.7"),
                                                     budget: memoryBudget)
    /// Whether the message being received came with DATA (not BDAT), for the oracles.
    var messageFromData = false
    var records: [Record] = []
    var asked = (recipients: offset, senders: offset, logins: offset, deliveries: offset)
    let totalBytes = segments.reduce(0) { $0 + $1.count }
    var steps = 0
    var handled = 0

    /// Handles the queued events, answering backend questions at once.
    func settle() {
        while !door.events.isEmpty {
            handled += 1
            require(handled <= 4 * totalBytes + 16, "session does not settle (iteration \(iteration))")
            for action in door.session.handle(door.events.removeFirst()) {
                records.append(.action(action))
                switch action {
                case .reply, .close:
                    break
                case .startTLS:
                    records.append(.droppedAtTLS(door.input.readableBytes))
                    door.input.clear()
                    door.events.append(.tlsStarted)
                case .resolveRecipient:
                    door.events.append(.recipientResolved(answers.recipients[asked.recipients % answers.recipients.count]))
                    asked.recipients += 1
                case .checkSender:
                    guard door.session.account != nil, door.session.credential != nil else {
                        door.events.append(.senderChecked(.notAllowed))
                        break
                    }
                    door.events.append(.senderChecked(answers.senders[asked.senders % answers.senders.count]))
                    asked.senders += 1
                case .authenticate:
                    door.events.append(.authenticated(answers.logins[asked.logins % answers.logins.count]))
                    asked.logins += 1
                case .deliver:
                    records.append(.delivered(door.message, fromData: messageFromData))
                    door.releaseMessage()
                    door.events.append(.delivered(answers.deliveries[asked.deliveries % answers.deliveries.count]))
                    asked.deliveries += 1
                }
            }
        }
    }

    settle()
    segments: for segment in segments {
        var fed = 0
        while fed < segment.count {
            if door.session.isClosed { break segments }
            let end = fed + min(segment.count - fed, nextChunk())
            door.input.writeBytes(segment[fed..<end])
            fed = end
            while !door.session.isClosed {
                steps += 1
                require(steps <= 2 * totalBytes + 8, "decoder did not make progress (iteration \(iteration))")
                let mode = door.session.inputMode
                let decoded = door.decodeNext()
                require(door.message.count <= settings.maximumMessageSize,
                        "message held beyond the size limit: \(door.message.count) octets (iteration \(iteration))")
                guard decoded else { break }
                switch mode {
                case .data: messageFromData = true
                case .chunk: messageFromData = false
                default: break
                }
                settle()
            }
            require(door.session.isClosed || door.input.readableBytes <= memoryBound,
                    "door holds \(door.input.readableBytes) bytes (iteration \(iteration))")
        }
    }
    if door.session.isClosed {
        guard case .action(.close)? = records.last else {
            fatalError("session closed without a close action last (iteration \(iteration))")
        }
    }
    return records
}

// MARK: Oracles

/// Every reply must encode to lines of at most 512 octets and read back as exactly that one reply.
func checkReplyWire(_ reply: SMTPReply, iteration: Int) {
    let wire = reply.encoded
    let lines = Array(wire.readableBytesView).split(separator: 10, omittingEmptySubsequences: false).dropLast()
    for line in lines {
        require(line.count + 1 <= 512 && line.last == 13 && !line.dropLast().contains(13),
                "bad reply line \(Array(line)) (iteration \(iteration))")
    }
    var buffer = wire
    var decoder = SMTPReplyDecoder()
    guard case .value(let decoded) = decoder.next(&buffer), buffer.readableBytes == 0, decoded.code == reply.code,
          decoded.lines.count == max(1, reply.lines.count) else {
        fatalError("reply does not read back: \(reply) (iteration \(iteration))")
    }
}

/// Strict base64 is canonical, PLAIN and LOGIN decode what they encode.
func checkSASL(_ input: [UInt8]) -> Bool {
    var decodedAny = false
    for line in input.split(separator: 10) {
        let token = line.split(separator: 32).last.map { Array($0.filter { $0 != 13 }) } ?? []
        guard !token.isEmpty, let text = String(validating: token, as: UTF8.self) else { continue }
        _ = SASLResponse(line: text)
        if let bytes = SASLBase64.decode(text) {
            decodedAny = true
            require(SASLBase64.encode(bytes) == text, "base64 is not canonical: \(text)")
            let reversed = Array(bytes.reversed())
            require(SASLBase64.decode(SASLBase64.encode(reversed)) == reversed, "base64 round trip")
        }
        if let credentials = SASLPlain.decode(text) {
            require(SASLPlain.decode(SASLPlain.encode(credentials)) == credentials, "PLAIN round trip: \(text)")
        }
        if let field = SASLLogin.decodeField(text) {
            require(!field.utf8.contains(0) && field.utf8.count <= SASLPlain.maximumFieldLength, "LOGIN field: \(text)")
        }
    }
    return decodedAny
}

// MARK: The run

let corpus = SeedCorpus.sessions.map { Array($0.utf8) }
let messages = SeedCorpus.messages.map { Array($0.utf8) }
let dataWires = SeedCorpus.dataWires.map { Array($0.utf8) }

/// The whole run, in a function so the closures capture locals (top-level variables are the main
/// actor's, and every access from a closure would check the executor).
func fuzz(iterations: Int, seed: UInt64) -> [String: Int] {
    var counts: [String: Int] = [:]
    /// Replies already checked to read back (there are few distinct ones).
    var checkedReplies: Set<SMTPReply> = []
    var mutator = ProtocolMutator(
        seed: seed,
        // Bytes and fragments that matter to the SMTP grammar and to DATA's end.
        interesting: Array(" <>@:.,=\"\\[]\r\n+/-0123456789".utf8) + [0, 0x09, 0x7F, 0x80, 0xC3, 0xFF],
        tokens: ["\r\n", "\n", "\r", ".", ".\r\n", "\r\n.\r\n", "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "..",
                 "DATA\r\n", "BDAT 0 LAST\r\n", "BDAT 7\r\n", "BDAT 99999999999999999999\r\n", "BDAT 4096 LAST\r\n",
                 "RSET\r\n", "STARTTLS\r\n", "AUTH PLAIN ", "AUTH LOGIN\r\n", "*\r\n", "=", "<>", "<postmaster>",
                 " SIZE=", " BODY=8BITMIME", " SMTPUTF8", "@[IPv6:::1]", "@[127.0.0.1]", "\"", "é", "\u{0}",
                 "MAIL FROM:<a@example.org>\r\n", "RCPT TO:<alice@fuzz.test>\r\n", "EHLO x\r\n", "QUIT\r\n"])
    /// BDAT payloads: binary, with line endings, dots and command text that must stay data.
    let payloadBytes = Array("\r\n.BDAT LAST\r\nxy".utf8) + [0x80, 0xFF]
    for iteration in 0..<iterations {
        // 1. A mutated transcript through a session, whole and split.
        let input = mutator.mutate(corpus[iteration % corpus.count], corpus: corpus)
        let segments = tlsSegments(input)
        let settings = configurations[(iteration / corpus.count) % configurations.count]
        let offset = Int(mutator.random.next() % 16)
        let whole = run(segments, settings: settings, answers: rotating, offset: offset, iteration: iteration) { Int.max }
        let split = run(segments, settings: settings, answers: rotating, offset: offset, iteration: iteration) {
            1 + Int(mutator.random.next() % UInt64(maxChunk))
        }
        FuzzOracles.requireSplitIndependent(whole, split, iteration: iteration, input: input, what: "session")
        for record in whole {
            switch record {
            case .action(.reply(let reply)), .action(.startTLS(let reply)):
                if checkedReplies.insert(reply).inserted { checkReplyWire(reply, iteration: iteration) }
                counts["reply\(reply.code / 100)xx", default: 0] += 1
                if reply == .bareLineEndingRejected { counts["bare-rejected", default: 0] += 1 }
            case .action(.close): counts["close", default: 0] += 1
            case .action(.authenticate): counts["auth", default: 0] += 1
            case .action: break
            case .delivered(let message, let fromData):
                counts[fromData ? "deliver-data" : "deliver-bdat", default: 0] += 1
                // The smuggling rule end to end: a message taken with DATA never has a bare line ending or NUL.
                if fromData, !onlyCRLF(message) || message.contains(0) {
                    fatalError("DATA delivered a bare line ending or NUL (iteration \(iteration)) for \(input)")
                }
            case .droppedAtTLS(let count):
                counts["tls", default: 0] += 1
                if count > 0 { counts["tls-dropped", default: 0] += 1 }
            }
        }
        if checkSASL(input) { counts["sasl", default: 0] += 1 }
        // The same bytes to the codec alone: as commands, as a remote server's replies, as DATA text.
        SMTPCodecFuzzCheck.run(input, random: &mutator.random)

        // 2a. A mutated body, dot-stuffed in pieces, then decoded with a pipelined command behind it.
        let body = mutator.mutate(messages[iteration % messages.count], corpus: messages)
        let stuffed = mutator.dotStuffedInPieces(body)
        let tail = Array("QUIT\r\n".utf8)
        let stuffedWire = Array(stuffed.readableBytesView)
        let decoded = decodeDATA(stuffedWire + tail, limit: 1 << 20, withheld: 1 + tail.count, iteration: iteration) {
            1 + Int(mutator.random.next() % 32)
        }
        let expectedBody = FuzzOracles.canonicalCRLF(body)
        let expectedEnd = SMTPDataEvent.end(SMTPDataSummary(byteCount: expectedBody.count, sawBareLineEnding: false,
                                                            sawNUL: expectedBody.contains(0)))
        if decoded.payload != expectedBody || decoded.final != expectedEnd || decoded.leftover != tail {
            print("stuffed body \(body) as \(stuffedWire) decoded to \(decoded)")
            fatalError("DATA round trip failed (iteration \(iteration))")
        }
        counts["data-roundtrip", default: 0] += 1

        // 2b. Raw DATA text with smuggling sequences, then the real end and a pipelined command.
        let raw = mutator.mutate(dataWires[iteration % dataWires.count], corpus: dataWires)
        let (smuggling, tooLarge) = checkRawDATA(raw, iteration: iteration, limit: { size in
            iteration % 3 == 0 ? Int(mutator.random.next() % UInt64(size + 2)) : 1 << 20
        }, nextChunk: { 1 + Int(mutator.random.next() % 32) })
        if smuggling { counts["smuggle", default: 0] += 1 }
        counts[tooLarge ? "data-too-large" : "data-raw", default: 0] += 1

        // 3a. One BDAT chunk of any size, read from a stream in pieces.
        let stream = mutator.mutate(messages[(iteration + 3) % messages.count], corpus: messages) + tail
        let size: Int
        switch iteration % 6 {
        case 0: size = 0
        case 1: size = Int.max
        case 2: size = 1 << 40
        default: size = Int(mutator.random.next() % UInt64(stream.count + 8))
        }
        var reader = SMTPChunkReader(size: size)
        var chunkBuffer = ByteBuffer()
        var chunkPayload: [UInt8] = []
        var chunkFinal: SMTPDataSummary?
        var fed = 0
        while fed < stream.count {
            let end = min(stream.count, fed + 1 + Int(mutator.random.next() % 32))
            chunkBuffer.writeBytes(stream[fed..<end])
            fed = end
            reading: while chunkFinal == nil {
                let readable = chunkBuffer.readableBytes
                switch reader.next(&chunkBuffer) {
                case .needMoreData: break reading
                case .content(let piece):
                    require(piece.readableBytes > 0 && piece.readableBytes <= readable, "BDAT piece size")
                    chunkPayload += piece.readableBytesView
                case .end(let summary): chunkFinal = summary
                case .tooLarge: fatalError("the chunk reader has no size limit")
                }
            }
            require(chunkFinal != nil || chunkBuffer.readableBytes == 0, "BDAT reader left \(chunkBuffer.readableBytes) bytes")
        }
        if size <= stream.count {
            guard let chunkFinal, chunkPayload == Array(stream[..<size]), chunkBuffer.readableBytesView.elementsEqual(stream[size...]),
                  chunkFinal == SMTPDataSummary(byteCount: size, sawBareLineEnding: false, sawNUL: chunkPayload.contains(0)) else {
                fatalError("BDAT \(size) over \(stream) gave \(chunkPayload), \(String(describing: chunkFinal)) (iteration \(iteration))")
            }
        } else if chunkFinal != nil || chunkPayload != stream {
            fatalError("BDAT \(size) ended early or lost bytes (iteration \(iteration))")
        }
        counts["bdat-reader", default: 0] += 1

        // 3b. A whole BDAT transaction through a session: the bytes delivered are the bytes sent.
        var transcript = Array("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<alice@fuzz.test>\r\n".utf8)
        var sent: [UInt8] = []
        var oversized = false
        let chunkCount = 1 + Int(mutator.random.next() % 4)
        // Now and then a NUL: the session refuses such a message (550 5.6.0) however it was chunked.
        let alphabet = mutator.random.next() % 8 == 0 ? payloadBytes + [0] : payloadBytes
        for index in 0..<chunkCount {
            let last = index == chunkCount - 1 ? " LAST" : ""
            if mutator.random.next() % 40 == 0 {
                // Declared but never sent: the session refuses it without reading it.
                transcript += Array("BDAT \(mutator.random.next() % 2 == 0 ? 4097 : Int.max)\(last)\r\n".utf8)
                oversized = true
                break
            }
            let payload = (0..<Int(mutator.random.next() % 1800)).map { _ in
                alphabet[Int(mutator.random.next() % UInt64(alphabet.count))]
            }
            transcript += Array("BDAT \(payload.count)\(last)\r\n".utf8) + payload
            sent += payload
        }
        transcript += Array("QUIT\r\n".utf8)
        let bdatWhole = run([transcript], settings: inbound, answers: accepting, offset: 0, iteration: iteration) { Int.max }
        let bdatSplit = run([transcript], settings: inbound, answers: accepting, offset: 0, iteration: iteration) {
            1 + Int(mutator.random.next() % 256)
        }
        require(bdatWhole == bdatSplit, "split-dependent BDAT transaction (iteration \(iteration))")
        let deliveries = bdatWhole.compactMap { record -> [UInt8]? in
            if case .delivered(let message, _) = record { return message }
            return nil
        }
        if oversized {
            require(deliveries.isEmpty && Array(bdatWhole.suffix(2)) == [Record.action(.reply(.chunkTooLarge)), .action(.close(.serverEnded))],
                    "an oversized BDAT chunk was not refused (iteration \(iteration))")
            counts["bdat-refused", default: 0] += 1
        } else if sent.count > inbound.maximumMessageSize {
            require(deliveries.isEmpty && bdatWhole.contains(Record.action(.reply(.messageTooLarge))),
                    "a BDAT message over the limit was not refused (iteration \(iteration))")
            counts["bdat-too-large", default: 0] += 1
        } else if sent.contains(0) {
            let refused = bdatWhole.contains {
                if case .action(.reply(let reply)) = $0 { return reply.code == 550 && reply.enhancedStatusCode?.description == "5.6.0" }
                return false
            }
            require(deliveries.isEmpty && refused, "a BDAT message with NUL was not refused (iteration \(iteration))")
            counts["bdat-nul", default: 0] += 1
        } else {
            require(deliveries == [sent], "BDAT delivered other bytes than were sent (iteration \(iteration)): sent \(sent.count) octets in \(String(decoding: transcript, as: UTF8.self).debugDescription), got \(bdatWhole)")
            counts["bdat-delivered", default: 0] += 1
        }
    }
    return counts
}

let clock = ContinuousClock()
let start = clock.now
let counts = fuzz(iterations: iterations, seed: seed)

let elapsed = clock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("smtp-fuzz: \(iterations) inputs, seed \(seed), \(elapsed) (\(Int(Double(iterations) / max(seconds, 1e-9))) inputs/s)")
print("  " + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
