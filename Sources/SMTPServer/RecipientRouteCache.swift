import MailwardCore
import Synchronization

/// The routes the SMTP door found for recipient addresses, each with the directory version it
/// was found under (see ``ImmediateRecipientLookups``): a route is used again only while the
/// directory still has that version, so an account disabled, a domain removed or an alias added
/// — here or by the command line in another process — counts from its very next RCPT.
///
/// Bounded: at ``capacity`` addresses it starts over, so addresses made up by the thousand (a
/// dictionary attack) cost memory only up to it.
final class RecipientRouteCache: Sendable {
    /// A ``RecipientRoute`` without the account's record: the door needs only whose mail it is.
    enum Route: Hashable, Sendable {
        case local(AccountID)
        case unknownLocal
        case disabledLocal
        case remote

        init(_ route: RecipientRoute) {
            switch route {
            case .local(let account): self = .local(account.id)
            case .unknownLocal: self = .unknownLocal
            case .disabledLocal: self = .disabledLocal
            case .remote: self = .remote
            }
        }

        var accountID: AccountID? {
            if case .local(let id) = self { id } else { nil }
        }
    }

    struct Entry: Hashable, Sendable {
        var route: Route
        var directoryVersion: Int64
    }

    static let capacity = 10_000

    private let entries = Mutex<[String: Entry]>([:])

    /// The route last found for `address` (an ``EmailAddress``'s normalized form), with its version.
    func entry(for address: String) -> Entry? {
        entries.withLock { $0[address] }
    }

    func record(_ route: Route, for address: String, directoryVersion: Int64) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[address] == nil { entries.removeAll(keepingCapacity: true) }
            entries[address] = Entry(route: route, directoryVersion: directoryVersion)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
