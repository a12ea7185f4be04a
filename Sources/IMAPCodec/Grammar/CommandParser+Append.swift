import NIOCore

extension CommandParser {
    /// `append = "APPEND" SP mailbox 1*append-message` (RFC 3502 MULTIAPPEND);
    /// `append-message = [SP flag-list] [SP date-time] SP append-data`;
    /// `append-data = literal / literal8 / "UTF8" SP "(" literal8 ")"` (RFC 3516, RFC 6855)
    mutating func parseAppend() throws(ParserError) -> AppendCommand {
        try space()
        let mailbox = try parseMailbox()
        var messages: [AppendMessage] = []
        repeat {
            try space()
            var flags: [Flag] = []
            var date: IMAPDateTime?
            if peek() == UInt8(ascii: "(") {
                flags = try parseFlagList()
                try space()
            }
            if peek() == UInt8(ascii: "\"") {
                date = try parseDateTime()
                try space()
            }
            let data: (data: ByteBuffer, isBinary: Bool)
            if consumeKeyword("UTF8") {
                try space()
                try expect(UInt8(ascii: "("), "(")
                data = (try parseLiteral(allowBinary: true).data, true)
                try expect(UInt8(ascii: ")"), ")")
            } else {
                data = try parseLiteral(allowBinary: true)
            }
            messages.append(AppendMessage(flags: flags, internalDate: date, data: data.data, isBinary: data.isBinary))
        } while peek() == UInt8(ascii: " ")
        return AppendCommand(mailbox: mailbox, messages: messages)
    }
}
