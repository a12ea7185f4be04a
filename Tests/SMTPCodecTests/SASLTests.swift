import SMTPCodec
import Testing

@Suite("SASL helpers")
struct SASLTests {
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64Vectors(plain: String, encoded: String) {
        #expect(SASLBase64.encode(Array(plain.utf8)) == encoded)
        #expect(SASLBase64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg", "Zg=", "Zm9v\r\n", "Zm 9v", "Zh==", "Zm9=", "=Zm9", "Zg==Zg==", "Zm9v!", "Z==="])
    func base64RejectsMalformed(input: String) {
        #expect(SASLBase64.decode(input) == nil)
    }

    @Test func plainDecodes() {
        let message = SASLBase64.encode(Array("\u{0}tim\u{0}tanstaaftanstaaf".utf8))
        #expect(SASLPlain.decode(message) == .init(authorizationID: nil, authenticationID: "tim", password: "tanstaaftanstaaf"))
        let withAuthzid = SASLBase64.encode(Array("Ursel\u{0}Kurt\u{0}xipj3plmq".utf8))
        #expect(SASLPlain.decode(withAuthzid) == .init(authorizationID: "Ursel", authenticationID: "Kurt", password: "xipj3plmq"))
        let spaces = SASLBase64.encode(Array("\u{0}bob\u{0}pass word with spaces".utf8))
        #expect(SASLPlain.decode(spaces)?.password == "pass word with spaces")
    }

    @Test(arguments: [
        "\u{0}tim", "tim\u{0}secret", "\u{0}\u{0}secret", "\u{0}tim\u{0}", "\u{0}tim\u{0}se\u{0}cret", "a\u{0}b\u{0}c\u{0}d", "",
    ])
    func plainRejectsMalformed(message: String) {
        #expect(SASLPlain.decode(SASLBase64.encode(Array(message.utf8))) == nil)
    }

    @Test func plainRejectsInvalidUTF8AndBadBase64() {
        #expect(SASLPlain.decode(SASLBase64.encode([0, 0x61, 0, 0xFF])) == nil)
        #expect(SASLPlain.decode("not base64") == nil)
        let long = String(repeating: "x", count: 2000)
        #expect(SASLPlain.decode(SASLBase64.encode(Array("\u{0}\(long)\u{0}pw".utf8))) == nil)
    }

    @Test func plainRoundTripAndRedaction() {
        let credentials = SASLPlain.Credentials(authorizationID: nil, authenticationID: "bob", password: "s3cret")
        #expect(SASLPlain.decode(SASLPlain.encode(credentials)) == credentials)
        #expect(!credentials.description.contains("s3cret"))
    }

    @Test func loginSteps() {
        #expect(SASLLogin.usernamePrompt.encoded.string == "334 VXNlcm5hbWU6\r\n")
        #expect(SASLLogin.passwordPrompt.encoded.string == "334 UGFzc3dvcmQ6\r\n")
        #expect(SASLBase64.decode(SASLLogin.usernameChallenge) == Array("Username:".utf8))
        #expect(SASLLogin.decodeField(SASLBase64.encode(Array("bob@example.org".utf8))) == "bob@example.org")
        #expect(SASLLogin.decodeField("") == nil)
        #expect(SASLLogin.decodeField(SASLBase64.encode([0x61, 0])) == nil)
    }

    @Test func responses() {
        #expect(SASLResponse(line: "*") == .cancel)
        #expect(SASLResponse(line: "=") == .data([]))
        #expect(SASLResponse(line: "Zm9v") == .data(Array("foo".utf8)))
        #expect(SASLResponse(line: "Zm9") == nil)
    }
}
