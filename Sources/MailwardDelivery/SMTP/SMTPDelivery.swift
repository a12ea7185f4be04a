import Foundation
import LineCodec
import MailwardCore
import MailwardMIME
import NIOCore
import SMTPCodec

/// One message for one next hop: the envelope and the body.
public struct SMTPDeliveryRequest: Sendable {
    /// Envelope sender; empty for a bounce (`MAIL FROM:<>`).
    public var sender: String
    public var recipients: [String]
    /// What is sent: lines longer than RFC 5322's 998 octets are broken first (``LongLines``),
    /// as a next hop may refuse them. (This server's own mail is broken before it is signed,
    /// when it is queued; what it only relays is broken here.)
    public var body: [UInt8]
    /// Our name in EHLO.
    public var heloName: String
    /// What the sender asked to be told; handed on to a next hop that offers DSN.
    public var notifications: DeliveryNotifications?

    public init(sender: String, recipients: [String], body: [UInt8], heloName: String, notifications: DeliveryNotifications? = nil) {
        self.sender = sender
        self.recipients = recipients
        self.body = LongLines.folded(body)
        self.heloName = heloName
        self.notifications = notifications
    }
}

/// What became of one recipient in one attempt.
public struct RecipientVerdict: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case accepted
        /// 4xx, a connection problem, a timeout: try again later.
        case deferred
        /// 5xx: give up and bounce.
        case rejected
    }

    public var kind: Kind
    /// RFC 3463 status, e.g. `5.1.1` (derived from the reply code when the server gave none).
    public var status: String
    /// The server's reply (`smtp; 550 5.1.1 no such user`) or our own reason, for the DSN.
    public var diagnostic: String
    /// The server that answered, if one did.
    public var remoteMTA: String?
    /// Refused for what this host lacks (its SIZE limit, 8BITMIME), not by the domain's
    /// verdict: another MX of the domain may take the message, so it is tried before the bounce.
    public var thisHostOnly: Bool
    /// Accepted by a next hop that took the sender's notification request on (it offered DSN):
    /// any report is that server's to send now, not ours (RFC 3461 §5.2.2).
    public var notificationsPassedOn: Bool

    public init(kind: Kind, status: String, diagnostic: String, remoteMTA: String?, thisHostOnly: Bool = false,
                notificationsPassedOn: Bool = false) {
        self.kind = kind
        self.status = status
        self.diagnostic = diagnostic
        self.remoteMTA = remoteMTA
        self.thisHostOnly = thisHostOnly
        self.notificationsPassedOn = notificationsPassedOn
    }

    /// Whether the domain's next hop should have this recipient: not settled here.
    var triesNextHop: Bool { kind == .deferred || (kind == .rejected && thisHostOnly) }

    static func from(_ reply: SMTPReply, hop: NextHop) -> RecipientVerdict {
        let kind: Kind = reply.isPositiveCompletion ? .accepted : reply.isPermanentFailure ? .rejected : .deferred
        let status = reply.enhancedStatusCode?.description ?? "\(reply.code / 100).0.0"
        return RecipientVerdict(kind: kind, status: status, diagnostic: "smtp; \(reply.description)", remoteMTA: hop.name)
    }

    static func deferred(_ reason: String, hop: NextHop?) -> RecipientVerdict {
        RecipientVerdict(kind: .deferred, status: "4.4.1", diagnostic: reason, remoteMTA: hop?.name)
    }
}

/// Sends messages over SMTP to a next hop. The seam the worker uses (tests may script it).
public protocol SMTPTransport: Sendable {
    /// One verdict per recipient, in the request's order. Never throws: every problem is a
    /// verdict.
    func deliver(_ request: SMTPDeliveryRequest, to hop: NextHop) async -> [RecipientVerdict]
}

