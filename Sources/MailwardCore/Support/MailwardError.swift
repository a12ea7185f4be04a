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
    /// No accounts left, but aliases in the domain (to accounts elsewhere) still are.
    case domainHasAliases(String, aliases: Int)
    case duplicateAccount(String)
    /// The address is already an alias (of an account, maybe another).
    case duplicateAlias(String)
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
        case .domainHasAliases(let d, let n):
            return "domain \(d) still has \(n) alias(es); remove them first (`mailward alias list --domain \(d)`)"
        case .duplicateAccount(let a): return "account already exists: \(a)"
        case .duplicateAlias(let a): return "\(a) is already an alias (`mailward alias list`)"
        case .unknownAccount(let a): return "no such account: \(a)"
        case .weakPassword(let weakness): return "password refused: \(weakness.reason(.en))"
        case .invalidValue(let text): return text
        }
    }

    public var description: String { message }
}
