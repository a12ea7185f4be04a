import Foundation
import MailwardCore
import MailwardTesting
import Testing

/// A FETCH of a message over `MailService.piecewiseReadThreshold` is written in pieces read from
/// storage (`IMAPSession+FetchStream`): every item must still carry exactly the bytes the
/// sections name — checked here against the message itself, over a real socket, on whichever
/// store the test servers use (the body in a file with SQLite, in the database with PostgreSQL).
@Suite struct LargeFetchTests {
    /// multipart/mixed: a short text part and a ~2 MiB base64 attachment.
    static func largeMessage() -> (raw: [UInt8], headerEnd: Int, part1: Range<Int>, part2Header: Range<Int>, part2: Range<Int>) {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<(1_536 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let base64 = data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let header = "From: Wang <wang@example.org>\r\nTo: li@example.com\r\nSubject: The big one\r\n"
            + "Date: Mon, 2 Nov 2026 10:00:00 +0800\r\nMessage-ID: <big@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        let part1Text = "See the attachment.\r\n"
        let part2Header = "Content-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        let text = "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + part1Text + "\r\n--b1\r\n" + part2Header + base64 + "\r\n--b1--\r\n"
        let raw = Array((header + text).utf8)
        let headerEnd = header.utf8.count
        let part1Start = headerEnd + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".utf8.count
        let part1 = part1Start..<(part1Start + part1Text.utf8.count)
        let part2HeaderStart = part1.upperBound + "\r\n--b1\r\n".utf8.count
        let part2HeaderRange = part2HeaderStart..<(part2HeaderStart + part2Header.utf8.count)
        let part2 = part2HeaderRange.upperBound..<(part2HeaderRange.upperBound + base64.utf8.count)
        return (raw, headerEnd, part1, part2HeaderRange, part2)
    }

    /// Reads a response through its tagged line: the literals by item name, and the lines.
    static func readResponse(_ client: LineClient, tag: String) async throws -> (literals: [String: [UInt8]], lines: [String]) {
        var literals: [String: [UInt8]] = [:]
        var lines: [String] = []
        let literalAtEnd = /([A-Z0-9.]+(?:\[[^\]]*\])?(?:<\d+>)?) \{(\d+)\}$/
        while true {
            let line = try await client.readLine()
            lines.append(line)
            if let match = line.firstMatch(of: literalAtEnd) {
                literals[String(match.1)] = try await client.readBytes(Int(match.2)!)
                continue
            }
            if line.hasPrefix(tag + " ") { return (literals, lines) }
        }
    }

    @Test func everySectionOfALargeMessageIsExact() async throws {
        let message = Self.largeMessage()
        let raw = message.raw
        #expect(raw.count > 2 << 20)
        let (server, _) = try await serverWithInbox([String(decoding: raw, as: UTF8.self)])
        defer { Task { try? await server.stop() } }
        let port = await server.port(.imap)
        let client = try await LineClient.connect(port: port)
        _ = try await client.readLine()
        try await client.send("l LOGIN li@example.com Tea-Garden-42\r\ns SELECT INBOX\r\n")
        _ = try await client.readLines(until: { $0.hasPrefix("s ") })

        try await client.send("f1 FETCH 1 (UID RFC822.SIZE BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT] BODY.PEEK[1] "
            + "BODY.PEEK[2] BODY.PEEK[2.MIME] BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[]<100.1000> "
            + "BODY.PEEK[2]<0.50> BODY.PEEK[3] ENVELOPE BODYSTRUCTURE)\r\n")
        let first = try await Self.readResponse(client, tag: "f1")
        #expect(first.lines.last?.hasPrefix("f1 OK") == true, "\(first.lines.suffix(3))")
        let literals = first.literals
        #expect(literals["BODY[]"] == raw)
        #expect(literals["BODY[HEADER]"] == Array(raw[..<message.headerEnd]))
        #expect(literals["BODY[TEXT]"] == Array(raw[message.headerEnd...]))
        #expect(literals["BODY[1]"] == Array(raw[message.part1]))
        #expect(literals["BODY[2]"] == Array(raw[message.part2]))
        #expect(literals["BODY[2.MIME]"] == Array(raw[message.part2Header]))
        #expect(literals["BODY[HEADER.FIELDS (Subject)]"] == Array("Subject: The big one\r\n\r\n".utf8))
        #expect(literals["BODY[]<100>"] == Array(raw[100..<1100]))
        #expect(literals["BODY[2]<0>"] == Array(raw[message.part2.lowerBound..<(message.part2.lowerBound + 50)]))
        let text = first.lines.joined(separator: "\n")
        #expect(text.contains("RFC822.SIZE \(raw.count)"))
        #expect(text.contains("BODY[3] NIL"))
        #expect(text.contains("ENVELOPE (\"Mon, 2 Nov 2026 10:00:00 +0800\" \"The big one\""))
        #expect(text.contains("(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" \(message.part2.count) "))

        // RFC822 sets \Seen: the new flags come with the streamed text; the RFC822 items are exact too.
        try await client.send("f2 FETCH 1 (RFC822.HEADER RFC822.TEXT RFC822)\r\n")
        let second = try await Self.readResponse(client, tag: "f2")
        #expect(second.lines.last?.hasPrefix("f2 OK") == true)
        #expect(second.literals["RFC822"] == raw)
        #expect(second.literals["RFC822.HEADER"] == Array(raw[..<message.headerEnd]))
        #expect(second.literals["RFC822.TEXT"] == Array(raw[message.headerEnd...]))
        #expect(second.lines.first?.contains("\\Seen)") == true, "\(second.lines.first ?? "")")

        // The session goes on as usual after a streamed response.
        try await client.send("n NOOP\r\n")
        #expect(try await client.readLines(until: { $0.hasPrefix("n ") }).last?.hasPrefix("n OK") == true)
        await client.close()
    }

