import Foundation
import MailwardCore
import Testing

/// RFC 6238's and RFC 4648's own test vectors, and the rules around them (B1).
@Suite struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1, secret "12345678901234567890": the 8-digit values' last six.
    @Test(arguments: [
        (59.0, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
        (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfc6238Vectors(_ seconds: Double, _ expected: String) {
        let secret = Array("12345678901234567890".utf8)
        let step = TOTP.step(at: Date(timeIntervalSince1970: seconds))
        #expect(TOTP.code(secret: secret, step: step) == expected)
    }

    @Test func base32MatchesRFC4648() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        // Typed by hand: any case, blanks, padding.
        #expect(Base32.decode("mzxw 6ytb oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not Base32")
    }

    @Test func codesOfTheNeighbouringStepsOnlyAndNothingElse() {
        let secret = Array("12345678901234567890".utf8)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        for offset: Int64 in [-1, 0, 1] {
            let code = TOTP.code(secret: secret, step: step + offset)
            #expect(TOTP.matchingStep(secret: secret, typed: code, at: now) == step + offset)
        }
        #expect(TOTP.matchingStep(secret: secret, typed: "050 471", at: now) == step, "blanks as apps show them")
        #expect(TOTP.matchingStep(secret: secret, typed: TOTP.code(secret: secret, step: step + 2), at: now) == nil)
        #expect(TOTP.matchingStep(secret: secret, typed: TOTP.code(secret: secret, step: step - 2), at: now) == nil)
        for junk in ["", "05047", "0504711", "abcdef", "０５０４７１", String(repeating: "1", count: 100)] {
            #expect(TOTP.matchingStep(secret: secret, typed: junk, at: now) == nil, "\(junk)")
        }
    }

    @Test func uriNamesIssuerAccountAndSecret() {
        let uri = TOTP.uri(secret: Array("foobar".utf8), issuer: "Mailward", account: "zhang.san@example.edu.cn")
        #expect(uri == "otpauth://totp/Mailward:zhang.san@example.edu.cn?secret=MZXW6YTBOI&issuer=Mailward&algorithm=SHA1&digits=6&period=30")
        let spaced = TOTP.uri(secret: [1], issuer: "某大学 邮件", account: "a@b.cn")
        #expect(spaced.hasPrefix("otpauth://totp/%E6%9F%90%E5%A4%A7%E5%AD%A6%20%E9%82%AE%E4%BB%B6:a@b.cn?secret=AE&issuer=%E6%9F%90"))
    }

    @Test func recoveryCodesHaveTheirShapeAndAreReadLeniently() {
        let codes = RecoveryCodeFormat.generate(SystemRandomSource())
        #expect(codes.count == 10 && Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 11 && code.dropFirst(5).first == "-")
            #expect(RecoveryCodeFormat.normalize(code.uppercased().replacingOccurrences(of: "-", with: " ")) == code.replacingOccurrences(of: "-", with: ""))
        }
        #expect(RecoveryCodeFormat.normalize("abcde-fghj") == nil, "nine characters")
        #expect(RecoveryCodeFormat.normalize("abcde-fgh0k") == nil, "0 is not in the alphabet")
    }

    @Test func sealedValuesOpenOnlyForTheirPurposeAndContext() throws {
        let key = ServerKey.generate()
        let sealed = try key.seal(.authenticatorSecret, [1, 2, 3], context: "account:7")
        #expect(key.open(.authenticatorSecret, sealed, context: "account:7") == [1, 2, 3])
        #expect(key.open(.authenticatorSecret, sealed, context: "account:8") == nil)
        #expect(key.open(.authenticatorSetup, sealed, context: "account:7") == nil)
        #expect(ServerKey.generate().open(.authenticatorSecret, sealed, context: "account:7") == nil)
        #expect(key.open(.authenticatorSecret, "not base64!", context: "account:7") == nil)
        #expect(try key.seal(.authenticatorSecret, [1, 2, 3], context: "account:7") != sealed, "a fresh nonce each time")
    }
}
