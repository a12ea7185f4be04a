/// Errors of Core's use cases, written for their audience: `message` is safe to show to the
/// person who asked (an administrator at the command line, a user in the webmail).
public enum MailwardError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidAddress(String)
    case invalidDomain(String)
    case unknownDomain(String)
    /// Asked to change a domain that does not exist (`unknownDomain` is for adding to one).
    case noSuchDomain(String)
    case duplicateDomain(String)
    case domainNotEmpty(String, accounts: Int)
    case duplicateAccount(String)
    case unknownAccount(String)
    case weakPassword(PasswordPolicy.Weakness)
    case invalidValue(String)

    public var message: String {
        switch self {
        case .invalidAddress(let a): return "malformed address: \(a)"
        case .invalidDomain(let d): return "malformed domain name: \(d)"
        case .unknownDomain(let d): return "unknown domain: \(d) (add it first with `mailward domain add \(d)`)"
        case .noSuchDomain(let d): return "no such domain: \(d)"
        case .duplicateDomain(let d): return "domain already exists: \(d)"
        case .domainNotEmpty(let d, let n): return "domain \(d) still has \(n) account(s); remove them first"
        case .duplicateAccount(let a): return "account already exists: \(a)"
        case .unknownAccount(let a): return "no such account: \(a)"
        case .weakPassword(let weakness): return "password refused: \(weakness.reason(.en))"
        case .invalidValue(let text): return text
        }
    }

    public var description: String { message }
}
