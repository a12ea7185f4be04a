import Foundation
import MailwardCore
import MailwardMIME

/// Builds a delivery status notification (RFC 3464): a bounce for recipients that failed, a
/// "still trying" notice, or — asked for with `NOTIFY=SUCCESS` (RFC 3461) — a report that the
/// message was delivered here or relayed to a next hop that sends no reports of its own. A
/// `multipart/report; report-type=delivery-status` with a human part (Chinese, then English:
/// the users' language first, as the webmail's default), the `message/delivery-status` part
/// (with the sender's `ENVID` and `ORCPT` when given) and the original message's headers
/// (`text/rfc822-headers`, RFC 6522) — or, for a bounce the sender asked `RET=FULL` of, the
/// whole message up to ``maximumReturnedBytes``; for an internationalized recipient the global
/// forms of RFC 6533. Pure.
public enum DeliveryStatusNotification {
    /// What happened to the recipients a report names (RFC 3464 §2.3.3).
    public enum Action: String, Sendable {
        case failed, delayed, delivered, relayed
    }

    public struct Failure: Sendable, Equatable {
        public var recipient: String
        public var verdict: RecipientVerdict
        public init(recipient: String, verdict: RecipientVerdict) {
            self.recipient = recipient
            self.verdict = verdict
        }
    }

    /// Longest original header block copied into the report.
    static let maximumHeaderBytes = 64 * 1024
    /// Largest message a bounce returns whole (`RET=FULL`); a larger one is returned as its
    /// headers, as Postfix does past its `bounce_size_limit`.
    static let maximumReturnedBytes = 1 << 20