/// The SMTP client (RFC 5321) over NIO: EHLO (HELO fallback), opportunistic STARTTLS (RFC 3207),
/// SIZE (RFC 1870), 8BITMIME (RFC 6152), PIPELINING (RFC 2920) when offered.
public struct SMTPClientTransport: SMTPTransport {
    public var timeout: TimeAmount
    /// Timeout for the reply to the final dot (RFC 5321 §4.5.3.2.6 suggests 10 minutes).
    public var dataTimeout: TimeAmount
    public var useTLS: Bool

    public init(timeout: TimeAmount = .minutes(5), dataTimeout: TimeAmount = .minutes(10), useTLS: Bool = true) {
        self.timeout = timeout
        self.dataTimeout = dataTimeout
        self.useTLS = useTLS
    }

    public func deliver(_ request: SMTPDeliveryRequest, to hop: NextHop) async -> [RecipientVerdict] {
        let result = await attempt(request, hop: hop, tls: useTLS)
        if case .tlsFailed = result, hop.security == nil {
            // A server that offers STARTTLS but cannot complete it: deliver in the clear, as
            // opportunistic TLS allows (RFC 7435).
            if case .done(let verdicts) = await attempt(request, hop: hop, tls: false) { return verdicts }
            return request.recipients.map { _ in .deferred("TLS negotiation with \(hop) failed", hop: hop) }
        }
        guard case .done(let verdicts) = result else {
            return request.recipients.map { _ in .deferred("TLS negotiation with \(hop) failed", hop: hop) }
        }
        return verdicts
    }

    enum AttemptResult {
        case done([RecipientVerdict])
        case tlsFailed
    }

    func attempt(_ request: SMTPDeliveryRequest, hop: NextHop, tls: Bool) async -> AttemptResult {
        let all = { (verdict: RecipientVerdict) in AttemptResult.done(request.recipients.map { _ in verdict }) }
        let connection: SMTPClientConnection
        do {
            connection = try await SMTPClientConnection.connect(to: hop, timeout: timeout)
        } catch {
            return all(.deferred("cannot connect to \(hop): \(ConnectFailure.describe(error))", hop: hop))
        }
        let result = await converse(connection, request, hop: hop, tls: tls)
        await connection.close()
        return result
    }

