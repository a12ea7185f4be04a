#if canImport(Glibc)
import Glibc
#endif
import LineCodec
import MailwardCore
import NIOCore
import POP3Codec
import POP3Server
import ProtocolFuzzing

// Deterministic mutation fuzzer for the POP3 door's pure parts.
// Usage: pop3-fuzz [iterations=100000] [seed=1] | pop3-fuzz --write-seeds DIR
// 1. Feeds mutated client transcripts to POP3CommandDecoder in random chunks, switching to SASL
//    response lines when the session asks, and drives a POP3Session with every result: never
//    crashes, never loops, bounded memory, and the same results however the input is split.
// 2. Checks DotStuffer and POP3TopSelection on mutated messages (`POP3CodecFuzzCheck`, which the
//    libFuzzer entry point also runs): the stuffed body never contains the terminator early and
//    un-stuffs to the input with CRLF line endings.

let arguments = CommandLine.arguments
if SeedFiles.writeIfAsked(arguments, seeds: { (SeedCorpus.sessions + SeedCorpus.messages).map { Array($0.utf8) } }) { exit(0) }
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let seed = arguments.count > 2 ? UInt64(arguments[2]) ?? 1 : 1

let decoderConfiguration = POP3CommandDecoder.Configuration(maximumLineLength: 255, maximumAuthenticationLineLength: 1024)
let maxChunk = 64
let sessionConfiguration = POP3Session.Configuration(hostname: "fuzz.test", failureDelay: .zero)
let maildrop = POP3Maildrop(mailboxID: 1, uidValidity: 7, messages: [.init(uid: 1, size: 10), .init(uid: 4, size: 20)])

let corpus = SeedCorpus.sessions.map { Array($0.utf8) }
let messages = SeedCorpus.messages.map { Array($0.utf8) }
var mutator = ProtocolMutator(
    seed: seed,
    // Bytes and fragments that matter to the POP3 grammar.
    interesting: Array(" \r\n=*+/.0123456789-".utf8) + [0, 0x09, 0x7F, 0x80, 0xFF],
    tokens: ["\r\n", "\n", "\r", " ", "AUTH PLAIN ", "=", "*", "PASS ", "USER ", "0", "-1", "99999999999999999999",
             "RETR ", "TOP 1 ", "STLS\r\n", "QUIT\r\n", "AGFubgBwdw=="])
var counts: [String: Int] = [:]
let clock = ContinuousClock()
let start = clock.now

/// Decodes `input` in chunks (sizes from `nextChunk`) through a session, answering its
/// authentication requests from `outcomes`. Returns every action, in order.
func run(_ input: [UInt8], iteration: Int, outcomes: [POP3Session.LoginOutcome],
         nextChunk: () -> Int) -> [POP3Session.Action] {
    var decoder = POP3CommandDecoder(configuration: decoderConfiguration)
    var session = POP3Session(configuration: sessionConfiguration, isTLS: false, isLoopback: true)
    var actions = session.greeting()
    var outcomeIndex = 0
    func perform(_ new: [POP3Session.Action]) {
        for action in new {
            actions.append(action)
            switch action {
            case .authenticate:
                let outcome = outcomes[outcomeIndex % outcomes.count]
                outcomeIndex += 1
                perform(session.loginFinished(outcome))
            case .commit:
                perform(session.updateFinished(removed: true))
            case .startTLS:
                session.tlsStarted()
            default:
                break
            }
        }
    }
    // Waiting for more, at most one unfinished line is held (an over-long one is discarded as it comes).
    ChunkedFeed.run(input, bound: decoderConfiguration.maximumAuthenticationLineLength - 1, iteration: iteration,
                    nextChunk: nextChunk, finished: { session.isClosed }) { buffer in
        if session.expectsAuthenticationLine {
            switch decoder.nextAuthenticationLine(&buffer) {
            case .needMoreData: return false
            case .value(let line): perform(session.receivedAuthenticationLine(line))
            case .error(let error): perform(session.receivedInvalid(error))
            }
        } else {
            switch decoder.next(&buffer) {
            case .needMoreData: return false
            case .value(let command): perform(session.received(command))
            case .error(let error): perform(session.receivedInvalid(error))
            }
        }
        return true
    }
    // Invariants: the session closes only with a `.close` last, and answers at most once per line.
    if session.isClosed, actions.last != .close, !actions.contains(.close) {
        fatalError("session closed without a close action (iteration \(iteration))")
    }
    return actions
}

let outcomeChoices: [[POP3Session.LoginOutcome]] = [[.loggedIn(maildrop)], [.invalid], [.inUse, .loggedIn(maildrop)],
                                                     [.clientPasswordRequired], [.temporaryFailure, .invalid]]
for iteration in 0..<iterations {
    let input = mutator.mutate(corpus[iteration % corpus.count], corpus: corpus)
    let outcomes = outcomeChoices[iteration % outcomeChoices.count]
    // Oracle: however the bytes are split, the session does the same.
    let whole = run(input, iteration: iteration, outcomes: outcomes) { input.count }
    let split = run(input, iteration: iteration, outcomes: outcomes) { 1 + Int(mutator.random.next() % UInt64(maxChunk)) }
    FuzzOracles.requireSplitIndependent(whole, split, iteration: iteration, input: input, what: "decoding")
    for action in whole {
        switch action {
        case .send(let response): counts[response.status == .err ? "err" : "ok", default: 0] += 1
        case .sendLines: counts["multiline", default: 0] += 1
        case .sendMessage: counts["message", default: 0] += 1
        case .authenticate: counts["login", default: 0] += 1
        case .close: counts["close", default: 0] += 1
        default: counts["other", default: 0] += 1
        }
    }

    // Dot-stuffing and TOP on a mutated message, fed in pieces.
    let message = mutator.mutate(messages[iteration % messages.count], corpus: messages)
    POP3CodecFuzzCheck.checkMessage(message, iteration: iteration, random: &mutator.random)
}

let elapsed = clock.now - start
print("pop3-fuzz: \(iterations) inputs, seed \(seed), \(elapsed)")
print("  " + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
