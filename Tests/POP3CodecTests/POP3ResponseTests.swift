import LineCodec
import NIOCore
import POP3Codec
import Testing

@Suite("POP3 responses")
struct POP3ResponseTests {
    @Test(arguments: [
        (POP3Response.ok(), "+OK\r\n"),
        (.ok("maildrop locked and ready"), "+OK maildrop locked and ready\r\n"),
        (.err("no such message"), "-ERR no such message\r\n"),
        (.err(.auth, "Invalid credentials"), "-ERR [AUTH] Invalid credentials\r\n"),
        (.err(.inUse, "Mailbox busy"), "-ERR [IN-USE] Mailbox busy\r\n"),
        (.err(.systemTemporary, "try later"), "-ERR [SYS/TEMP] try later\r\n"),
        (.err(.systemPermanent, "gone"), "-ERR [SYS/PERM] gone\r\n"),
        (.err(.loginDelay, "wait"), "-ERR [LOGIN-DELAY] wait\r\n"),
        (.continuation(), "+ \r\n"),
        (.continuation("VXNlcm5hbWU6"), "+ VXNlcm5hbWU6\r\n"),
        (.stat(messageCount: 2, totalSize: 320), "+OK 2 320\r\n"),
        (.scanListing(messageNumber: 1, size: 120), "+OK 1 120\r\n"),
        (.uniqueIDListing(messageNumber: 2, uniqueID: "QhdPYR:00WBw1Ph7x7"), "+OK 2 QhdPYR:00WBw1Ph7x7\r\n"),
        (.ok("evil\r\n+OK injected"), "+OK evil  +OK injected\r\n"),
    ])
    func encodesSingleLine(response: POP3Response, expected: String) {
        #expect(response.encoded.string == expected)
    }

    @Test func encodesMultiline() {
        let listing = POP3MultilineResponse.scanListings([(1, 120), (2, 200)])
        #expect(listing.encoded.string == "+OK scan listing follows\r\n1 120\r\n2 200\r\n.\r\n")
        let uidl = POP3MultilineResponse.uniqueIDListings([(1, "whqtswO00WBw418f9t5JxYwZ")])
        #expect(uidl.encoded.string == "+OK unique-id listing follows\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n.\r\n")
        let stuffed = POP3MultilineResponse(lines: [".", "..x", "a.b", ""])
        #expect(stuffed.encoded.string == "+OK\r\n..\r\n...x\r\na.b\r\n\r\n.\r\n")
        #expect(POP3MultilineResponse(lines: []).encoded.string == "+OK\r\n.\r\n")
    }

    @Test func encodesCapabilities() {
        let capa = POP3MultilineResponse.capabilities([
            .top, .user, .sasl(["PLAIN", "LOGIN"]), .responseCodes, .authResponseCode, .pipelining, .uidl, .stls,
            .loginDelay(900), .expire("NEVER"), .implementation("Mailward"), .utf8(user: false),
        ])
        #expect(
            capa.encoded.string
                == "+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
                + "PIPELINING\r\nUIDL\r\nSTLS\r\nLOGIN-DELAY 900\r\nEXPIRE NEVER\r\nIMPLEMENTATION Mailward\r\nUTF8\r\n.\r\n")
    }

    /// (message, stuffed body including terminator)
    @Test(arguments: [
        ("", ".\r\n"),
        ("Subject: x\r\n\r\nbody\r\n", "Subject: x\r\n\r\nbody\r\n.\r\n"),
        (".\r\n..\r\n", "..\r\n...\r\n.\r\n"),
        ("no final newline", "no final newline\r\n.\r\n"),
        ("bare\nlf\n.\n", "bare\r\nlf\r\n..\r\n.\r\n"),
        ("bare\rcr", "bare\r\ncr\r\n.\r\n"),
    ])
    func dotStuffsBodies(message: String, expected: String) {
        for pieces in deliveries(of: message.bytes) {
            var stuffer = DotStuffer()
            var output = ByteBuffer()
            for piece in pieces {
                stuffer.stuff(ByteBuffer(bytes: piece), into: &output)
            }
            stuffer.finish(into: &output)
            #expect(output.string == expected, "message: \(message.debugDescription)")
        }
    }

    /// (message, body lines, expected selection)
    @Test(arguments: [
        ("A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n", 0, "A: 1\r\nB: 2\r\n\r\n"),
        ("A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n", 2, "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\n"),
        ("A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n", 10, "A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n"),
        ("A: 1\n\nl1\nl2\n", 1, "A: 1\n\nl1\n"),
        ("A: 1\r\nno body", 3, "A: 1\r\nno body"),
        ("A: 1\r\n\r\nlast line without newline", 5, "A: 1\r\n\r\nlast line without newline"),
        ("", 3, ""),
    ])
    func selectsTop(message: String, lines: Int, expected: String) {
        #expect(POP3TopSelection.select(from: ByteBuffer(string: message), bodyLines: lines).string == expected)
    }
}