    func converse(_ connection: SMTPClientConnection, _ request: SMTPDeliveryRequest, hop: NextHop, tls: Bool) async -> AttemptResult {
        let all = { (verdict: RecipientVerdict) in AttemptResult.done(request.recipients.map { _ in verdict }) }
        var stage = "greeting"
        do {
            let greeting = try await connection.readReply()
            guard greeting.isPositiveCompletion else {
                // A server that will not talk to us (RFC 5321 §3.1: 554 instead of 220) is one
                // host, maybe one MX of several, and maybe only for now: QUIT, then the next hop,
                // and the message waits for a retry rather than bouncing (as Postfix's
                // smtp_skip_5xx_greeting does).
                try? await connection.send([.quit])
                return all(.deferred("\(hop) refused to talk to us: \(greeting)", hop: hop))
            }
            stage = "EHLO"
            var extensions = try await hello(connection, name: request.heloName)
            if let security = hop.security {
                // A configured relay: verified TLS first (nothing goes out otherwise), then the login.
                // Given up on before a transaction: QUIT all the same (RFC 5321 §4.1.1.10).
                if security.tls == .startTLS {
                    guard extensions.startTLS else {
                        try? await connection.send([.quit])
                        return all(.deferred("\(hop) does not offer STARTTLS, which delivery.relay-tls requires", hop: hop))
                    }
                    if let refusal = try await startTLS(connection, request, hop: hop, verifiedBy: security,
                                                        stage: &stage, extensions: &extensions) {
                        try? await connection.send([.quit])
                        return all(.deferred("\(hop) refused STARTTLS: \(refusal)", hop: hop))
                    }
                }
                if let login = security.login {
                    stage = "AUTH"
                    if let refusal = try await RelayAuthentication.logIn(connection, login, offered: extensions.authMechanisms) {
                        try? await connection.send([.quit])
                        return all(.deferred("\(hop) did not accept the relay login: \(refusal)", hop: hop))
                    }
                }
            } else if tls && extensions.startTLS {
                // Refused: the session goes on in the clear, as opportunistic TLS allows.
                _ = try await startTLS(connection, request, hop: hop, verifiedBy: nil, stage: &stage, extensions: &extensions)
            }
            if let limit = extensions.sizeLimit, request.body.count > limit {
                let verdict = RecipientVerdict(kind: .rejected, status: "5.3.4",
                                               diagnostic: "message of \(request.body.count) bytes exceeds \(hop)'s limit of \(limit)",
                                               remoteMTA: hop.name, thisHostOnly: true)
                try? await connection.send([.quit])
                return all(verdict)
            }
            if !extensions.eightBitMIME && request.body.contains(where: { $0 >= 0x80 }) {
                // RFC 6152 §3: 8-bit data only to a server that offers 8BITMIME. Converting to
                // 7 bit here would break the DKIM signature made when the message was queued.
                let verdict = RecipientVerdict(kind: .rejected, status: "5.6.3",
                                               diagnostic: "\(hop) does not accept 8-bit mail (no 8BITMIME)", remoteMTA: hop.name,
                                               thisHostOnly: true)
                try? await connection.send([.quit])
                return all(verdict)
            }
            var outcome = try await transaction(connection, request, extensions, hop: hop, stage: &stage)
            var verdicts = outcome.verdicts
            // RFC 5321 §4.5.3.1.10: a server that takes only so many recipients per transaction
            // answers the rest 452 (4.5.3); they go in the next transaction on this connection,
            // as long as each one delivers to somebody — not a retry interval later per batch.
            while !outcome.tooMany.isEmpty, outcome.verdicts.contains(where: { $0.kind == .accepted }) {
                let batch = outcome.tooMany
                var rest = request
                rest.recipients = batch.map { request.recipients[$0] }
                do {
                    outcome = try await transaction(connection, rest, extensions, hop: hop, stage: &stage)
                } catch {
                    // What earlier transactions delivered stands; only this batch waits.
                    for index in batch { verdicts[index] = .deferred("\(hop) at \(stage): \(error)", hop: hop) }
                    return .done(verdicts)
                }
                for (position, index) in batch.enumerated() { verdicts[index] = outcome.verdicts[position] }
                outcome.tooMany = outcome.tooMany.map { batch[$0] }
            }
            try? await connection.send([.quit])
            return .done(verdicts)
        } catch {
            // Opportunistic TLS that failed once begun — the server closed or broke the
            // connection at STARTTLS, or in the handshake — is tried again in the clear; a
            // relay's is not.
            if hop.security == nil && (stage == "STARTTLS" || stage == Self.afterSTARTTLS) { return .tlsFailed }
            return all(.deferred("\(hop) at \(stage): \(error)", hop: hop))
        }
    }

    /// The stage in which a failed handshake shows: TLS is in front, and EHLO is its first use.
    static let afterSTARTTLS = "TLS handshake and EHLO after STARTTLS"

    /// STARTTLS, then EHLO again inside TLS (RFC 3207 §4.2: what the server offered before is
    /// forgotten). A relay's certificate must verify (`verifiedBy`). Returns the server's reply
    /// when it refused STARTTLS (no 220); nothing changed then.
    func startTLS(_ connection: SMTPClientConnection, _ request: SMTPDeliveryRequest, hop: NextHop,
                  verifiedBy security: RelaySecurity?, stage: inout String,
                  extensions: inout SMTPServerExtensions) async throws -> SMTPReply? {
        stage = "STARTTLS"
        try await connection.send([.startTLS])
        let reply = try await connection.readReply()
        guard reply.code == 220 else { return reply }
        try await connection.startTLS(serverName: hop.name, verifiedBy: security)
        stage = Self.afterSTARTTLS
        extensions = try await hello(connection, name: request.heloName)
        return nil
    }

