@testable import MailwardCore
import Testing

@Suite struct AddressAndPolicyTests {
    @Test(arguments: [
        ("Zhang.San@Example.EDU.cn", "zhang.san@example.edu.cn"),
        ("<bob@demo.test>", "bob@demo.test"),
        ("  alice@demo.test ", "alice@demo.test"),
        ("o'brien+tag@mail.example.com", "o'brien+tag@mail.example.com"),
        ("张三@例子.中国", "张三@例子.中国"),
        ("x@localhost", "x@localhost"),
    ])
    func validAddresses(_ input: String, _ normalized: String) throws {
        #expect(try EmailAddress(input).description == normalized)
    }

    @Test(arguments: [
        "", "plain", "@demo.test", "bob@", "bob@@demo.test", "bo b@demo.test", ".bob@demo.test",
        "bob.@demo.test", "bo..b@demo.test", "bob@-demo.test", "bob@demo..test", "bob@demo_x.test",
        "bob\r\n@demo.test", String(repeating: "a", count: 65) + "@demo.test", "bob@demo.test\0",
    ])
    func malformedAddresses(_ input: String) {
        #expect(throws: MailwardError.self) { try EmailAddress(input) }
    }

    @Test(arguments: ["", "short", "password", "12345678", "aaaaaaaaaaaa", "zhangsan-2026!"])
    func weakPasswordsAreRefused(_ password: String) throws {
        let address = try EmailAddress("zhangsan@demo.test")
        #expect(throws: MailwardError.self) { try PasswordPolicy().check(password, for: address) }
    }

    /// The administrator may set a guessable password, never one no client could use.
    @Test func administratorMaySetGuessablePasswordsOnly() throws {
        let address = try EmailAddress("zhangsan@demo.test")
        for guessable in ["short", "password", "12345678", "aaaaaaaaaaaa", "zhangsan-2026!"] {
            try PasswordPolicy().check(guessable, for: address, setBy: .administrator)
        }
        for unusable in ["", "line\nbreak-1234", String(repeating: "x", count: 1025)] {
            #expect(throws: MailwardError.self) { try PasswordPolicy().check(unusable, for: address, setBy: .administrator) }
        }
    }

    @Test func reasonablePasswordIsAccepted() throws {
        try PasswordPolicy().check("Tea-Garden-42", for: EmailAddress("zhangsan@demo.test"))
    }

    @Test func uniformRandomStaysInRange() {
        let random = SystemRandomSource()
        for _ in 0..<1000 { #expect(random.uniform(below: 7) < 7) }
        #expect(random.string(length: 16, alphabet: Array("ab")).count == 16)
    }
}
