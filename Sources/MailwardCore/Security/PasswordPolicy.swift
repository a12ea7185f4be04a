/// What an account password must be. Deliberately simple and explainable: length, variety,
/// and not the address or a well-known password.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int

    public init(minimumLength: Int = 8) {
        self.minimumLength = minimumLength
    }

    static let common: Set<String> = [
        "password", "password1", "12345678", "123456789", "1234567890", "qwerty123", "11111111",
        "iloveyou", "admin123", "abc12345", "88888888", "66666666", "a1234567", "qwertyui",
        "1qaz2wsx", "00000000", "123123123", "password123", "woaini1314", "abcd1234",
    ]

    /// Throws `MailwardError.weakPassword` with the reason, or returns when acceptable.
    public func check(_ password: String, for address: EmailAddress?) throws {
        if password.isEmpty { throw MailwardError.weakPassword("it is empty") }
        if password.count < minimumLength {
            throw MailwardError.weakPassword("it must have at least \(minimumLength) characters")
        }
        if password.utf8.count > 1024 { throw MailwardError.weakPassword("it is longer than 1024 bytes") }
        if password.contains(where: { $0.isNewline || $0 == "\0" }) {
            throw MailwardError.weakPassword("it contains a line break or NUL")
        }
        let lower = password.lowercased()
        if Self.common.contains(lower) { throw MailwardError.weakPassword("it is a well-known password") }
        if Set(password).count < 4 { throw MailwardError.weakPassword("it repeats too few characters") }
        if let address, lower.contains(address.localPart) && address.localPart.count >= 4 {
            throw MailwardError.weakPassword("it contains the account name")
        }
    }
}