    func hello(_ connection: SMTPClientConnection, name: String) async throws -> SMTPServerExtensions {
        try await connection.send([.ehlo(name)])
        let reply = try await connection.readReply()
        if reply.isPositiveCompletion { return SMTPServerExtensions(ehlo: reply) }
        try await connection.send([.helo(name)])
        let helo = try await connection.readReply()
        guard helo.isPositiveCompletion else { throw TransactionError.refused(helo) }
        return SMTPServerExtensions()
    }

    enum TransactionError: Error, CustomStringConvertible {
        case refused(SMTPReply)
        case badAddress(String)
        var description: String {
            switch self {
            case .refused(let reply): "refused: \(reply)"
            case .badAddress(let address): "address cannot be sent: \(address)"
            }
        }
    }

    /// What one transaction made of its recipients: a verdict each, and the indices of those
    /// the server put off as too many for this transaction (`452`, RFC 5321 §4.5.3.1.10).
    struct TransactionOutcome {
        var verdicts: [RecipientVerdict]
        var tooMany: [Int]
    }

    /// MAIL, RCPT…, DATA, body; pipelined when the server allows.
    /// `stage` names the step under way, for the verdict when the connection fails.
    func transaction(_ connection: SMTPClientConnection, _ request: SMTPDeliveryRequest,
                     _ extensions: SMTPServerExtensions, hop: NextHop, stage: inout String) async throws -> TransactionOutcome {
        let verdicts = try await transactionVerdicts(connection, request, extensions, hop: hop, stage: &stage)
        return TransactionOutcome(verdicts: verdicts, tooMany: verdicts.indices.filter { Self.isTooManyRecipients(verdicts[$0]) })
    }

    /// Pure: a recipient refused at RCPT with `452` as one too many for the transaction — the
    /// enhanced code 4.5.3, or none (a 452 with 4.2.2, say, is a full mailbox).
    static func isTooManyRecipients(_ verdict: RecipientVerdict) -> Bool {
        guard verdict.kind == .deferred, verdict.diagnostic.hasPrefix("smtp; 452") else { return false }
        return verdict.status == "4.5.3" || verdict.status == "4.0.0"
    }

