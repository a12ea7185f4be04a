import LineCodec
import NIOCore
import SMTPCodec
import Testing

@Suite("SMTPClientCommand and DotStuffer")
struct SMTPClientTests {
    private func wire(_ command: SMTPClientCommand) -> String? {
        (try? command.encoded())?.string
    }

    @Test func encodesCommands() throws {
        let alice = try #require(SMTPPath(address: "alice@example.org"))
        #expect(wire(.ehlo("mx.example.org")) == "EHLO mx.example.org\r\n")
        #expect(wire(.ehlo("[192.0.2.1]")) == "EHLO [192.0.2.1]\r\n")
        #expect(wire(.mailFrom(alice)) == "MAIL FROM:<alice@example.org>\r\n")
        #expect(wire(.mailFrom(.null, parameters: [.init(keyword: "size", value: "100"), .init(keyword: "BODY", value: "8BITMIME")]))
            == "MAIL FROM:<> SIZE=100 BODY=8BITMIME\r\n")
        #expect(wire(.rcptTo(alice)) == "RCPT TO:<alice@example.org>\r\n")
        #expect(wire(.data) == "DATA\r\n")
        #expect(wire(.bdat(size: 5, last: true)) == "BDAT 5 LAST\r\n")
        #expect(wire(.rset) == "RSET\r\n")
        #expect(wire(.quit) == "QUIT\r\n")
        #expect(wire(.startTLS) == "STARTTLS\r\n")
        #expect(wire(.auth(mechanism: "PLAIN", initialResponse: "")) == "AUTH PLAIN =\r\n")
        #expect(wire(.authenticationResponse("*")) == "*\r\n")
    }

    @Test func refusesInjection() {
        #expect(wire(.ehlo("a\r\nRCPT TO:<x@y>")) == nil)
        #expect(wire(.ehlo("")) == nil)
        #expect(wire(.mailFrom(SMTPPath(localPart: "a\r\nDATA", domain: .domain("b"), raw: ""))) == nil)
        #expect(wire(.mailFrom(.null, parameters: [.init(keyword: "X", value: "a b")])) == nil)
        #expect(wire(.mailFrom(.null, parameters: [.init(keyword: "X=Y")])) == nil)
        #expect(wire(.auth(mechanism: "PLAIN", initialResponse: "abc\r\n")) == nil)
    }

    /// The stuffer copies runs between line endings whole: on random bodies of dots, CRs, LFs
    /// and letters, cut at random places, it writes what the byte-by-byte rule says.
    @Test func dotStuffingMatchesTheByteRule() {
        func byByte(_ body: [UInt8]) -> [UInt8] {
            var out: [UInt8] = [], atLineStart = true, afterCR = false
            for byte in body {
                if afterCR {
                    afterCR = false
                    out.append(10)
                    atLineStart = true
                    if byte == 10 { continue }
                }
                switch byte {
                case 13: out.append(13); afterCR = true
                case 10: out += [13, 10]; atLineStart = true
                default:
                    if atLineStart && byte == 46 { out.append(46) }
                    out.append(byte)
                    atLineStart = false
                }
            }
            if afterCR { out.append(10) } else if !atLineStart { out += [13, 10] }
            return out + [46, 13, 10]
        }
        var random = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [46, 46, 13, 10, 10, 97, 98, 32]
        for _ in 0..<300 {
            let body = (0..<Int.random(in: 0...200, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            var stuffer = DotStuffer()
            var output = ByteBuffer()
            var rest = body[...]
            while !rest.isEmpty {
                let piece = rest.prefix(Int.random(in: 1...20, using: &random))
                stuffer.stuff(ByteBuffer(bytes: piece), into: &output)
                rest = rest.dropFirst(piece.count)
            }
            stuffer.finish(into: &output)
            #expect(Array(output.readableBytesView) == byByte(body), "\(body)")
        }
    }

    /// (body, wire form after DATA)
    @Test(arguments: [
        ("", ".\r\n"),
        ("hello", "hello\r\n.\r\n"),
        ("hello\r\n", "hello\r\n.\r\n"),
        (".", "..\r\n.\r\n"),
        ("a\r\n.\r\nb", "a\r\n..\r\nb\r\n.\r\n"),
        ("a\n.\nb\n", "a\r\n..\r\nb\r\n.\r\n"),
        ("a\rb\r", "a\r\nb\r\n.\r\n"),
        ("x.y\r\n.", "x.y\r\n..\r\n.\r\n"),
        ("\r\r\n.\n\n.", "\r\n\r\n..\r\n\r\n..\r\n.\r\n"),
        ("..\r.\r\n\r", "...\r\n..\r\n\r\n.\r\n"),
    ])
    func dotStuffs(body: String, expected: String) {
        for pieces in deliveries(of: body.bytes) {
            var stuffer = DotStuffer()
            var output = ByteBuffer()
            for piece in pieces {
                stuffer.stuff(ByteBuffer(bytes: piece), into: &output)
            }
            stuffer.finish(into: &output)
            #expect(output.string == expected, "body: \(body.debugDescription)")
        }
    }
}

@Suite("Descriptions redact secrets")
struct SMTPDescriptionTests {
    @Test func commandDescriptions() {
        let auth = SMTPCommand.auth(mechanism: "PLAIN", initialResponse: "AGJvYgBzZWNyZXQ=")
        #expect(auth.description == "AUTH PLAIN <redacted>")
        #expect(!String(describing: SMTPDecodeResult<SMTPCommand>.value(auth)).contains("AGJvYgBzZWNyZXQ="))
        let mail = SMTPCommand.mail(reversePath: SMTPPath(address: "a@b.c")!, parameters: .init(size: 10, body: .eightBitMIME))
        #expect(mail.description == "MAIL FROM:<a@b.c> SIZE=10 BODY=8BITMIME")
        #expect(SMTPClientCommand.authenticationResponse("c2VjcmV0").description == "<redacted>")
        #expect(SMTPClientCommand.quit.description == "QUIT")
    }
}
