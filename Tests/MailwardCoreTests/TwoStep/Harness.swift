import Foundation
import Synchronization
import MailwardCore
import MailwardTesting
import Testing

/// Core's two-step use cases over in-memory stores, a fixed clock and a recording SMS sender.
struct Harness {
    let clock = FixedClock()
    let directory = InMemoryDirectoryStore()
    let store: InMemorySecurityStore
    let sms: RecordingSMSSender
    let notices = NoticeRecorder()
    let accounts: AccountService
    let env: SecurityEnvironment
    let web = ClientContext(ip: "192.0.2.10", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36")

    static let password = "Tea-Garden-42"

    /// `storeLatency`: the security store's reads take that long (requests at once then overlap
    /// between a limit's check and its counting, as against a database).
    init(smsLatency: Duration = .zero, storeLatency: Duration = .zero, _ configure: (inout TwoStepSettings) -> Void = { _ in }) {
        sms = RecordingSMSSender(latency: smsLatency)
        store = InMemorySecurityStore(readLatency: storeLatency)
        var settings = TwoStepSettings()
        configure(&settings)
        // Cheap scrypt parameters keep the tests fast; the rules do not depend on them.
        accounts = AccountService(store: directory, clock: clock, hasher: PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)))
        env = SecurityEnvironment(accounts: accounts, store: store, key: ServerKey.generate(SeededRandomSource(seed: 1)),
                                  settings: settings, clock: clock, random: SeededRandomSource(seed: 2), sms: sms,
                                  deliverNotice: { [notices] message, account in try notices.deliver(message, to: account) })
    }

    var signIn: SignInService { SignInService(env) }
    var twoStep: TwoStepService { TwoStepService(env) }
    var apps: AppPasswordService { AppPasswordService(env) }
    var sessions: WebSessionService { WebSessionService(env) }
    var authenticator: ProtocolAuthenticator { ProtocolAuthenticator(env) }

    func user(_ address: String = "zhang.san@example.edu.cn") async throws -> Account {
        let domain = String(address.split(separator: "@")[1])
        if await directory.domain(named: domain) == nil { try await accounts.addDomain(domain) }
        return try await accounts.addAccount(address, password: Self.password)
    }

    /// Binds `phone` through the real flow (code by SMS) and moves the clock past the cooldown.
    /// `count` users `<prefix>0@example.edu.cn`…, all with ``password``.
    func users(count: Int, prefix: String) async throws -> [Account] {
        var accounts: [Account] = []
        for i in 0..<count { accounts.append(try await user("\(prefix)\(i)@example.edu.cn")) }
        return accounts
    }

    func bind(_ account: Account, _ phone: String = "13800138000") async throws {
        try await twoStep.startBinding(account, phone: phone, context: web)
        let code = try #require(sms.lastCode(to: try PhoneNumber(parsing: phone).e164))
        try await twoStep.confirmBinding(account, phone: phone, code: code, context: web)
        clock.advance(by: 61)
    }

    func lastCode(_ phone: String = "+8613800138000") -> String? { sms.lastCode(to: phone) }

    /// A web sign-in's first step from a browser without a trusted device.
    @discardableResult
    func begin(_ username: String, _ password: String = Harness.password) async throws -> SignInStep {
        try await signIn.begin(username: username, password: password, deviceToken: nil, oldSessionToken: nil, context: web)
    }

    /// A user with a bound phone who typed the right password on the web: the sign-in's
    /// challenge, waiting for a code (none sent yet).
    func atCodeStep() async throws -> (account: Account, challenge: String) {
        let account = try await user()
        try await bind(account)
        let step = try await signIn.begin(username: account.address.description, password: Self.password, deviceToken: nil,
                                          oldSessionToken: nil, context: web)
        guard case .secondFactorRequired(let challenge, _, _) = step else { throw HarnessError.unexpected("\(step)") }
        return (account, challenge)
    }

    struct HarnessError: Error {
        let text: String
        static func unexpected(_ text: String) -> HarnessError { HarnessError(text: "a bound phone should ask for a code: " + text) }
    }
}

/// The messages the server mailed to accounts (``SecurityEnvironment/deliverNotice``); fails
/// deliveries while `failing` is set.
final class NoticeRecorder: Sendable {
    struct Refused: Error {}
    let delivered = Mutex<[(account: AccountID, message: [UInt8])]>([])
    let failing = Mutex(false)

    func deliver(_ message: [UInt8], to account: AccountID) throws {
        if failing.withLock({ $0 }) { throw Refused() }
        delivered.withLock { $0.append((account, message)) }
    }

    var count: Int { delivered.withLock { $0.count } }
    var last: [UInt8]? { delivered.withLock { $0.last?.message } }
}
