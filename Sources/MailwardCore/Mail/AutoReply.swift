import Foundation
import MailwardMIME

/// An account's automatic reply (自动回复: "I am away until …"), set in the webmail's settings.
/// While it is on, a person who writes to the account gets the text once within
/// ``AutoReplyRule/interval``; mailing lists, automatic mail and bounces get nothing
/// (``AutoReplyRule``, RFC 3834).
public struct AutoReply: Sendable, Equatable {
    public var enabled: Bool
    /// The reply's subject; empty: "自动回复: " and the message's subject.
    public var subject: String
    public var text: String
    /// No reply from this moment on (the end of the last day it runs); nil: until switched off.
    public var endsAt: Date?

    public static let maximumSubjectLength = 200
    public static let maximumTextLength = 20_000

    public init(enabled: Bool, subject: String = "", text: String, endsAt: Date? = nil) {
        self.enabled = enabled
        self.subject = subject
        self.text = text
        self.endsAt = endsAt
    }

    /// Whether it answers mail arriving at `now`.
    public func isActive(at now: Date) -> Bool {
        enabled && !text.isEmpty && (endsAt.map { now < $0 } ?? true)
    }
}

/// Which delivered messages get an automatic reply, and what it looks like — RFC 3834 ("Recommendations
/// for Automatic Responses to Electronic Mail"). Pure.
public enum AutoReplyRule {
    /// One reply per sender within this time (RFC 3834 §2: "SHOULD NOT … more than once per
    /// sender … within a period", commonly 7 days, as Sieve's vacation).
    public static let interval: TimeInterval = 7 * 86_400

    /// Whether a message delivered to an account whose addresses are `own` (lowercased: the
    /// account's and its aliases') gets a reply. `sender` is the envelope sender (`Return-Path`;
    /// nil or empty for bounces). Refused (RFC 3834 §2, §3.1.8): bounces and mail from
    /// system addresses; automatic mail (`Auto-Submitted` other than `no`, `Precedence:
    /// bulk|list|junk`, Exchange's `X-Auto-Response-Suppress`); mailing lists (`List-Id`,
    /// `List-Unsubscribe`, `List-Post`); mail that does not name the account in `To:` or `Cc:`
    /// (a Bcc'd mailing, or spam sent to many); mail from the account itself; spam (`junk`).
    public static func shouldReply(headers: [HeaderField], sender: String?, own: Set<String>, junk: Bool) -> Bool {
        guard !junk, let sender = sender?.lowercased(), !sender.isEmpty, sender.contains("@"), !own.contains(sender) else { return false }
        let local = sender.split(separator: "@").first.map(String.init) ?? ""
        let systemLocalParts: Set<String> = ["mailer-daemon", "postmaster", "listserv", "majordomo", "noreply", "no-reply",
                                             "donotreply", "do-not-reply", "bounce", "bounces"]
        if systemLocalParts.contains(local) || local.hasPrefix("owner-") || local.hasSuffix("-request")
            || local.hasSuffix("-bounces") || local.hasPrefix("bounce-") { return false }
        if let auto = headers.first(named: "Auto-Submitted"), auto.lowercased().split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces) != "no" { return false }
        if let precedence = headers.first(named: "Precedence")?.lowercased().trimmingCharacters(in: .whitespaces),
           ["bulk", "list", "junk"].contains(precedence) { return false }
        if let suppress = headers.first(named: "X-Auto-Response-Suppress")?.lowercased(),
           suppress.contains("oof") || suppress.contains("all") { return false }
        for list in ["List-Id", "List-Unsubscribe", "List-Post"] where headers.first(named: list) != nil { return false }
        let named = (headers.all(named: "To") + headers.all(named: "Cc")).flatMap { AddressParser.parse($0) }
            .map { $0.address.lowercased() }
        return named.contains { own.contains($0) }
    }

    /// The reply to a message with `headers`, from `account` to `sender`: `Auto-Submitted:
    /// auto-replied`, `In-Reply-To`/`References` to the message, the subject given or
    /// "自动回复: " and the message's, the text as UTF-8 (base64, so the message is 7-bit). It
    /// goes out with an empty envelope sender, so nothing ever answers it (RFC 3834 §3.3).
    public static func compose(_ reply: AutoReply, from account: Account, to sender: String, headers: [HeaderField],
                               date: Date, messageID: String) -> [UInt8] {
        let original = EncodedWord.decode(headers.first(named: "Subject") ?? "")
        let subject = reply.subject.isEmpty ? "自动回复: " + original : reply.subject
        let replyTo = headers.first(named: "Message-ID").flatMap(HeaderSyntax.messageID)
        var references = headers.first(named: "References").map(HeaderSyntax.messageIDs) ?? []
        if let replyTo { references.append(replyTo) }
        let name = account.displayName.isEmpty ? "" : EncodedWord.encodeWords(account.displayName).joined(separator: " ") + " "
        var header = """
            From: \(name)<\(account.address)>\r
            To: <\(sender)>\r
            Subject: \(EncodedWord.encodeWords(subject).joined(separator: "\r\n "))\r
            Date: \(MailDate.format(date))\r
            Message-ID: <\(messageID)@\(account.address.domain)>\r
            Auto-Submitted: auto-replied\r

            """
        if let replyTo { header += "In-Reply-To: \(replyTo)\r\n" }
        if !references.isEmpty { header += "References: " + references.suffix(20).joined(separator: "\r\n ") + "\r\n" }
        header += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        let text = reply.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array(header.utf8) + Base64.encode(Array(text.utf8)) + Array("\r\n".utf8)
    }
}
