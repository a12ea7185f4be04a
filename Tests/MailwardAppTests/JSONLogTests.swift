import Foundation
import Logging
@testable import MailwardApp
import Testing

/// `log.format: json`: one object per line, its time in UTC to the second.
@Suite struct JSONLogTests {
    @Test func aLineIsOneObjectWithItsTimeInUTC() throws {
        var handler = JSONLogHandler(label: "mailward.smtp")
        handler[metadataKey: "door"] = "smtp"
        let event = LogEvent(level: .info, message: "message accepted", metadata: ["id": "Q1"], source: nil,
                             file: #fileID, function: #function, line: #line)
        let line = try #require(handler.line(for: event, at: Date(timeIntervalSince1970: 1_796_119_205)))
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
        #expect(object == ["ts": "2026-12-01T10:00:05Z", "level": "info", "label": "mailward.smtp",
                           "msg": "message accepted", "door": "smtp", "id": "Q1"])
    }
}
