import Foundation
import MailwardTesting
import Testing

/// `connections.message-memory`: one budget for the messages every door is receiving. Over real
/// sockets, an IMAP APPEND whose literal has been invited holds its share; meanwhile a large
/// APPEND (synchronizing or LITERAL+), an SMTP DATA and the webmail's upload and send are
/// refused with their door's "try again later", small ones still pass, and once the first
/// message is stored the rest succeed and the budget is empty again.
@Suite struct MessageMemoryBudgetTests {
    static let password = "Tea-Garden-42"

    /// Lines of 78 bytes (with CRLF) adding up to at least `size` bytes.
    static func message(size: Int, subject: String) -> String {
        let line = String(repeating: "m", count: 76) + "\r\n"
        return "From: wang@example.org\r\nTo: li@demo.test\r\nSubject: \(subject)\r\n\r\n"
            + String(repeating: line, count: size / line.utf8.count + 1)
    }

    static func imapSession(_ server: TwoStepServer) async throws -> LineClient {
        let client = try await LineClient.connect(port: await server.server.port(.imap))
        _ = try await client.readLine()
        try await client.send("l LOGIN li@demo.test \(password)\r\n")
        #expect(try await client.readLines(until: { $0.hasPrefix("l ") }).last?.hasPrefix("l OK") == true)
        return client
    }