    /// `failures`: the recipients the report is about, each with the answer that decided it
    /// (for `delivered` and `relayed`, the acceptance). `notifications`: what the sender asked
    /// (its envelope id, original recipients, and for a bounce `RET`).
    public static func build(reportingMTA: String, originalSender: String, originalMessage: [UInt8],
                             originalID: String, failures: [Failure], arrivalDate: Date, now: Date, action: Action = .failed,
                             notifications: DeliveryNotifications? = nil,
                             boundary: String = UUID().uuidString, messageID: String = UUID().uuidString) -> [UInt8] {
        let reportingMTA = clean(reportingMTA)
        let originalSender = clean(originalSender)
        let subject = switch action {
        case .delayed: "Delayed Mail (still being retried)"
        case .delivered, .relayed: "Successful Mail Delivery Report"
        case .failed: failures.allSatisfy({ $0.verdict.status.hasPrefix("4.4.7") })
            ? "Undelivered Mail Returned to Sender (delivery time expired)" : "Undelivered Mail Returned to Sender"
        }
        var text = """
            From: Mail Delivery System <MAILER-DAEMON@\(reportingMTA)>\r
            To: <\(originalSender)>\r
            Subject: \(subject)\r
            Date: \(MailDate.format(now))\r
            Message-ID: <\(messageID)@\(reportingMTA)>\r
            Auto-Submitted: auto-replied\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status;\r
             boundary="\(boundary)"\r
            \r
            This is a MIME-encapsulated delivery status notification.\r
            \r
            --\(boundary)\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Description: Notification\r
            Content-Transfer-Encoding: quoted-printable\r
            \r

            """
        // Quoted-printable: the Chinese lines (and an internationalized recipient) keep the
        // report 7-bit, so it travels to any next hop, 8BITMIME or not.
        let (chinese, english) = switch action {
        case .failed: ("您的邮件未能送达以下收件人（\(reportingMTA) 的邮件系统）：",
                       "Your message could not be delivered to the following recipients:")
        case .delayed: ("您的邮件尚未送达，\(reportingMTA) 的邮件系统仍在重试。",
                        "Your message has not been delivered yet; the mail system keeps trying.")
        case .delivered: ("您的邮件已送达以下收件人的邮箱（\(reportingMTA) 的邮件系统）：",
                          "Your message was delivered to the mailboxes of the following recipients:")
        case .relayed: ("您的邮件已交给以下收件人的邮件服务器；对方不提供送达回执，此后的投递情况无法告知：",
                        "Your message was handed to the mail servers of the following recipients, which send no delivery reports of their own:")
        }
        var notification = """
            \(chinese)\r
            This is the mail system at \(reportingMTA).\r
            \r
            \(english)\r
            \r

            """
        for failure in failures {
            notification += "  <\(clean(failure.recipient))>: \(clean(failure.verdict.diagnostic))\r\n"
        }
        text += String(decoding: QuotedPrintable.encode(Array(notification.utf8)), as: UTF8.self)
        // An internationalized address (SMTPUTF8) cannot stand in the ASCII-only
        // message/delivery-status part: RFC 6533's global report, with `utf-8;` addresses, then.
        let global = failures.contains { !$0.recipient.allSatisfy(\.isASCII) }
        text += """
            \r
            --\(boundary)\r
            Content-Type: \(global ? "message/global-delivery-status" : "message/delivery-status")\r
            Content-Description: Delivery report\r
            \r
            \(notifications?.envelopeID.map { "Original-Envelope-Id: \(clean($0))\r\n" } ?? "")\
            Reporting-MTA: dns; \(reportingMTA)\r
            X-Mailward-Queue-ID: \(clean(originalID))\r
            Arrival-Date: \(MailDate.format(arrivalDate))\r

            """
        for failure in failures {
            let addressType = failure.recipient.allSatisfy(\.isASCII) ? "rfc822" : "utf-8"
            text += "\r\n"
            if let original = notifications?.recipient(failure.recipient)?.originalRecipient {
                text += "Original-Recipient: \(clean(original))\r\n"
            }
            text += "Final-Recipient: \(addressType); \(clean(failure.recipient))\r\n"
            text += "Action: \(action.rawValue)\r\n"
            text += "Status: \(clean(failure.verdict.status))\r\n"
            if let remote = failure.verdict.remoteMTA { text += "Remote-MTA: dns; \(clean(remote))\r\n" }
            text += "Diagnostic-Code: \(Self.typed(clean(failure.verdict.diagnostic)))\r\n"
        }
        // Header fields in UTF-8 (RFC 6532; a message submitted with SMTPUTF8) are not
        // text/rfc822-headers either (RFC 6533 §6.3), whatever the recipients.
        let headers = headerBlock(of: originalMessage)
        let globalHeaders = global || headers.contains { $0 >= 0x80 }
        // RET applies to failures only (RFC 3461 §4.3); any other report carries the headers.
        let whole = action == .failed && notifications?.returned == .full && originalMessage.count <= maximumReturnedBytes
        // A whole message: `message/global` when its header fields are UTF-8 (RFC 6532), and an
        // 8-bit body declared as such (the report then travels as 8BITMIME).
        let returned = whole
            ? (globalHeaders ? "message/global" : "message/rfc822", "Undelivered message")
            : (globalHeaders ? "message/global-headers" : "text/rfc822-headers",
               action == .failed || action == .delayed ? "Undelivered message headers" : "Message headers")
        let eightBit = whole && originalMessage.contains { $0 >= 0x80 }
        text += """
            \r
            --\(boundary)\r
            Content-Type: \(returned.0)\r
            Content-Description: \(returned.1)\r
            \(eightBit ? "Content-Transfer-Encoding: 8bit\r\n" : "")\
            \r

            """
        var bytes = Array(text.utf8)
        if whole {
            bytes += originalMessage
            if bytes.last != UInt8(ascii: "\n") { bytes += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
        } else {
            bytes += headers
        }
        bytes += Array("\r\n--\(boundary)--\r\n".utf8)
        return bytes
    }

    /// The header block of a message (up to and excluding the blank line), lines ending in CRLF.
    static func headerBlock(of message: [UInt8]) -> [UInt8] {
        var end = message.count
        var index = 0
        while index < message.count {
            if message[index] == UInt8(ascii: "\n") {
                let next = index + 1
                if next < message.count && message[next] == UInt8(ascii: "\n") { end = next; break }
                if next + 1 < message.count && message[next] == UInt8(ascii: "\r") && message[next + 1] == UInt8(ascii: "\n") {
                    end = next
                    break
                }
            }
            index += 1
        }
        var block = Array(message[..<min(end, maximumHeaderBytes)])
        if block.last != UInt8(ascii: "\n") { block += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
        return block
    }

    /// One header line's worth of text: no CR/LF (a remote server's reply must not add fields).
    static func clean(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars.prefix(900) {
            scalars.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
        }
        return String(scalars)
    }

    /// A diagnostic as RFC 3464 §2.3.6 writes it, `diagnostic-type; text`: a remote server's
    /// reply is already `smtp; …`, local ones (`x-local; …`) too; a reason of our own without a
    /// type (DNS said the domain does not exist, a size limit) gets `x-mailward;`, as Postfix
    /// writes `X-Postfix;`.
    static func typed(_ diagnostic: String) -> String {
        let type = diagnostic.prefix { $0 != ";" }
        let isType = diagnostic.contains(";") && !type.isEmpty && type.first!.isLetter
            && type.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        return isType ? diagnostic : "x-mailward; \(diagnostic)"
    }
}