    func transactionVerdicts(_ connection: SMTPClientConnection, _ request: SMTPDeliveryRequest,
                             _ extensions: SMTPServerExtensions, hop: NextHop, stage: inout String) async throws -> [RecipientVerdict] {
        stage = "MAIL FROM"
        // IDN domains go out as A-labels; only a non-ASCII local part needs SMTPUTF8.
        let senderAddress = EnvelopeAddress.ascii(request.sender)
        let recipientAddresses = request.recipients.map(EnvelopeAddress.ascii)
        let noUTF8 = RecipientVerdict(kind: .rejected, status: "5.6.7",
                                      diagnostic: "\(hop) does not support SMTPUTF8 for an internationalized address",
                                      remoteMTA: hop.name)
        if !extensions.smtpUTF8 && !EnvelopeAddress.isASCII(senderAddress) {
            return request.recipients.map { _ in noUTF8 }
        }
        var verdicts: [RecipientVerdict?] = recipientAddresses.map {
            extensions.smtpUTF8 || EnvelopeAddress.isASCII($0) ? nil : noUTF8
        }
        // RFC 6531 §3.4: SMTPUTF8 also when the header section is UTF-8 (RFC 6532), as a message
        // submitted with SMTPUTF8 may be with an ASCII envelope. To a server without it such a
        // message still goes as it is (docs/delivery.md), as Postfix sends it.
        let needsUTF8 = !EnvelopeAddress.isASCII(senderAddress)
            || zip(recipientAddresses, verdicts).contains { $1 == nil && !EnvelopeAddress.isASCII($0) }
            || (extensions.smtpUTF8 && Self.hasUTF8HeaderSection(request.body))
        let sender: SMTPPath
        if senderAddress.isEmpty {
            sender = .null
        } else {
            guard let path = SMTPPath(address: senderAddress, allowsUTF8: needsUTF8) else {
                throw TransactionError.badAddress(request.sender)
            }
            sender = path
        }
        var parameters: [SMTPParameter] = []
        if extensions.sizeOffered { parameters.append(SMTPParameter(keyword: "SIZE", value: String(request.body.count))) }
        if extensions.eightBitMIME && request.body.contains(where: { $0 >= 0x80 }) {
            parameters.append(SMTPParameter(keyword: "BODY", value: "8BITMIME"))
        }
        if needsUTF8 { parameters.append(SMTPParameter(keyword: "SMTPUTF8")) }
        // A next hop that offers DSN is handed the sender's request (RFC 3461 §5.2.2).
        let handedOn = extensions.dsn ? request.notifications : nil
        if let handedOn {
            parameters += Self.notificationParameters(handedOn)
        }
        var rcpts: [SMTPClientCommand] = []
        for (index, recipient) in recipientAddresses.enumerated() where verdicts[index] == nil {
            guard let path = SMTPPath(address: recipient, allowsUTF8: needsUTF8) else {
                verdicts[index] = RecipientVerdict(kind: .rejected, status: "5.1.3",
                                                   diagnostic: "invalid address \(request.recipients[index])", remoteMTA: nil)
                continue
            }
            let asked = handedOn?.recipient(request.recipients[index])
            rcpts.append(.rcptTo(path, parameters: asked.map(Self.notificationParameters) ?? []))
        }
        // Nobody left to send to (every recipient refused above): no transaction.
        guard !rcpts.isEmpty else { return verdicts.map { $0 ?? .deferred("no verdict", hop: hop) } }
        let mail = SMTPClientCommand.mailFrom(sender, parameters: parameters)
        var mailReply: SMTPReply
        var rcptReplies: [SMTPReply] = []
        var dataReply: SMTPReply?
        if extensions.pipelining {
            stage = "MAIL FROM, RCPT TO and DATA"
            try await connection.send([mail] + rcpts + [.data])
            mailReply = try await connection.readReply()
            for _ in rcpts { rcptReplies.append(try await connection.readReply()) }
            dataReply = try await connection.readReply()
        } else {
            try await connection.send([mail])
            mailReply = try await connection.readReply()
            if mailReply.isPositiveCompletion {
                stage = "RCPT TO"
                for rcpt in rcpts {
                    try await connection.send([rcpt])
                    rcptReplies.append(try await connection.readReply())
                }
                if rcptReplies.contains(where: \.isPositiveCompletion) {
                    stage = "DATA"
                    try await connection.send([.data])
                    dataReply = try await connection.readReply()
                }
            }
        }
        let envelope = Self.envelopeVerdicts(prefilled: verdicts, mail: mailReply, rcpts: rcptReplies, hop: hop)
        verdicts = envelope.verdicts
        var final: SMTPReply?
        if let dataReply, dataReply.code == 354 {
            do {
                if envelope.accepted.isEmpty {
                    // Pipelined DATA went ahead although nobody was accepted: end it empty.
                    try await connection.send(raw: ByteBuffer(string: ".\r\n"))
                    _ = try? await connection.readReply()
                } else {
                    stage = "message text"
                    try await connection.send(raw: DotStuffer.stuffed(ByteBuffer(bytes: request.body)))
                    final = try await connection.readReply(timeout: dataTimeout)
                }
            } catch {
                // What MAIL and RCPT decided stands — a recipient refused with a 5xx is refused
                // for good (RFC 5321 §4.2.1), not tried again; the accepted ones wait for a retry.
                let lost = RecipientVerdict.deferred("\(hop) at \(stage): \(error)", hop: hop)
                for index in envelope.accepted { verdicts[index] = lost }
                return verdicts.map { $0 ?? lost }
            }
        }
        var result = Self.finalVerdicts(verdicts, accepted: envelope.accepted, data: dataReply, final: final, hop: hop)
        if handedOn != nil {
            for index in envelope.accepted where result[index].kind == .accepted { result[index].notificationsPassedOn = true }
        }
        return result
    }

