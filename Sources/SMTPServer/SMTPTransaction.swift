import MailwardCore
import SMTPCodec

/// One accepted recipient of a transaction.
public enum SMTPRecipient: Hashable, Sendable {
    /// Delivered into this account's INBOX (`address` as the client wrote it, for trace headers).
    case local(accountID: AccountID, address: String)
    /// Handed to the outbound queue (submission only).
    case remote(address: String)

    public var address: String {
        switch self {
        case .local(_, let address), .remote(let address): address
        }
    }
}

/// The envelope of one mail transaction (MAIL FROM … RCPT TO … DATA).
public struct SMTPTransaction: Hashable, Sendable {
    public var reversePath: SMTPPath
    public var parameters: SMTPMailParameters
    public var recipients: [SMTPRecipient] = []
    /// The DSN parameters (`NOTIFY=`, `ORCPT=`) of the recipients that gave any, by address
    /// lowercased (``DeliveryNotifications/key(_:)``).
    public var recipientParameters: [String: SMTPRecipientParameters] = [:]

    public init(reversePath: SMTPPath, parameters: SMTPMailParameters) {
        self.reversePath = reversePath
        self.parameters = parameters
    }

    /// What the client asked to be told of the delivery (RFC 3461: `RET=` and `ENVID=` on MAIL,
    /// `NOTIFY=` and `ORCPT=` on RCPT, checked by the codec); nil when it asked nothing.
    public var notifications: DeliveryNotifications? {
        var request = DeliveryNotifications(
            envelopeID: parameters.envelopeID.flatMap(SMTPXText.decode),
            returned: parameters.ret.map { $0 == "HDRS" ? .headers : .full })
        for (address, given) in recipientParameters {
            let notify: Set<DeliveryNotifications.Event>? = given.notify.map { list in
                Set(list.split(separator: ",").compactMap { DeliveryNotifications.Event(rawValue: $0.lowercased()) })
            }
            request.recipients[address] = .init(notify: notify,
                                                originalRecipient: given.originalRecipient.flatMap(SMTPXText.decodeOriginalRecipient))
        }
        return request.isEmpty ? nil : request
    }
}

/// Who the client is, as far as trace headers and rules care.
public struct SMTPClientInfo: Hashable, Sendable {
    /// The EHLO/HELO argument.
    public var helo: String
    public var remoteIP: String
    public var esmtp: Bool
    public var tls: Bool
    /// The authenticated account (submission).
    public var account: Account?

    public init(helo: String, remoteIP: String, esmtp: Bool, tls: Bool, account: Account?) {
        self.helo = helo
        self.remoteIP = remoteIP
        self.esmtp = esmtp
        self.tls = tls
        self.account = account
    }
}

/// A complete message ready to be stored / queued.
public struct SMTPMessageSubmission: Sendable {
    public var transaction: SMTPTransaction
    public var client: SMTPClientInfo
    /// The message as received (dot-unstuffed), without trace headers.
    public var content: [UInt8]

    public init(transaction: SMTPTransaction, client: SMTPClientInfo, content: [UInt8]) {
        self.transaction = transaction
        self.client = client
        self.content = content
    }
}