    @Test func oneBudgetForEveryDoor() async throws {
        let server = try await TwoStepServer.start { $0.connections.messageMemory = 3 << 20 }
        defer { Task { try? await server.stop() } }
        try await server.addUser("li@demo.test")
        let budget = server.server.messageBudget
        // A 1.5 MiB message to open in the webmail later.
        let account = try await server.runtime.accounts.account("li@demo.test")
        let toRead = "Message-ID: <to-read@example.org>\r\nReferences: <first@example.org>\r\n" + Self.message(size: 3 << 19, subject: "to read")
        _ = try await server.runtime.mail.deliver(Array(toRead.utf8), to: [account.id])

        // A's 2.5 MiB literal is invited; it holds nothing until it arrives (a client that announces
        // and stalls holds no memory), then 2 MiB of the 3 (the first MiB of a session is free).
        let first = Self.message(size: 5 << 19, subject: "first")
        let a = try await Self.imapSession(server)
        try await a.send("a1 APPEND INBOX {\(first.utf8.count)}\r\n")
        #expect(try await a.readLine().hasPrefix("+ "))
        #expect(budget.reserved == 0)
        try await a.send(String(first.dropLast(1000)))
        for _ in 0..<200 where budget.reserved != 2 << 20 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(budget.reserved == 2 << 20)

        // Another session's large APPEND finds 1 MiB left: refused before its literal, or — sent
        // without waiting — read and dropped; the session goes on, and a small APPEND passes.
        let second = Self.message(size: 2 << 20, subject: "second")
        let b = try await Self.imapSession(server)
        try await b.send("b1 APPEND INBOX {\(second.utf8.count)}\r\n")
        #expect(try await b.readLine() == "b1 NO [UNAVAILABLE] Server busy receiving other messages, try again later")
        try await b.send("b2 APPEND INBOX {\(second.utf8.count)+}\r\n\(second)\r\n")
        #expect(try await b.readLines(until: { $0.hasPrefix("b2 ") }).last?.hasPrefix("b2 NO [UNAVAILABLE]") == true)
        try await b.send("b3 NOOP\r\n")
        #expect(try await b.readLines(until: { $0.hasPrefix("b3 ") }).last?.hasPrefix("b3 OK") == true)
        let small = Self.message(size: 10_000, subject: "small")
        try await b.send("b4 APPEND INBOX {\(small.utf8.count)+}\r\n\(small)\r\n")
        #expect(try await b.readLines(until: { $0.hasPrefix("b4 ") }).last?.hasPrefix("b4 OK [APPENDUID") == true)

        // The SMTP door draws on the same budget: a 1.5 MiB message is read to its end and refused.
        let smtp = try await LineClient.connect(port: await server.server.port(.smtp))
        _ = try await smtp.readLines(until: { $0.hasPrefix("220 ") })
        try await smtp.send("EHLO client.example.org\r\n")
        _ = try await smtp.readLines(until: { $0.hasPrefix("250 ") })
        try await smtp.send("MAIL FROM:<wang@example.org>\r\nRCPT TO:<li@demo.test>\r\nDATA\r\n")
        #expect(try await smtp.readLine().hasPrefix("250"))
        #expect(try await smtp.readLine().hasPrefix("250"))
        #expect(try await smtp.readLine().hasPrefix("354"))
        try await smtp.send(Self.message(size: 3 << 19, subject: "by smtp") + ".\r\n")
        #expect(try await smtp.readLine().hasPrefix("452 4.3.1"))

        // So do the webmail's upload and send of 2.5 MiB (503, try again).
        let web = server.client()
        #expect(try await web.call(.POST, "/api/v1/session", ["username": "li@demo.test", "password": Self.password]).status == 200)
        let boundary = "budget-test"
        let file = String(repeating: "u", count: 5 << 19)
        let form = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        let upload = try await web.call(.POST, "/api/v1/uploads", rawBody: form, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(upload.status == 503 && upload.error == "busy", "\(upload.status) \(upload.body)")
        #expect(upload.headers.first(name: "Retry-After") != nil)
        let sent = try await web.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "big", "text": file])
        #expect(sent.status == 503 && sent.error == "busy", "\(sent.status) \(sent.body)")
        #expect(try await web.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "small", "text": "hi"]).status == 200)
        // Opening a large message takes twice its size while it is read and shown: busy too.
        let inboxID = try #require(try await web.call(.GET, "/api/v1/mailboxes").array.first { $0["name"] as? String == "INBOX" }?["id"] as? String)
        let listed = try await web.call(.GET, "/api/v1/mailboxes/\(inboxID)/messages")
        let large = try #require((listed["messages"] as? [[String: Any]])?.first { $0["subject"] as? String == "to read" }?["id"] as? String)
        let opened = try await web.call(.GET, "/api/v1/messages/\(large)")
        #expect(opened.status == 503 && opened.error == "busy", "\(opened.status) \(opened.body.prefix(200))")
        // A reply to it still carries the thread: only the parent's parse is read for References.
        let reply = try await web.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "Re: to read", "text": "ok",
                                                                        "in_reply_to": "<to-read@example.org>", "reply_to_id": large])
        #expect(reply.status == 200, "\(reply.body)")
        let replied = try await server.runtime.mail.raw(try #require(
            try await server.runtime.mail.store.messagePage(mailboxID: try await server.runtime.mail.inbox(accountID: account.id).id,
                                                            offset: 0, limit: 50).records.first { $0.summary.subject == "Re: to read" }))
        #expect(String(decoding: replied, as: UTF8.self).contains("References: <first@example.org> <to-read@example.org>"))

        // A's message arrives and is stored; its memory goes back, and the large ones now pass.
        try await a.send("\(first.suffix(1000))\r\n")
        #expect(try await a.readLines(until: { $0.hasPrefix("a1 ") }).last?.hasPrefix("a1 OK [APPENDUID") == true)
        try await b.send("b5 APPEND INBOX {\(second.utf8.count)+}\r\n\(second)\r\n")
        #expect(try await b.readLines(until: { $0.hasPrefix("b5 ") }).last?.hasPrefix("b5 OK [APPENDUID") == true)
        let uploaded = try await web.call(.POST, "/api/v1/uploads", rawBody: form, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(uploaded.status == 201)
        // An upload waiting to be sent keeps its share (its bytes stay in memory); sending it gives it back.
        #expect(budget.reserved == 2 << 20)
        #expect(try await web.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "attached", "text": "see the file",
                                                                    "attachments": [["upload_id": try #require(uploaded["id"] as? String)]]]).status == 200)
        #expect(budget.reserved == 0)
        // So does saving a draft with it: the draft holds the file from then on.
        let again = try await web.call(.POST, "/api/v1/uploads", rawBody: form, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(budget.reserved == 2 << 20)
        #expect(try await web.call(.POST, "/api/v1/drafts", ["to": "li@demo.test", "subject": "draft",
                                                             "attachments": [["upload_id": try #require(again["id"] as? String)]]]).status == 201)
        #expect(budget.reserved == 0)
        #expect(try await web.call(.POST, "/api/v1/messages/send", ["to": "li@demo.test", "subject": "big", "text": file]).status == 200)
        #expect(try await web.call(.GET, "/api/v1/messages/\(large)").status == 200)
        try await smtp.send("MAIL FROM:<wang@example.org>\r\nRCPT TO:<li@demo.test>\r\nDATA\r\n")
        for _ in 0..<2 { #expect(try await smtp.readLine().hasPrefix("250")) }
        #expect(try await smtp.readLine().hasPrefix("354"))
        try await smtp.send(Self.message(size: 3 << 19, subject: "by smtp") + ".\r\n")
        #expect(try await smtp.readLine().hasPrefix("250"))

        let inbox = try await server.runtime.mail.inbox(accountID: account.id)
        let stored = try await server.runtime.mail.store.messagePage(mailboxID: inbox.id, offset: 0, limit: 50).records
        #expect(stored.count == 9, "to read, small, first, second, the reply and three more sent from the webmail, by smtp")

        for client in [a, b, smtp] { await client.close() }
        var waited = 0
        while budget.reserved != 0 && waited < 100 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(budget.reserved == 0)
    }
}