    /// `RET=` and `ENVID=` for MAIL (RFC 3461 §4.3, §4.4).
    static func notificationParameters(_ request: DeliveryNotifications) -> [SMTPParameter] {
        var parameters: [SMTPParameter] = []
        if let returned = request.returned { parameters.append(SMTPParameter(keyword: "RET", value: returned == .full ? "FULL" : "HDRS")) }
        if let envelopeID = request.envelopeID { parameters.append(SMTPParameter(keyword: "ENVID", value: SMTPXText.encode(envelopeID))) }
        return parameters
    }

    /// `NOTIFY=` and `ORCPT=` for one recipient's RCPT (RFC 3461 §4.1, §4.2).
    static func notificationParameters(_ recipient: DeliveryNotifications.Recipient) -> [SMTPParameter] {
        var parameters: [SMTPParameter] = []
        if let notify = recipient.notify {
            let events = DeliveryNotifications.Event.allCases.filter(notify.contains).map { $0.rawValue.uppercased() }
            parameters.append(SMTPParameter(keyword: "NOTIFY", value: events.isEmpty ? "NEVER" : events.joined(separator: ",")))
        }
        if let original = recipient.originalRecipient.flatMap(SMTPXText.encodeOriginalRecipient) {
            parameters.append(SMTPParameter(keyword: "ORCPT", value: original))
        }
        return parameters
    }

    /// Pure: whether the message's header section holds non-ASCII text that is UTF-8 (RFC 6532),
    /// not bytes of a legacy charset written raw.
    static func hasUTF8HeaderSection(_ message: [UInt8]) -> Bool {
        let header = message[..<HeaderEditor.headerSectionEnd(message)]
        guard header.contains(where: { $0 >= 0x80 }) else { return false }
        return String(validating: header, as: UTF8.self) != nil
    }

    /// Pure: the verdicts MAIL and RCPT already decide (`nil` = still open), and the indices of
    /// recipients the server accepted. `prefilled` holds verdicts known before sending
    /// (invalid addresses); `rcpts` answers the remaining recipients in order.
    static func envelopeVerdicts(prefilled: [RecipientVerdict?], mail: SMTPReply, rcpts: [SMTPReply],
                                 hop: NextHop) -> (verdicts: [RecipientVerdict?], accepted: [Int]) {
        var verdicts = prefilled
        var accepted: [Int] = []
        var replyIndex = 0
        for index in verdicts.indices where verdicts[index] == nil {
            if !mail.isPositiveCompletion {
                verdicts[index] = .from(mail, hop: hop)
            } else if replyIndex < rcpts.count {
                let reply = rcpts[replyIndex]
                if reply.isPositiveCompletion { accepted.append(index) } else { verdicts[index] = .from(reply, hop: hop) }
            } else {
                verdicts[index] = .deferred("no reply to RCPT", hop: hop)
            }
            replyIndex += 1
        }
        return (verdicts, accepted)
    }

    /// Pure: accepted recipients take the reply to the final dot, or the refusal of DATA.
    static func finalVerdicts(_ verdicts: [RecipientVerdict?], accepted: [Int], data: SMTPReply?, final: SMTPReply?,
                              hop: NextHop) -> [RecipientVerdict] {
        var verdicts = verdicts
        let decisive = final ?? (data.map { $0.code == 354 ? SMTPReply(code: 451, nil, "no reply after the message") : $0 }
            ?? SMTPReply(code: 451, nil, "no reply to DATA"))
        for index in accepted { verdicts[index] = .from(decisive, hop: hop) }
        return verdicts.map { $0 ?? .deferred("no verdict", hop: hop) }
    }
}