    /// The literal's length is said before the message is read: a body file found shorter
    /// than its message (a damaged restore) cannot be answered with NO any more, and must not
    /// be followed by anything the client would take as message text — the connection ends.
    @Test func aBodyFoundShortEndsTheConnection() async throws {
        let message = Self.largeMessage()
        let (server, account) = try await serverWithInbox([String(decoding: message.raw, as: UTF8.self)])
        defer { Task { try? await server.stop() } }
        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        let record = try #require(try await server.runtime.mail.store.messages(mailboxID: inbox.id).first)
        let path = server.runtime.blobs.path(of: record.blobID)
        // On PostgreSQL the body is in the database: nothing to damage from here.
        guard FileManager.default.fileExists(atPath: path) else { return }
        #expect(truncate(path, off_t(message.raw.count - 1000)) == 0)

        let client = try await LineClient.connect(port: await server.port(.imap))
        _ = try await client.readLine()
        try await client.send("l LOGIN li@example.com Tea-Garden-42\r\ns SELECT INBOX\r\n")
        _ = try await client.readLines(until: { $0.hasPrefix("s ") })
        try await client.send("f FETCH 1 (UID BODY.PEEK[])\r\n")
        #expect(try await client.readLine() == "* 1 FETCH (UID 1 BODY[] {\(message.raw.count)}")
        #expect(await client.waitForClose())
    }

    /// BINARY decodes a part from the whole message: a large one read that way is counted
    /// against the doors' message memory while it is answered, and refused past it.
    @Test func binaryOfALargeMessageDrawsOnTheMemoryBudget() async throws {
        let message = Self.largeMessage()
        let server = try await TestServer.start { $0.connections.messageMemory = 5 << 20 }
        defer { Task { try? await server.stop() } }
        let account = try await server.addUser("li@example.com")
        _ = try await server.runtime.mail.deliver(message.raw, to: [account.id])
        let port = await server.port(.imap)
        let holder = try await LineClient.connect(port: port)
        let reader = try await LineClient.connect(port: port)
        for client in [holder, reader] {
            _ = try await client.readLine()
            try await client.send("l LOGIN li@example.com Tea-Garden-42\r\ns SELECT INBOX\r\n")
            _ = try await client.readLines(until: { $0.hasPrefix("s ") })
        }
        // Another session's APPEND holds 3 of the 5 MiB; the 2 MiB message read whole needs 4.
        let appended = String(decoding: message.raw, as: UTF8.self) + String(repeating: "x", count: 1 << 20)
        try await holder.send("a APPEND INBOX {\(appended.utf8.count)}\r\n")
        #expect(try await holder.readLine().hasPrefix("+ "))
        try await holder.send(String(appended.dropLast(1000)))
        for _ in 0..<200 where server.server.messageBudget.reserved != 3 << 20 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(server.server.messageBudget.reserved == 3 << 20)
        try await reader.send("b1 FETCH 1 (BINARY.PEEK[2])\r\n")
        #expect(try await reader.readLines(until: { $0.hasPrefix("b1 ") }).last == "b1 NO [UNAVAILABLE] Server busy with other large messages, try again later")
        try await holder.send(String(appended.suffix(1000)) + "\r\n")
        #expect(try await holder.readLines(until: { $0.hasPrefix("a ") }).last?.hasPrefix("a OK") == true)
        try await reader.send("b2 FETCH 1 (BINARY.SIZE[2])\r\n")
        let size = try await reader.readLines(until: { $0.hasPrefix("b2 ") })
        #expect(size.last?.hasPrefix("b2 OK") == true)
        #expect(size.first == "* 1 FETCH (BINARY.SIZE[2] \(1_536 * 1024))")
        #expect(server.server.messageBudget.reserved == 0)
        for client in [holder, reader] { await client.close() }
    }
}
