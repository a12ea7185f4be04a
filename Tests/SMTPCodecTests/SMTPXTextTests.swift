import SMTPCodec
import Testing

/// RFC 3461's xtext, in which DSN's ENVID and ORCPT travel: one grammar for the parser's check,
/// the server's decoding and the outbound client's encoding.
@Suite struct SMTPXTextTests {
    @Test(arguments: [
        ("QQ314159", "QQ314159"),
        ("a+2Bb", "a+b"),
        ("x+3Dy+20z", "x=y z"),
        ("+E4+BD+A0+E5+A5+BD", "你好"),
    ])
    func xtextDecodesAndEncodes(_ encoded: String, _ decoded: String) {
        #expect(SMTPXText.isValid(encoded))
        #expect(SMTPXText.decode(encoded) == decoded)
        #expect(SMTPXText.encode(decoded) == encoded)
    }

    @Test(arguments: ["a+2", "a+2b", "a=b", "a b", "a+GG", "é"])
    func malformedXTextIsRefused(_ text: String) {
        #expect(!SMTPXText.isValid(text) && SMTPXText.decode(text) == nil)
    }

    /// Octets that are not UTF-8 are well-formed xtext, but no text.
    @Test func octetsThatAreNotUTF8() {
        #expect(SMTPXText.isValid("+FF") && SMTPXText.decode("+FF") == nil)
    }

    /// ORCPT: `addr-type ";" xtext`, decoded for a report (type lowercased) and encoded again.
    @Test func originalRecipients() {
        #expect(SMTPXText.decodeOriginalRecipient("RFC822;Bob+2Bx@Example.ORG") == "rfc822;Bob+x@Example.ORG")
        #expect(SMTPXText.encodeOriginalRecipient("rfc822;Bob+x=y@Example.ORG") == "rfc822;Bob+2Bx+3Dy@Example.ORG")
        for bad in ["bob@example.org", ";bob@example.org", "rfc 822;bob@example.org", "rfc822;bob+3@example.org"] {
            #expect(!SMTPXText.isOriginalRecipient(bad) && SMTPXText.decodeOriginalRecipient(bad) == nil)
        }
        #expect(SMTPXText.encodeOriginalRecipient("bob@example.org") == nil)
    }
}
