/// What an account password must be. Deliberately simple and explainable: length, variety,
/// and not the address or a well-known password.
public struct PasswordPolicy: Sendable {
    public var minimumLength: Int

    public init(minimumLength: Int = 8) {
        self.minimumLength = minimumLength
    }

    /// Why a password is refused, told in the asker's language (the web answers in the
    /// request's; the command line in English).
    public enum Weakness: Sendable, Equatable {
        case empty
        case tooShort(minimum: Int)
        case tooLong(maxBytes: Int)
        case lineBreakOrNUL
        case wellKnown
        case tooFewDistinct
        case containsAccountName

        /// A weakness an administrator may knowingly accept (`mailward user add|passwd` warns and
        /// sets the password): guessability. Never accepted: an empty password, one a mail client
        /// could not send (a line break, NUL) and one too long to hash.
        public var isAdvisory: Bool {
            switch self {
            case .tooShort, .wellKnown, .tooFewDistinct, .containsAccountName: true
            case .empty, .tooLong, .lineBreakOrNUL: false
            }
        }

        public func reason(_ language: Language) -> String {
            let zh = language == .zhCN
            switch self {
            case .empty: return zh ? "不能为空" : "it is empty"
            case .tooShort(let n): return zh ? "至少需要 \(n) 个字符" : "it must have at least \(n) characters"
            case .tooLong(let n): return zh ? "不能超过 \(n) 字节" : "it is longer than \(n) bytes"
            case .lineBreakOrNUL: return zh ? "不能包含换行符或 NUL 字符" : "it contains a line break or NUL"
            case .wellKnown: return zh ? "这是常见密码，容易被猜中" : "it is a well-known password"
            case .tooFewDistinct: return zh ? "重复字符过多，至少需要 4 个不同的字符" : "it repeats too few characters"
            case .containsAccountName: return zh ? "不能包含帐号名" : "it contains the account name"
            }
        }
    }

    static let common: Set<String> = [
        "password", "password1", "12345678", "123456789", "1234567890", "qwerty123", "11111111",
        "iloveyou", "admin123", "abc12345", "88888888", "66666666", "a1234567", "qwertyui",
        "1qaz2wsx", "00000000", "123123123", "password123", "woaini1314", "abcd1234",
    ]

    /// Throws `MailwardError.weakPassword` with the reason, or returns when acceptable. `setBy`
    /// `.administrator`: only what is never acceptable throws (see ``Weakness/isAdvisory``).
    public func check(_ password: String, for address: EmailAddress?, setBy setter: Setter = .user) throws {
        guard let weakness = weakness(of: password, for: address) else { return }
        if setter == .administrator && weakness.isAdvisory { return }
        throw MailwardError.weakPassword(weakness)
    }

    /// Who chooses the password: the account's user (the whole policy holds) or the
    /// administrator at the command line (told of a guessable password, not refused — like
    /// Postfix's and Dovecot's tools, the administrator decides).
    public enum Setter: Sendable {
        case user, administrator
    }

    /// The first rule `password` breaks, or nil when it is acceptable.
    public func weakness(of password: String, for address: EmailAddress?) -> Weakness? {
        if password.isEmpty { return .empty }
        if password.count < minimumLength { return .tooShort(minimum: minimumLength) }
        if password.utf8.count > 1024 { return .tooLong(maxBytes: 1024) }
        if password.contains(where: { $0.isNewline || $0 == "\0" }) { return .lineBreakOrNUL }
        let lower = password.lowercased()
        if Self.common.contains(lower) { return .wellKnown }
        if Set(password).count < 4 { return .tooFewDistinct }
        if let address, lower.contains(address.localPart) && address.localPart.count >= 4 { return .containsAccountName }
        return nil
    }
}
