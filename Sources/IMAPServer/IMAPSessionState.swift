import IMAPCodec
import MailwardCore

/// The protocol state of one IMAP connection (RFC 3501 §3) and the rules that depend only on
/// it: which commands are allowed now, what CAPABILITY says, what state a command leads to.
/// Pure: no I/O, so every rule is tested without sockets. The glue (`IMAPSession`) asks
/// ``admit(_:)`` before running a command and reports outcomes back with the `did…` methods.
public struct IMAPSessionState: Sendable {
    public enum Phase: Sendable, Equatable {
        case notAuthenticated
        case authenticated
        case selected
        case logout
    }

    /// Who is logged in, with what kind of credential.
    public struct Login: Sendable, Equatable {
        public var account: Account
        public var credential: ClientCredential
    }

    /// What the glue should do with a command.
    public enum Admission: Sendable, Equatable {
        /// Run it.
        case run
        /// Answer with this status at once (tagged `BAD`/`NO`), and do not run it.
        case refuse(StatusResponse)
    }

    public private(set) var phase: Phase = .notAuthenticated
    public private(set) var login: Login?
    public private(set) var selected: SelectedMailbox?
    public private(set) var isTLS: Bool
    /// COMPRESS=DEFLATE is on (RFC 4978): once per connection.
    public private(set) var isCompressed = false
    public let isLoopback: Bool
    /// `ENABLE CONDSTORE` was sent (or a CONDSTORE-enabling command was used, RFC 7162 §3.1).
    public private(set) var condstoreEnabled = false
    /// `ENABLE QRESYNC` was sent (RFC 7162 §3.2.3): CONDSTORE too, the QRESYNC parameter of
    /// SELECT/EXAMINE and UID FETCH's VANISHED are allowed, and expunges are told as `VANISHED`.
    public private(set) var qresyncEnabled = false
    /// `ENABLE UTF8=ACCEPT` was sent: mailbox names travel as UTF-8 (RFC 6855).
    public private(set) var utf8Accept = false
    /// The client's name from `ID` (Foxmail, iPhone Mail…), passed to the credential check.
    public private(set) var clientName: String?
    /// UIDs of the last `SEARCH RETURN (SAVE)` (RFC 5182), for `$`.
    public var savedSearch: [MessageUID] = []

    /// The largest message APPEND takes, advertised as `APPENDLIMIT=n` (RFC 7889) so that a client
    /// refuses a message too large before uploading it; nil: not advertised.
    public let appendLimit: Int?

    public init(isTLS: Bool, isLoopback: Bool, appendLimit: Int? = nil) {
        self.isTLS = isTLS
        self.isLoopback = isLoopback
        self.appendLimit = appendLimit
    }

    /// Plain-text passwords are refused on cleartext connections from other machines.
    public var loginAllowed: Bool { isTLS || isLoopback }

    /// The CAPABILITY list for the current state.
    public var capabilities: [String] {
        var caps = ["IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS",
                    "MOVE", "BINARY", "CHILDREN", "SPECIAL-USE", "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS",
                    "STATUS=SIZE", "CONDSTORE", "QRESYNC", "ESEARCH", "SEARCHRES", "SORT", "SORT=DISPLAY", "ESORT",
                    "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "WITHIN", "QUOTA", "QUOTA=RES-STORAGE", "ACL",
                    "RIGHTS=texk", "UTF8=ACCEPT"]
        if let appendLimit { caps.append("APPENDLIMIT=\(appendLimit)") }
        if phase != .notAuthenticated, !isCompressed { caps.append("COMPRESS=DEFLATE") }
        if phase == .notAuthenticated {
            if !isTLS { caps.append("STARTTLS") }
            if loginAllowed {
                caps.append("AUTH=PLAIN")
            } else {
                caps.append("LOGINDISABLED")
            }
        }
        return caps
    }

    /// Whether `command` may run now; if not, the answer to send instead.
    public func admit(_ command: Command) -> Admission {
        if login?.credential.isReadOnly == true, Self.changesMail(command) {
            return .refuse(StatusResponse(.no, code: .noPerm, text: AppPasswordScope.readOnlyRefusal))
        }
        switch command {
        case .capability, .noop, .logout, .id:
            return .run
        case .unknown(let name):
            return .refuse(StatusResponse(.bad, text: "Unknown command \(name.prefix(32))"))
        case .starttls:
            guard phase == .notAuthenticated else { return .refuse(StatusResponse(.bad, text: "Already authenticated")) }
            guard !isTLS else { return .refuse(StatusResponse(.bad, text: "TLS is already active")) }
            return .run
        case .compress(let mechanism):
            guard phase == .authenticated || phase == .selected else { return .refuse(StatusResponse(.bad, text: "Log in first")) }
            guard mechanism.uppercased() == "DEFLATE" else {
                return .refuse(StatusResponse(.bad, text: "Unknown compression mechanism"))
            }
            guard !isCompressed else {
                return .refuse(StatusResponse(.no, code: .other("COMPRESSIONACTIVE"), text: "DEFLATE is active already"))
            }
            return .run
        case .login, .authenticate:
            guard phase == .notAuthenticated else { return .refuse(StatusResponse(.bad, text: "Already authenticated")) }
            guard loginAllowed else {
                return .refuse(StatusResponse(.no, code: .privacyRequired, text: "Use STARTTLS or port 993 before logging in"))
            }
            return .run
        case .enable, .select, .examine, .create, .delete, .rename, .subscribe, .unsubscribe, .list, .lsub,
             .namespace, .status, .append, .idle, .getQuota, .getQuotaRoot, .setQuota, .getACL, .setACL,
             .deleteACL, .listRights, .myRights:
            guard phase == .authenticated || phase == .selected else {
                return .refuse(StatusResponse(.bad, text: "Log in first"))
            }
            return .run
        case .check, .close, .unselect, .expunge, .uidExpunge, .search, .sort, .thread, .fetch, .store, .copy, .move:
            switch phase {
            case .selected: break
            case .authenticated: return .refuse(StatusResponse(.bad, text: "No mailbox selected"))
            default: return .refuse(StatusResponse(.bad, text: "Log in first"))
            }
            if let selected, selected.readOnly {
                switch command {
                case .expunge, .uidExpunge, .store:
                    return .refuse(StatusResponse(.no, code: .readOnly, text: "Mailbox is read-only"))
                case .move:
                    return .refuse(StatusResponse(.no, code: .readOnly, text: "Mailbox is read-only"))
                default: break
                }
            }
            return .run
        }
    }

