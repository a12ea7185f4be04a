import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// RETR of a message over `MailService.piecewiseReadThreshold` is read and sent in pieces,
/// and TOP of one reads only its beginning: the client must get the same bytes either way —
/// dot-stuffing included where a piece starts at the beginning of a line.
@Suite struct POP3LargeMessageTests {
    /// ~2 MiB of 64-byte lines that all start with "." (the header padded to a multiple of 64,
    /// so the 256 KiB pieces start at line starts), and a lone "." line at the end.
    static func largeMessage() -> String {
        var header = POP3Fixture.message(subject: "Large", body: "")
        header.removeLast(2)  // the blank line; the pad goes before it
        let pad = (64 - (header.utf8.count + "X-Pad: \r\n\r\n".utf8.count) % 64) % 64
        header += "X-Pad: " + String(repeating: "p", count: pad) + "\r\n\r\n"
        var body = ""
        for n in 0..<(2 << 20) / 64 {
            let text = ".line \(n) "
            body += text + String(repeating: "d", count: 62 - text.utf8.count) + "\r\n"
        }
        return header + body + ".\r\nthe end\r\n"
    }

    @Test func retrAndTopOfALargeMessageAreExact() async throws {
        let message = Self.largeMessage()
        #expect(message.utf8.count > 2 << 20)
        let fixture = try await POP3Fixture.start(messages: [message])
        defer { Task { try? await fixture.stop() } }
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("RETR 1") == "+OK \(message.utf8.count) octets")
        let lines = try await client.multiline()
        #expect(lines.joined(separator: "\r\n") + "\r\n" == message)
        #expect(try await client.command("TOP 1 0").hasPrefix("+OK"))
        let top = try await client.multiline()
        #expect(top.joined(separator: "\r\n") + "\r\n" == String(message[..<message.range(of: "\r\n\r\n")!.upperBound]))
        #expect(try await client.command("TOP 1 2").hasPrefix("+OK"))
        #expect(try await client.multiline().suffix(2) == [".line 0 " + String(repeating: "d", count: 54), ".line 1 " + String(repeating: "d", count: 54)])
        await client.close()
    }

    /// A body file found shorter than its message once `+OK` is out: the connection ends
    /// without the final ".", so the client cannot take the cut message for a whole one.
    @Test func aBodyFoundShortEndsTheConnectionWithoutTheEnd() async throws {
        let message = Self.largeMessage()
        let fixture = try await POP3Fixture.start(messages: [message])
        defer { Task { try? await fixture.stop() } }
        let record = try #require(try await fixture.inbox().first)
        let path = fixture.server.runtime.blobs.path(of: record.blobID)
        // On PostgreSQL the body is in the database: nothing to damage from here.
        guard FileManager.default.fileExists(atPath: path) else { return }
        #expect(truncate(path, off_t(message.utf8.count - 5000)) == 0)
        let client = try await fixture.loggedInClient()
        #expect(try await client.command("RETR 1").hasPrefix("+OK"))
        var sawEnd = false
        do {
            while try await client.readLine() != "." {}
            sawEnd = true
        } catch {}
        #expect(!sawEnd)
    }
}
