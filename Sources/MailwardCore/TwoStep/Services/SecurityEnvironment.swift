/// What every two-step use case needs, composed once by `MailwardApp` (or a test with a fixed
/// clock, seeded randomness, in-memory stores and a recording SMS sender).
public struct SecurityEnvironment: Sendable {
    public let accounts: AccountService
    public let store: any SecurityStore
    public let key: ServerKey
    public let settings: TwoStepSettings
    public let clock: any WallClock
    public let random: any RandomSource
    public let sms: any SMSSender
    /// Puts a message the server writes to a user (``ClientPasswordNoticeMail``) into the
    /// account's INBOX; nil where there is no mail store (some tests), and then no notice is sent.
    public let deliverNotice: (@Sendable (_ message: [UInt8], _ account: AccountID) async throws -> Void)?
    /// Serializes, per account, number and client IP, the checks of a limit with the work they
    /// guard (see ``KeyedLocks``). One per environment, shared by every door of the process.
    public let locks = KeyedLocks()
    /// Password checks under way per client IP, so that the IP's failure limit holds for checks
    /// that overlap (see ``InFlightChecks``) without a lock per IP.
    public let passwordChecks = InFlightChecks()
    /// The enforcement rules as the mail doors check open sessions against them (see
    /// ``EnforcementRulesCache``). One per environment, shared by every door of the process.
    public let enforcementRules: EnforcementRulesCache

    public init(accounts: AccountService, store: any SecurityStore, key: ServerKey, settings: TwoStepSettings,
                clock: any WallClock, random: any RandomSource, sms: any SMSSender,
                deliverNotice: (@Sendable (_ message: [UInt8], _ account: AccountID) async throws -> Void)? = nil,
                enforcementRules: EnforcementRulesCache = EnforcementRulesCache()) {
        self.accounts = accounts
        self.store = store
        self.key = key
        self.settings = settings
        self.clock = clock
        self.random = random
        self.sms = sms
        self.deliverNotice = deliverNotice
        self.enforcementRules = enforcementRules
    }

    var audit: AuditLog { AuditLog(store: store, clock: clock) }
    var limiter: RateLimiter { RateLimiter(store: store, clock: clock, locks: locks) }
}

/// Who is asking: the client's IP, its User-Agent and the language it reads.
public struct ClientContext: Sendable, Equatable {
    public var ip: String
    public var userAgent: String?
    public var language: Language

    public init(ip: String, userAgent: String? = nil, language: Language = .zhCN) {
        self.ip = ip
        self.userAgent = userAgent
        self.language = language
    }
}