    /// The commands a read-only client-specific password may not run (SPEC B4): each changes a
    /// folder, a message's flags or the folder list. SELECT is let through and opens the folder
    /// read-only, as EXAMINE does; FETCH then sets no `\Seen`.
    static func changesMail(_ command: Command) -> Bool {
        switch command {
        case .store, .expunge, .uidExpunge, .copy, .move, .append, .create, .delete, .rename, .subscribe, .unsubscribe,
             .setQuota, .setACL, .deleteACL:
            return true
        case .capability, .noop, .logout, .id, .starttls, .compress, .authenticate, .login, .enable, .select, .examine, .list, .lsub,
             .namespace, .status, .idle, .check, .close, .unselect, .search, .sort, .thread, .fetch, .getQuota, .getQuotaRoot, .getACL,
             .listRights, .myRights, .unknown:
            return false
        }
    }

    /// What LOGIN / AUTHENTICATE answer for the one credential check's result (SPEC A8: a
    /// refused account password names client-specific passwords, as an ALERT and in the NO).
    public static func loginAnswer(_ result: CredentialResult,
                                   capabilities: [String]) -> (untagged: [UntaggedResponse], status: StatusResponse) {
        switch result {
        case .valid:
            return ([], StatusResponse(.ok, code: .capability(capabilities), text: "Logged in"))
        case .invalid:
            return ([], StatusResponse(.no, code: .authenticationFailed, text: "Authentication failed."))
        case .clientPasswordRequired:
            // IMAP4rev1 response text is 7-bit (RFC 3501 TEXT-CHAR): the English notice.
            let notice = ClientPasswordNotice.asciiText
            return ([.status(StatusResponse(.no, code: .alert, text: notice))],
                    StatusResponse(.no, code: .authenticationFailed, text: notice))
        case .clientPasswordLimited(_, let limit):
            return ([.status(StatusResponse(.no, code: .alert, text: limit.asciiText))],
                    StatusResponse(.no, code: .authenticationFailed, text: limit.asciiText))
        case .unavailable:
            return ([], StatusResponse(.no, code: .unavailable, text: "Mail storage is unavailable, try again later"))
        }
    }

    // MARK: Transitions

    public mutating func didStartTLS() {
        isTLS = true
    }

    public mutating func didStartCompression() {
        isCompressed = true
    }

    public mutating func didLogIn(_ account: Account, credential: ClientCredential) {
        login = Login(account: account, credential: credential)
        phase = .authenticated
    }

    public mutating func didIdentify(clientName: String?) {
        if let clientName, !clientName.isEmpty { self.clientName = String(clientName.prefix(64)) }
    }

    /// ENABLE: returns the extensions that were enabled by this command (for `* ENABLED`).
    public mutating func enable(_ names: [String]) -> [String] {
        var enabled: [String] = []
        for name in names {
            switch name.uppercased() {
            case "CONDSTORE":
                if !condstoreEnabled { enabled.append("CONDSTORE") }
                condstoreEnabled = true
            case "QRESYNC":
                if !qresyncEnabled { enabled.append("QRESYNC") }
                qresyncEnabled = true
                condstoreEnabled = true
            case "UTF8=ACCEPT":
                if !utf8Accept { enabled.append("UTF8=ACCEPT") }
                utf8Accept = true
            default:
                break
            }
        }
        return enabled
    }

    /// A command that implicitly enables CONDSTORE (FETCH MODSEQ, SELECT (CONDSTORE)…).
    public mutating func enableCondstoreImplicitly() {
        condstoreEnabled = true
    }

    public mutating func didSelect(_ mailbox: SelectedMailbox) {
        selected = mailbox
        phase = .selected
    }

    /// SELECT failed, CLOSE or UNSELECT: back to authenticated.
    public mutating func deselect() {
        selected = nil
        savedSearch = []
        if phase == .selected { phase = .authenticated }
    }

    /// Changes to the selected mailbox's snapshot (sequence numbers, flags).
    public mutating func updateSelected(_ body: (inout SelectedMailbox) -> Void) {
        guard selected != nil else { return }
        body(&selected!)
    }

    public mutating func didLogOut() {
        phase = .logout
        selected = nil
    }
}
